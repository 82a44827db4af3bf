/* ldapconn: one LDAP connection opened, secured and bound the toolkit's way:
 * LDAPv3, no referrals, StartTLS required on ldap://, the certificate and its
 * name verified unless insecure, simple bind. */
#ifndef LDAPCONN_H
#define LDAPCONN_H

#include <stddef.h>
#include <ldap.h>

struct ldapconn_opts {
	const char *uri;
	const char *binddn;	/* NULL: anonymous */
	const char *password;	/* binddn's */
	const char *cafile;	/* NULL: ldap.conf's */
	int insecure;
};

/* Returns the bound connection, or NULL with why in err. */
LDAP *ldapconn_open(const struct ldapconn_opts *o, char *err, size_t errlen);

/* The options of every tool that reaches the directory, read alike (as
 * OpenLDAP's clients share tool_args): -H uri, -D binddn, -y passfile,
 * -C cafile, --insecure. */
#define LDAPCONN_GETOPT "C:D:H:y:"
#define LDAPCONN_LONGOPT { "insecure", no_argument, NULL, 'K' }

struct ldapconn_args {
	struct ldapconn_opts o;
	const char *pwfile;
	char *pw;		/* read by ldapconn_finish */
};

/* Take option ch if it is one of these: 1, else 0. */
int ldapconn_option(struct ldapconn_args *a, int ch, const char *arg);
/* After the options: -H given (else 0 is returned for the caller's usage
 * message), --insecure said on stderr, the bind password read from the
 * file or the environment variable env (a problem is fatal). Returns 1. */
int ldapconn_finish(struct ldapconn_args *a, const char *env);
void ldapconn_args_free(struct ldapconn_args *a);

#endif
