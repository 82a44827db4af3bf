/* imapconn: an IMAP session to a server named by URL (imap:// with
 * STARTTLS, imaps://; imap:// in clear only when the endpoint says so), over TLS that this module does itself with GnuTLS so
 * that the server's certificate chain and name are verified (Debian's
 * libetpan does not verify), then logged in as a user or, by SASL PLAIN with
 * an authorization identity, as an administrator acting for the user. */
#ifndef IMAPCONN_H
#define IMAPCONN_H

#include <stddef.h>
#include <stdint.h>
#include <libetpan/libetpan.h>

struct imap_endpoint {
	char host[256];
	uint16_t port;
	int implicit_tls;	/* imaps:// */
	const char *cafile;	/* NULL: the system's CA certificates */
	int insecure;		/* do not verify the certificate */
	int plaintext;		/* imap:// without STARTTLS: no TLS at all */
	int timeout;		/* seconds a read or write may wait */
	void *cred;		/* the CA certificates, read once (imap_endpoint_tls) */
};

/* Parse imap://host[:port] or imaps://host[:port] ([v6] hosts too).
 * Returns 0, or -1 with the reason in *why. */
int imap_parse_url(const char *url, struct imap_endpoint *ep, const char **why);

/* Read the endpoint's CA certificates now, once for every session opened
 * later (by this process and the processes it forks): else each session
 * reads them anew. Returns 0, or -1 when they cannot be read (each session
 * then says why). Nothing to do for a plaintext endpoint. */
int imap_endpoint_tls(struct imap_endpoint *ep);
void imap_endpoint_free(struct imap_endpoint *ep);

/* Connect, secure and greet. Returns the session, or NULL with the reason
 * in err (a certificate that does not verify says why). */
mailimap *imap_open(const struct imap_endpoint *ep, char *err, size_t errlen);

/* Log in as user: with admin non-NULL, SASL PLAIN with authzid = user and
 * authcid = admin; else LOGIN. Returns 0, or -1 with the server's words. */
int imap_login(mailimap *s, const char *user, const char *admin,
    const char *password, char *err, size_t errlen);

/* A command of our own, sent while libetpan's are not enough (several in
 * flight, extensions it does not have): its tag, text (with its CRLF),
 * flushed. Returns MAILIMAP_NO_ERROR or the error that broke the stream. */
int imap_command(mailimap *s, const char *text, size_t len);

/* The tagged answer to the command tagged tag (0: the last one sent), read
 * whole; what its untagged responses said is left in s->imap_response_info
 * (the FETCH list, the LIST list) for the caller to take. Returns
 * MAILIMAP_NO_ERROR when OK, IMAP_NO when NO, MAILIMAP_ERROR_PROTOCOL when
 * BAD, else the libetpan error that broke the connection. */
enum { IMAP_NO = -1 };
int imap_answer(mailimap *s, int tag);

/* The server's last response text, for reports ("" when none). */
const char *imap_last_text(mailimap *s);

/* 1 when the server announced the capability. */
int imap_has_cap(mailimap *s, const char *cap);

void imap_close(mailimap *s);

#endif
