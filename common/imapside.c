/* imapside: the two sides' options, secrets and sessions (see imapside.h). */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "foldermap.h"
#include "imapside.h"
#include "num.h"
#include "secret.h"
#include "size.h"

void
sides_init(struct imap_sides *o)
{
	memset(o, 0, sizeof *o);
	o->src.what = "source";
	o->dst.what = "destination";
	o->jobs = 1;
}

/* A password map: "LOGIN<TAB>PASSWORD" lines, in a file only its owner
 * may read. */
static void
read_pwmap(struct imap_side *sd, const char *path)
{
	const char *why;
	char *text = secret_read(path, NULL, &why);

	if (!text)
		die("%s: %s", path, why);
	sd->has_pwmap = 1;
	for (char *line = text, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		int isnew;
		struct strmap_ent *e = strmap_put(&sd->pwmap, line, strlen(line), &isnew);
		e->val = strmap_strdup(&sd->pwmap, tab + 1, strlen(tab + 1));
	}
	secret_free(text);
}

int
sides_option(struct imap_sides *o, int ch, const char *arg)
{
	switch (ch) {
	case 'a': o->src.admin = arg; break;
	case 'A': o->dst.admin = arg; break;
	case 'C': o->cafile = arg; break;
	case 's': o->srcca = arg; break;
	case 'd': o->dstca = arg; break;
	case 'D': o->dsturl = arg; break;
	case 'S': o->srcurl = arg; break;
	case 'K': o->insecure = 1; break;
	case 'T': o->src_plain = 1; break;
	case 'U': o->dst_plain = 1; break;
	case 'p': read_pwmap(&o->src, arg); break;
	case 'P': read_pwmap(&o->dst, arg); break;
	case 'y': o->ypath = arg; break;
	case 'j':
		o->jobs = (int)num_option("-j", arg, 1, 64, "accounts at once");
		break;
	case 'L':
		if (size_parse(arg, &o->max_size) < 0 || !o->max_size)
			die("-L %s: a size in bytes (k, M and G multiply by 1024)", arg);
		break;
	case 'l': o->listfile = arg; break;
	case 'Y': o->Ypath = arg; break;
	default: return 0;
	}
	return 1;
}

void
sides_finish(struct imap_sides *o, const char *srcenv, const char *dstenv)
{
	const char *why;

	if (imap_parse_url(o->srcurl, &o->src.ep, &why) < 0)
		die("-S %s: %s", o->srcurl, why);
	if (imap_parse_url(o->dsturl, &o->dst.ep, &why) < 0)
		die("-D %s: %s", o->dsturl, why);
	o->src.ep.cafile = o->srcca ? o->srcca : o->cafile;
	o->dst.ep.cafile = o->dstca ? o->dstca : o->cafile;
	o->src.ep.insecure = o->dst.ep.insecure = o->insecure;
	if (o->insecure)
		warnmsg("--insecure: the servers' certificates are NOT verified");
	/* a server without TLS: only when asked for, side by side, and said */
	if (o->src_plain && o->src.ep.implicit_tls)
		die("--source-plaintext: -S %s is imaps://; give an imap:// URL", o->srcurl);
	if (o->dst_plain && o->dst.ep.implicit_tls)
		die("--dest-plaintext: -D %s is imaps://; give an imap:// URL", o->dsturl);
	o->src.ep.plaintext = o->src_plain;
	o->dst.ep.plaintext = o->dst_plain;
	if (o->src_plain)
		warnmsg("--source-plaintext: the source is reached WITHOUT TLS: passwords and "
		    "mail cross the network in clear");
	if (o->dst_plain)
		warnmsg("--dest-plaintext: the destination is reached WITHOUT TLS: passwords and "
		    "mail cross the network in clear");
	if (o->src.admin && !(o->src.admin_pw = secret_read(o->ypath, srcenv, &why)))
		die("source admin password: %s", why);
	if (o->dst.admin && !(o->dst.admin_pw = secret_read(o->Ypath, dstenv, &why)))
		die("destination admin password: %s", why);
	if (!o->src.admin && !o->src.has_pwmap)
		die("the source needs -a admin (with -y) or -p passwords");
	if (!o->dst.admin && !o->dst.has_pwmap)
		die("the destination needs -A admin (with -Y) or -P passwords");
	/* a server that stops answering is given up after two minutes */
	mailstream_network_delay.tv_sec = 120;
	/* the CA certificates read once, before the workers fork, not once
	 * for each connection (a failure is said by each) */
	imap_endpoint_tls(&o->src.ep);
	imap_endpoint_tls(&o->dst.ep);
	mutf7_preload();	/* the folder names' converters too */
}

