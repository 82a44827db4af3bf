/* imapconn: IMAP sessions over TLS verified by GnuTLS, given to libetpan as
 * a stream driver of our own. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

#include "imapconn.h"

int
imap_parse_url(const char *url, struct imap_endpoint *ep, const char **why)
{
	const char *p, *hend;
	size_t hl;

	memset(ep, 0, sizeof *ep);
	ep->timeout = 120;
	if (strncasecmp(url, "imaps://", 8) == 0) {
		ep->implicit_tls = 1;
		ep->port = 993;
		p = url + 8;
	} else if (strncasecmp(url, "imap://", 7) == 0) {
		ep->port = 143;
		p = url + 7;
	} else {
		*why = "not an imap:// or imaps:// URL";
		return -1;
	}
	if (*p == '[') {
		hend = strchr(p, ']');
		if (!hend) {
			*why = "unterminated [IPv6] address";
			return -1;
		}
		hl = (size_t)(hend - p - 1);
		p++;
		hend++;
	} else {
		hend = p + strcspn(p, ":/");
		hl = (size_t)(hend - p);
	}
	if (hl == 0 || hl >= sizeof ep->host) {
		*why = "no host name";
		return -1;
	}
	memcpy(ep->host, p, hl);
	ep->host[hl] = '\0';
	if (*hend == ':') {
		char *end;
		long port = strtol(hend + 1, &end, 10);
		if (port < 1 || port > 65535 || (*end && *end != '/')) {
			*why = "bad port";
			return -1;
		}
		ep->port = (uint16_t)port;
		hend = end;
	}
	if (*hend && strcmp(hend, "/") != 0) {
		*why = "a path after the host is not understood";
		return -1;
	}
	return 0;
}

/* ---- the TLS stream driver ---- */

struct tls_low {
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	int own_cred;		/* cred is this session's, not the endpoint's */
	int fd;
	int timeout;		/* seconds */
};

/* libetpan makes its sockets non-blocking: wait until GnuTLS may go on.
 * Returns 0, or -1 when the timeout passed. */
static int
tls_wait(struct tls_low *t)
{
	struct pollfd p = { t->fd, gnutls_record_get_direction(t->session) ?
	    POLLOUT : POLLIN, 0 };
	int r;

	do
		r = poll(&p, 1, t->timeout * 1000);
	while (r < 0 && errno == EINTR);
	return r > 0 ? 0 : -1;
}

static ssize_t
tls_read(mailstream_low *l, void *buf, size_t n)
{
	struct tls_low *t = l->data;
	ssize_t r;

	for (;;) {
		r = gnutls_record_recv(t->session, buf, n);
		if (r == GNUTLS_E_INTERRUPTED)
			continue;
		if (r == GNUTLS_E_AGAIN && tls_wait(t) == 0)
			continue;
		return r < 0 ? -1 : r;
	}
}

static ssize_t
tls_write(mailstream_low *l, const void *buf, size_t n)
{
	struct tls_low *t = l->data;
	ssize_t r;

	for (;;) {
		r = gnutls_record_send(t->session, buf, n);
		if (r == GNUTLS_E_INTERRUPTED)
			continue;
		if (r == GNUTLS_E_AGAIN && tls_wait(t) == 0)
			continue;
		return r < 0 ? -1 : r;
	}
}

static int
tls_close(mailstream_low *l)
{
	struct tls_low *t = l->data;

	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	return 0;
}

static int
tls_get_fd(mailstream_low *l)
{
	return ((struct tls_low *)l->data)->fd;
}

static void
tls_free(mailstream_low *l)
{
	struct tls_low *t = l->data;

	if (t->fd >= 0)
		close(t->fd);
	gnutls_deinit(t->session);
	if (t->own_cred)
		gnutls_certificate_free_credentials(t->cred);
	free(t);
	free(l);
}

static void
tls_cancel(mailstream_low *l)
{
	(void)l;
}

static struct mailstream_cancel *
tls_get_cancel(mailstream_low *l)
{
	(void)l;
	return NULL;
}

static carray *
tls_chain(mailstream_low *l)
{
	(void)l;
	return NULL;
}

static mailstream_low_driver tls_driver = {
	tls_read, tls_write, tls_close, tls_get_fd, tls_free, tls_cancel,
	tls_get_cancel, tls_chain, NULL, NULL, NULL
};

