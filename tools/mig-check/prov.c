/* mig-check verify prov: the provisioning stream (what was applied) against
 * the Destination's directory, through prov-apply's own engine in its
 * verify mode (common/provdir.c): every COS, domain, account, resource,
 * alias, list, member, signature, identity and COS assignment there with
 * the values its line gives. With -l, every account of the account list
 * exists in the directory too. Only LDAP searches: nothing is changed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldap.h>

#include "../../common/acctlist.h"
#include "../../common/diag.h"
#include "../../common/ldapconn.h"
#include "../../common/provdir.h"
#include "../../common/report.h"
#include "../../common/strbuf.h"
#include "mig-check.h"

#define PASSWORD_ENV "MIG_CHECK_LDAP_PASSWORD"

struct tally { unsigned long n, present, missing, differs, failed; };

static void
result(void *ctx, const char *file, unsigned long line, const char *status,
    const char *verb, const char *target, const char *detail)
{
	struct tally *t = ctx;
	char where[600];
	const char *st;

	t->n++;
	if (strcmp(status, "present") == 0) {
		st = "ok";
		t->present++;
	} else if (strcmp(status, "missing") == 0) {
		st = "missing";
		t->missing++;
	} else if (strcmp(status, "differs") == 0) {
		st = "differs";
		t->differs++;
	} else {
		st = "failed";
		t->failed++;
	}
	snprintf(where, sizeof where, "%s:%lu", file, line);
	report_atomic(st, "prov", where, verb, target, detail ? detail : "", NULL);
}

/* Each Destination login of the account list is an account of the
 * directory (by its address or an alias of it). */
static void
accounts_exist(const struct ldapconn_opts *lo, const struct accounts *acc, struct tally *t)
{
	char err[512];
	LDAP *ld = ldapconn_open(lo, err, sizeof err);

	for (size_t i = 0; i < acc->n; i++) {
		const char *addr = acc->v[i].dst, *at = strrchr(addr, '@');
		char *dn = NULL, *fv = NULL;
		struct berval bv = { strlen(addr), (char *)addr };
		struct strbuf filter = { 0 };
		LDAPMessage *res = NULL;
		int rc;

		t->n++;
		if (!ld) {
			report_atomic("failed", "prov-account", addr, "", err, NULL);
			t->failed++;
			continue;
		}
		struct berval esc = { 0, NULL };
		if (!at || ldap_domain2dn(at + 1, &dn) != LDAP_SUCCESS || !dn ||
		    ldap_bv2escaped_filter_value(&bv, &esc) != 0) {
			report_atomic("failed", "prov-account", addr, "", "not an address", NULL);
			t->failed++;
			ldap_memfree(dn);
			continue;
		}
		fv = esc.bv_val;
		sb_printf(&filter, "(&(|(objectClass=zimbraAccount)(objectClass=zimbraCalendarResource))"
		    "(|(zimbraMailDeliveryAddress=%s)(mail=%s)(zimbraMailAlias=%s)))", fv, fv, fv);
		char *attrs[] = { "1.1", NULL };
		rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_SUBTREE, filter.s, attrs, 0, NULL, NULL,
		    NULL, 2, &res);
		if (rc == LDAP_NO_SUCH_OBJECT || (rc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 0)) {
			report_atomic("missing", "prov-account", addr, acc->v[i].src,
			    "no account of the directory has this address", NULL);
			t->missing++;
		} else if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
			report_atomic("failed", "prov-account", addr, acc->v[i].src, ldap_err2string(rc),
			    NULL);
			t->failed++;
		} else {
			report_atomic("ok", "prov-account", addr, acc->v[i].src, "", NULL);
			t->present++;
		}
		if (res)
			ldap_msgfree(res);
		ber_memfree(fv);
		ldap_memfree(dn);
		sb_free(&filter);
	}
	if (ld)
		ldap_unbind_ext_s(ld, NULL, NULL);
}

int
verify_prov(int argc, char **argv)
{
	struct provdir_opts o = { 0 };
	struct ldapconn_args la = { 0 };
	struct tally t = { 0 };
	struct accounts acc = { 0 };
	const char *listfile = NULL;
	char err[512];
	int ch, status = ST_OK;
	static const struct option longopts[] = {
		LDAPCONN_LONGOPT,
		{ NULL, 0, NULL, 0 }
	};

	o.mode = PROVDIR_VERIFY;
	optind = 1;
	while ((ch = getopt_long(argc, argv, LDAPCONN_GETOPT "l:m:", longopts, NULL)) != -1) {
		if (ldapconn_option(&la, ch, optarg))
			continue;
		switch (ch) {
		case 'l': listfile = optarg; break;
		case 'm': o.mailhost = optarg; break;
		default:
			mig_check_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (!ldapconn_finish(&la, PASSWORD_ENV))
		die("verify prov: -H names the Destination's directory");
	o.conn = la.o;
	if (listfile && strcmp(listfile, "-") == 0 && (argc == 0 || strcmp(argv[0], "-") == 0))
		die("verify prov: the stream and the account list cannot both be standard input");
	if (listfile && accounts_read(&acc, 0, NULL, listfile))
		status = ST_FAIL;
	if (provdir_run(&o, (const char *const *)argv, (size_t)argc, result, &t, err,
	    sizeof err) < 0) {
		warnmsg("%s", err);
		report_atomic("failed", "prov", "-", "-", "-", err, NULL);
		status = ST_FAIL;
	}
	if (acc.n)
		accounts_exist(&la.o, &acc, &t);
	if (t.missing || t.differs)
		status = status > ST_DIFF ? status : ST_DIFF;
	if (t.failed)
		status = ST_FAIL;
	if (isatty(2))
		fprintf(stderr, "mig-check: prov: %lu checked: %lu there, %lu missing, "
		    "%lu differing, %lu not checked\n", t.n, t.present, t.missing, t.differs,
		    t.failed);
	accounts_free(&acc);
	ldapconn_args_free(&la);
	return status;
}
