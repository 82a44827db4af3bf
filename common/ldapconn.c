/* ldapconn: open, secure and bind one LDAP connection (prov-apply's, and any
 * tool's that reads the Destination's directory). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "ldapconn.h"
#include "secret.h"

LDAP *
ldapconn_open(const struct ldapconn_opts *o, char *err, size_t errlen)
{
	int v3 = LDAP_VERSION3, req, rc, zero = 0;
	const char *uri = o->uri;
	char *diag = NULL;
	struct berval cred = { 0, NULL };
	LDAP *ld;

	if ((rc = ldap_initialize(&ld, uri)) != LDAP_SUCCESS) {
		snprintf(err, errlen, "%s: %s", uri, ldap_err2string(rc));
		return NULL;
	}
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	req = o->insecure ? LDAP_OPT_X_TLS_NEVER : LDAP_OPT_X_TLS_DEMAND;
	if (ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &req) != LDAP_OPT_SUCCESS ||
	    (o->cafile && ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, o->cafile)
	    != LDAP_OPT_SUCCESS) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero) != LDAP_OPT_SUCCESS) {
		snprintf(err, errlen, "cannot set up TLS (is the CA file %s readable?)",
		    o->cafile ? o->cafile : "of ldap.conf");
		goto fail;
	}
	if (strncasecmp(uri, "ldap://", 7) == 0 &&
	    (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		snprintf(err, errlen, "%s: StartTLS: %s%s%s", uri, ldap_err2string(rc),
		    diag && *diag ? ": " : "", diag ? diag : "");
		goto fail;
	}
	if (o->binddn && o->password) {
		cred.bv_val = (char *)o->password;
		cred.bv_len = strlen(o->password);
	}
	rc = ldap_sasl_bind_s(ld, o->binddn ? o->binddn : "", LDAP_SASL_SIMPLE,
	    &cred, NULL, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		snprintf(err, errlen, "%s: bind%s%s: %s%s%s", uri, o->binddn ? " as " : "",
		    o->binddn ? o->binddn : "", ldap_err2string(rc),
		    diag && *diag ? ": " : "", diag ? diag : "");
		goto fail;
	}
	return ld;
fail:
	ldap_memfree(diag);
	ldap_unbind_ext_s(ld, NULL, NULL);
	return NULL;
}

int
ldapconn_option(struct ldapconn_args *a, int ch, const char *arg)
{
	switch (ch) {
	case 'C': a->o.cafile = arg; break;
	case 'D': a->o.binddn = arg; break;
	case 'H': a->o.uri = arg; break;
	case 'K': a->o.insecure = 1; break;
	case 'y': a->pwfile = arg; break;
	default: return 0;
	}
	return 1;
}

int
ldapconn_finish(struct ldapconn_args *a, const char *env)
{
	const char *why;

	if (!a->o.uri)
		return 0;
	if (a->o.insecure)
		warnmsg("--insecure: the directory's certificate is NOT verified");
	if (a->o.binddn && !(a->o.password = a->pw = secret_read(a->pwfile, env, &why)))
		die("bind password: %s", why);
	return 1;
}

void
ldapconn_args_free(struct ldapconn_args *a)
{
	secret_free(a->pw);
	a->pw = NULL;
	a->o.password = NULL;
}