static int
is_ip(const char *h)
{
	unsigned char b[16];

	return inet_pton(AF_INET, h, b) == 1 || inet_pton(AF_INET6, h, b) == 1;
}

/* The CA certificates for ep: *cred, or NULL with the reason in err. */
static gnutls_certificate_credentials_t
cred_load(const struct imap_endpoint *ep, char *err, size_t errlen)
{
	gnutls_certificate_credentials_t cred;
	int r;

	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		snprintf(err, errlen, "cannot set up TLS");
		return NULL;
	}
	if (ep->cafile)
		r = gnutls_certificate_set_x509_trust_file(cred, ep->cafile,
		    GNUTLS_X509_FMT_PEM);
	else
		r = gnutls_certificate_set_x509_system_trust(cred);
	if (r <= 0 && !ep->insecure) {
		snprintf(err, errlen, "%s: no CA certificate could be read%s%s",
		    ep->cafile ? ep->cafile : "the system's CA store",
		    r < 0 ? ": " : "", r < 0 ? gnutls_strerror(r) : "");
		gnutls_certificate_free_credentials(cred);
		return NULL;
	}
	return cred;
}

int
imap_endpoint_tls(struct imap_endpoint *ep)
{
	char err[256];

	if (ep->plaintext || ep->cred)
		return 0;
	ep->cred = cred_load(ep, err, sizeof err);
	return ep->cred ? 0 : -1;
}

void
imap_endpoint_free(struct imap_endpoint *ep)
{
	if (ep->cred)
		gnutls_certificate_free_credentials(ep->cred);
	ep->cred = NULL;
}

/* TLS on fd; returns the stream driver, or NULL with the reason. */
static mailstream_low *
tls_start(int fd, const struct imap_endpoint *ep, char *err, size_t errlen)
{
	struct tls_low *t = calloc(1, sizeof *t);
	int r;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->fd = fd;
	t->timeout = ep->timeout;
	/* the endpoint's certificates when read once for all, else its own */
	if ((t->cred = ep->cred) == NULL) {
		if ((t->cred = cred_load(ep, err, errlen)) == NULL) {
			free(t);
			return NULL;
		}
		t->own_cred = 1;
	}
	if (gnutls_init(&t->session, GNUTLS_CLIENT) < 0)
		goto fail_cred;
	gnutls_set_default_priority(t->session);
	gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, t->cred);
	if (!is_ip(ep->host))
		gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, ep->host,
		    strlen(ep->host));
	if (!ep->insecure)
		gnutls_session_set_verify_cert(t->session, ep->host, 0);
	gnutls_transport_set_int(t->session, fd);
	gnutls_handshake_set_timeout(t->session, (unsigned)ep->timeout * 1000);
	do {
		r = gnutls_handshake(t->session);
		if (r == GNUTLS_E_AGAIN && tls_wait(t) < 0)
			break;
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
			gnutls_datum_t out = { NULL, 0 };
			unsigned st = gnutls_session_get_verify_cert_status(t->session);
			gnutls_certificate_verification_status_print(st,
			    GNUTLS_CRT_X509, &out, 0);
			snprintf(err, errlen, "the server's certificate does not verify: %s",
			    out.data ? (char *)out.data : "?");
			gnutls_free(out.data);
		} else
			snprintf(err, errlen, "TLS handshake: %s", gnutls_strerror(r));
		gnutls_deinit(t->session);
		if (t->own_cred)
			gnutls_certificate_free_credentials(t->cred);
		free(t);
		return NULL;
	}
	return mailstream_low_new(t, &tls_driver);
fail_cred:
	if (t->own_cred)
		gnutls_certificate_free_credentials(t->cred);
	free(t);
	snprintf(err, errlen, "cannot set up TLS");
	return NULL;
}

