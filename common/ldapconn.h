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

#endif
