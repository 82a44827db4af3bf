/* ldapconn: open, secure and bind one LDAP connection (prov-apply's, and any
 * tool's that reads the Destination's directory). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ldapconn.h"

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