static int
tcp_connect(const struct imap_endpoint *ep, char *err, size_t errlen)
{
	struct addrinfo hints = { 0 }, *ai, *a;
	char port[8];
	int fd = -1, r, e = 0;
	struct timeval tv = { ep->timeout, 0 };

	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%u", ep->port);
	if ((r = getaddrinfo(ep->host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "%s: %s", ep->host, gai_strerror(r));
		return -1;
	}
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		snprintf(err, errlen, "%s port %u: %s", ep->host, ep->port,
		    strerror(e ? e : ECONNREFUSED));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	/* commands and literals are small writes waiting on an answer */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static void
forget_caps(mailimap *s)
{
	if (s->imap_connection_info && s->imap_connection_info->imap_capability) {
		mailimap_capability_data_free(s->imap_connection_info->imap_capability);
		s->imap_connection_info->imap_capability = NULL;
	}
}

mailimap *
imap_open(const struct imap_endpoint *ep, char *err, size_t errlen)
{
	mailimap *s = mailimap_new(0, NULL);
	mailstream_low *low;
	mailstream *st;
	int fd, r;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	mailimap_set_timeout(s, ep->timeout);
	if ((fd = tcp_connect(ep, err, errlen)) < 0)
		goto fail;
	low = ep->implicit_tls ? tls_start(fd, ep, err, errlen) :
	    mailstream_low_socket_open(fd);
	if (!low) {
		close(fd);
		goto fail;
	}
	if ((st = mailstream_new(low, 65536)) == NULL) {
		mailstream_low_close(low);
		mailstream_low_free(low);
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	r = mailimap_connect(s, st);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		snprintf(err, errlen, "no IMAP greeting (error %d)", r);
		goto fail;
	}
	if (!ep->implicit_tls && !ep->plaintext) {
		mailstream_low *plain, *tls;
		if (mailimap_starttls(s) != MAILIMAP_NO_ERROR) {
			snprintf(err, errlen, "STARTTLS refused%s%s",
			    s->imap_response ? ": " : "",
			    s->imap_response ? s->imap_response : "");
			goto fail;
		}
		plain = mailstream_get_low(s->imap_stream);
		fd = mailstream_low_get_fd(plain);
		if ((tls = tls_start(fd, ep, err, errlen)) == NULL)
			goto fail;
		mailstream_low_free(plain);	/* frees, does not close fd */
		mailstream_set_low(s->imap_stream, tls);
	}
	/* what was said before TLS counts for nothing but a hint: imap_login
	 * takes SASL-IR from it (a server that does not take it after all
	 * says BAD, and is asked again), then forgets it; what counts comes
	 * with the login: no round trip for it here */
	return s;
fail:
	mailimap_free(s);
	return NULL;
}

int
imap_command(mailimap *s, const char *text, size_t len)
{
	int r;

	if ((r = mailimap_send_current_tag(s)) != MAILIMAP_NO_ERROR)
		return r;
	if (mailstream_write(s->imap_stream, text, len) < 0 ||
	    mailstream_flush(s->imap_stream) < 0)
		return MAILIMAP_ERROR_STREAM;
	return MAILIMAP_NO_ERROR;
}

/* imap_answer once its first line is read. */
static int
answer_parse(mailimap *s, int tag)
{
	struct mailimap_response *resp = NULL;
	int r, now = s->imap_tag;

	/* libetpan expects the answer to the last tag it sent; with two
	 * commands in flight, this one may answer the earlier */
	if (tag)
		s->imap_tag = tag;
	r = mailimap_parse_response(s, &resp);
	s->imap_tag = now;
	if (r != MAILIMAP_NO_ERROR)
		return r;
	r = resp->rsp_resp_done->rsp_type == MAILIMAP_RESP_DONE_TYPE_TAGGED &&
	    resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type ==
	    MAILIMAP_RESP_COND_STATE_OK ? MAILIMAP_NO_ERROR : IMAP_NO;
	mailimap_response_free(resp);
	return r;
}

int
imap_answer(mailimap *s, int tag)
{
	if (!mailimap_read_line(s))
		return MAILIMAP_ERROR_STREAM;
	return answer_parse(s, tag);
}

static int
send_str(mailimap *s, const char *p, size_t n)
{
	return mailstream_write(s->imap_stream, p, n) < 0 ? MAILIMAP_ERROR_STREAM : MAILIMAP_NO_ERROR;
}

/* AUTHENTICATE PLAIN (RFC 4616) as admin for user: "user NUL admin NUL
 * password" in base64, with the command when ir (SASL-IR, RFC 4959: one
 * round trip), else after the server's "+". Nothing of it is kept. */
static int
auth_plain(mailimap *s, const char *user, const char *admin, const char *password, int ir)
{
	size_t lu = strlen(user), la = strlen(admin), lp = strlen(password), n = lu + la + lp + 2;
	unsigned char *raw = malloc(n);
	gnutls_datum_t in = { raw, (unsigned)n }, b64 = { NULL, 0 };
	int r;

	if (!raw)
		return MAILIMAP_ERROR_MEMORY;
	memcpy(raw, user, lu + 1);
	memcpy(raw + lu + 1, admin, la + 1);
	memcpy(raw + lu + la + 2, password, lp);
	r = gnutls_base64_encode2(&in, &b64);
	explicit_bzero(raw, n);
	free(raw);
	if (r < 0)
		return MAILIMAP_ERROR_MEMORY;
	if ((r = mailimap_send_current_tag(s)) != MAILIMAP_NO_ERROR ||
	    (r = send_str(s, "AUTHENTICATE PLAIN", 18)) != MAILIMAP_NO_ERROR)
		goto out;
	if (!ir) {
		const char *line;
		if ((r = send_str(s, "\r\n", 2)) != MAILIMAP_NO_ERROR)
			goto out;
		if (mailstream_flush(s->imap_stream) < 0 || !(line = mailimap_read_line(s))) {
			r = MAILIMAP_ERROR_STREAM;
			goto out;
		}
		if (*line != '+') {	/* refused at once: its answer is read */
			if ((r = answer_parse(s, 0)) == IMAP_NO)
				r = MAILIMAP_ERROR_LOGIN;
			goto out;
		}
	} else if ((r = send_str(s, " ", 1)) != MAILIMAP_NO_ERROR)
		goto out;
	if ((r = send_str(s, (const char *)b64.data, b64.size)) != MAILIMAP_NO_ERROR ||
	    (r = send_str(s, "\r\n", 2)) != MAILIMAP_NO_ERROR)
		goto out;
	if (mailstream_flush(s->imap_stream) < 0)
		r = MAILIMAP_ERROR_STREAM;
	else if ((r = imap_answer(s, 0)) == IMAP_NO)
		r = MAILIMAP_ERROR_LOGIN;
out:
	explicit_bzero(b64.data, b64.size);
	gnutls_free(b64.data);
	return r;
}

int
imap_login(mailimap *s, const char *user, const char *admin,
    const char *password, char *err, size_t errlen)
{
	int r;

	if (admin) {
		/* SASL-IR as the greeting said (a hint only: BAD, and the
		 * server is asked the long way) */
		int ir = imap_has_cap(s, "SASL-IR");
		forget_caps(s);
		r = auth_plain(s, user, admin, password, ir);
		if (r == MAILIMAP_ERROR_PROTOCOL && ir)
			r = auth_plain(s, user, admin, password, 0);
	} else {
		forget_caps(s);
		r = mailimap_login(s, user, password);
	}
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "login as %s%s%s refused: %s", user,
		    admin ? " by " : "", admin ? admin : "",
		    s->imap_response ? s->imap_response : "no answer");
		return -1;
	}
	if (admin)
		s->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	/* the capabilities change once logged in: most servers say them in
	 * the login's answer (libetpan keeps them); else ask */
	if (!s->imap_connection_info || !s->imap_connection_info->imap_capability) {
		struct mailimap_capability_data *cap = NULL;
		if (mailimap_capability(s, &cap) == MAILIMAP_NO_ERROR && cap)
			mailimap_capability_data_free(cap);
	}
	return 0;
}