void
sides_free(struct imap_sides *o)
{
	side_close(&o->src);
	side_close(&o->dst);
	secret_free(o->src.admin_pw);
	secret_free(o->dst.admin_pw);
	strmap_free(&o->src.pwmap);
	strmap_free(&o->dst.pwmap);
	o->src.admin_pw = o->dst.admin_pw = NULL;
	imap_endpoint_free(&o->src.ep);
	imap_endpoint_free(&o->dst.ep);
}

void
side_close(struct imap_side *sd)
{
	if (sd->s) {
		imap_close(sd->s);
		sd->s = NULL;
	}
}

int
side_open(struct imap_side *sd, char *err, size_t errlen)
{
	const char *pw = sd->admin_pw;
	struct strmap_ent *e;

	side_close(sd);
	if (!sd->admin) {
		e = sd->has_pwmap ? strmap_get(&sd->pwmap, sd->login, strlen(sd->login)) : NULL;
		if (!e) {
			snprintf(err, errlen, "no %s password for %s", sd->what, sd->login);
			return -1;
		}
		pw = e->val;
	}
	for (int attempt = 0;; attempt++) {
		sd->s = imap_open(&sd->ep, err, errlen);
		if (sd->s)
			break;
		/* a certificate that does not verify will not verify later,
		 * nor will a server without TLS offer it */
		if (strstr(err, "STARTTLS refused")) {
			size_t l = strlen(err);
			snprintf(err + l, errlen - l, " (a %s without TLS: --%s-plaintext)",
			    sd->what, strcmp(sd->what, "source") == 0 ? "source" : "dest");
			return -1;
		}
		if (attempt >= SIDE_RETRIES || strstr(err, "certificate"))
			return -1;
		sleep(1u << attempt > 16 ? 16 : 1u << attempt);
	}
	if (imap_login(sd->s, sd->login, sd->admin, pw, err, errlen) < 0) {
		side_close(sd);
		return -1;
	}
	return 0;
}

struct both_arg { void (*fn)(void *); void *arg; };

static void *
both_thread(void *p)
{
	struct both_arg *b = p;

	b->fn(b->arg);
	return NULL;
}

void
run_both(void (*f)(void *), void *a, void (*g)(void *), void *b)
{
	pthread_t t;
	struct both_arg x = { f, a };

	if (pthread_create(&t, NULL, both_thread, &x) != 0) {
		f(a);
		g(b);
		return;
	}
	g(b);
	pthread_join(t, NULL);
}

struct open_job {
	struct imap_side *sd;
	char err[512];
	int r;
};

static void
open_one(void *p)
{
	struct open_job *j = p;

	j->r = side_open(j->sd, j->err, sizeof j->err);
}

int
sides_open(struct imap_sides *o, char *err, size_t errlen)
{
	struct open_job s = { &o->src, "", 0 }, d = { &o->dst, "", 0 };

	run_both(open_one, &s, open_one, &d);
	if (s.r < 0 || d.r < 0) {
		snprintf(err, errlen, "%s", s.r < 0 ? s.err : d.err);
		return -1;
	}
	return 0;
}

int
imap_broken(int r)
{
	return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
	    r == MAILIMAP_ERROR_CONNECTION_REFUSED;
}

int
side_open_why(struct imap_side *sd, char *err, size_t errlen)
{
	char probe_err[256];
	mailimap *probe;

	if (side_open(sd, err, errlen) == 0)
		return SIDE_OPENED;
	if (!sd->admin && !(sd->has_pwmap && strmap_get(&sd->pwmap, sd->login, strlen(sd->login))))
		return SIDE_NO_PASSWORD;
	/* side_open gives up on the server (after its retries) or on the
	 * login: a server that greets now refused the login */
	if (!(probe = imap_open(&sd->ep, probe_err, sizeof probe_err)))
		return SIDE_NO_SERVER;
	imap_close(probe);
	return SIDE_LOGIN_REFUSED;
}
