/* imapside: the two IMAP sides of a migration as imap-copy and mig-check
 * both take them: the options that name them (-S -D -C --source-ca
 * --dest-ca --insecure --source-plaintext --dest-plaintext -a -y -A -Y -p
 * -P), the administrator's password or
 * each user's from a password map, and a session for one account opened
 * with back-off. One reading of the options, so both tools read them alike. */
#ifndef IMAPSIDE_H
#define IMAPSIDE_H

#include <stddef.h>
#include <libetpan/libetpan.h>

#include "imapconn.h"
#include "strmap.h"

#define SIDE_RETRIES 5		/* connection attempts, 1 2 4 8 16 s apart */

struct imap_side {
	const char *what;		/* "source", "destination" */
	struct imap_endpoint ep;
	const char *admin;		/* SASL PLAIN authcid, or NULL */
	char *admin_pw;
	struct strmap pwmap;		/* login -> password (-p, -P) */
	int has_pwmap;
	const char *login;		/* the account on this side */
	mailimap *s;
};

/* What the options give before they are checked. */
struct imap_sides {
	struct imap_side src, dst;
	const char *srcurl, *dsturl, *cafile, *srcca, *dstca, *ypath, *Ypath;
	int insecure;
	/* the run over the accounts: -j accounts at once (1-64), -L messages
	 * larger than this are not to be copied (0: none), -l the list */
	int jobs;
	unsigned long max_size;
	const char *listfile;
	int src_plain, dst_plain;	/* --source-plaintext, --dest-plaintext */
};

/* The getopt string of these options, and the long ones (K, s, d, T, U). */
#define IMAPSIDE_OPTS "A:a:C:D:j:L:l:P:p:S:Y:y:"
#define IMAPSIDE_LONGOPTS \
	{ "insecure", no_argument, NULL, 'K' }, \
	{ "source-ca", required_argument, NULL, 's' }, \
	{ "dest-ca", required_argument, NULL, 'd' }, \
	{ "source-plaintext", no_argument, NULL, 'T' }, \
	{ "dest-plaintext", no_argument, NULL, 'U' }

void sides_init(struct imap_sides *o);
/* Take option ch if it is one of these: returns 1, else 0. */
int sides_option(struct imap_sides *o, int ch, const char *arg);
/* Check what was given and read the secrets (the administrators' from the
 * files, else from the environment variables srcenv and dstenv). A problem
 * is fatal (exit 2) with its reason. */
void sides_finish(struct imap_sides *o, const char *srcenv, const char *dstenv);
void sides_free(struct imap_sides *o);

/* Open the side's session for sd->login: connect (again and again with
 * back-off, not when the certificate does not verify) and log in (a refused
 * login is not retried). Returns 0, or -1 with the reason in err. */
int side_open(struct imap_side *sd, char *err, size_t errlen);
void side_close(struct imap_side *sd);

/* side_open, saying which step failed, for a checklist that must tell a
 * server it cannot reach from an account it cannot open: SIDE_NO_SERVER
 * (connection, TLS, certificate), SIDE_LOGIN_REFUSED (the server greets but
 * refuses the login: no such account, or a wrong password),
 * SIDE_NO_PASSWORD (none for this login in -p/-P). The reason in err. */
enum { SIDE_OPENED, SIDE_NO_SERVER, SIDE_LOGIN_REFUSED, SIDE_NO_PASSWORD };
int side_open_why(struct imap_side *sd, char *err, size_t errlen);

/* Open both sides' sessions at once (their logins overlap). Returns 0, or
 * -1 with the reason of the first that failed in err. */
int sides_open(struct imap_sides *o, char *err, size_t errlen);

/* f(a) and g(b) at the same time, f in a thread of its own: the two sides
 * are two servers, each waiting on its own connection. One session is
 * touched by one of them only. */
void run_both(void (*f)(void *), void *a, void (*g)(void *), void *b);

/* A libetpan error that means the connection is gone. */
int imap_broken(int r);

#endif