const char *
imap_last_text(mailimap *s)
{
	return s && s->imap_response ? s->imap_response : "";
}

int
imap_has_cap(mailimap *s, const char *cap)
{
	struct mailimap_capability_data *cd;
	clistiter *it;

	if (!s->imap_connection_info ||
	    !(cd = s->imap_connection_info->imap_capability))
		return 0;
	for (it = clist_begin(cd->cap_list); it; it = clist_next(it)) {
		struct mailimap_capability *c = clist_content(it);
		if (c->cap_type == MAILIMAP_CAPABILITY_NAME &&
		    strcasecmp(c->cap_data.cap_name, cap) == 0)
			return 1;
	}
	return 0;
}

void
imap_close(mailimap *s)
{
	if (!s)
		return;
	/* LOGOUT said, its answer not awaited: nothing is left to learn (the
	 * stream closed here, else mailimap_free would say LOGOUT again and
	 * wait for the answer) */
	if (s->imap_stream) {
		if (mailimap_send_current_tag(s) == MAILIMAP_NO_ERROR &&
		    mailstream_write(s->imap_stream, "LOGOUT\r\n", 8) >= 0)
			mailstream_flush(s->imap_stream);
		mailstream_close(s->imap_stream);
		s->imap_stream = NULL;
	}
	mailimap_free(s);
}
