/* mig-check preflight prov: before provisioning, what prov-apply will do
 * with the stream ldif2prov wrote, said by prov-apply's own engine in its
 * dry-run mode (common/provdir.c): the directory reachable (TLS verified,
 * the bind works), a mailbox server known, each command's fate (created,
 * already there, there with other values, failing: a domain or class of
 * service neither there nor created by the stream, a malformed line), counts
 * by kind; and with -e, ldif2prov's own diagnostics of the export, each with
 * its FILE:LINE. The export is read by ldif2prov, never a second time here:
 *     ldif2prov export.ldif 2>problems | mig-check preflight prov -e problems ...
 * Only LDAP searches: nothing is changed. */
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldap.h>

#include "../../common/diag.h"
#include "../../common/ldapconn.h"
#include "../../common/lineio.h"
#include "../../common/provdir.h"
#include "../../common/report.h"
#include "../../common/strbuf.h"
#include "mig-check.h"

#define PASSWORD_ENV "MIG_CHECK_LDAP_PASSWORD"

enum { K_CREATE, K_EXISTS, K_DIFFERS, K_CHANGE, K_FAILED, K_N };

/* the counts of one verb of the stream */
struct kind { char verb[8]; unsigned long n[K_N]; };

struct tally {
	struct kind kinds[24];
	size_t nkinds;
	unsigned long n[K_N], lines;
	unsigned long ldif_ready, ldif_warn, ldif_bad;
	int notready;
};

static struct kind *
kind_of(struct tally *t, const char *verb)
{
	for (size_t i = 0; i < t->nkinds; i++)
		if (strcmp(t->kinds[i].verb, verb) == 0)
			return &t->kinds[i];
	if (t->nkinds == sizeof t->kinds / sizeof t->kinds[0])
		return NULL;
	struct kind *k = &t->kinds[t->nkinds++];
	snprintf(k->verb, sizeof k->verb, "%s", verb);
	return k;
}

/* One command of the dry run: ready when it will be created or is already
 * there as the line says, or changes what it should; a warning when the
 * object is there with other values (prov-apply changes them only with
 * -u); not-ready when it would fail. */
static void
result(void *ctx, const char *file, unsigned long line, const char *status,
    const char *verb, const char *target, const char *detail)
{
	struct tally *t = ctx;
	struct strbuf d = { 0 };
	char where[600];
	const char *st = "ready";
	int k;

	if (strcmp(status, "create") == 0) {
		k = K_CREATE;
		sb_adds(&d, "will be created");
	} else if (strcmp(status, "exists") == 0) {
		k = K_EXISTS;
		sb_adds(&d, "already there as the line says");
	} else if (strcmp(status, "change") == 0 && provdir_verb_creates(verb)) {
		k = K_DIFFERS;
		st = "warning";
		sb_printf(&d, "already there with other values (%s): prov-apply -u sets the "
		    "line's, without -u they stay", detail && *detail ? detail : "-");
		detail = NULL;
	} else if (strcmp(status, "change") == 0) {
		k = K_CHANGE;
		sb_adds(&d, "will be changed");
	} else {
		k = K_FAILED;
		st = "not-ready";
		sb_adds(&d, "would fail");
	}
	if (detail && *detail)
		sb_printf(&d, ": %s", detail);
	t->n[k]++;
	t->lines++;
	struct kind *kd = kind_of(t, verb);
	if (kd)
		kd->n[k]++;
	if (k == K_FAILED)
		t->notready = 1;
	snprintf(where, sizeof where, "%s:%lu", file, line);
	report_atomic(st, "prov", where, verb, target, d.s, NULL);
	sb_free(&d);
}

/* ldif2prov's diagnostics, "ldif2prov: FILE:LINE: message": what it left
 * out by design (system accounts and the like, said "; skipped" with -v) is
 * ready; an entry or record it could not carry is not-ready (the export must
 * be fixed, or the loss accepted); anything else a warning. A line without
 * FILE:LINE is ldif2prov failing as a whole: not-ready. */
static void
read_problems(const char *path, struct tally *t)
{
	struct lineio lr;
	size_t len;
	char *line;
	regex_t re;
	regmatch_t m[3];

	if (lineio_open(&lr, path) < 0) {
		report_atomic("not-ready", "ldif", path, "cannot read ldif2prov's diagnostics", NULL);
		t->ldif_bad++;
		return;
	}
	if (regcomp(&re, "^[^ :]*: (.*:[0-9]+): (.*)$", REG_EXTENDED) != 0)
		die("regcomp");
	while ((line = lineio_next(&lr, &len, 0)) != NULL) {
		const char *where = "-", *msg = line, *st;
		char *w = NULL;
		if (!*line)
			continue;
		if (regexec(&re, line, 3, m, 0) == 0) {
			w = xstrndup(line + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
			where = w;
			msg = line + m[2].rm_so;
		} else if (strncmp(line, "ldif2prov: ", 11) == 0)
			msg = line + 11;
		size_t ml = strlen(msg);
		if (!w) {
			st = "not-ready";
			t->ldif_bad++;
		} else if (strstr(msg, "record skipped") || strstr(msg, "entry skipped")) {
			st = "not-ready";
			t->ldif_bad++;
		} else if (ml > 9 && strcmp(msg + ml - 9, "; skipped") == 0) {
			st = "ready";
			t->ldif_ready++;
		} else {
			st = "warning";
			t->ldif_warn++;
		}
		report_atomic(st, "ldif", where, msg, NULL);
		free(w);
	}
	regfree(&re);
	lineio_close(&lr);
	if (t->ldif_bad)
		t->notready = 1;
}

static void
checklist(const struct tally *t, int dir_ok, const char *mailhost, int hosts)
{
	fprintf(stderr, "mig-check: preflight prov\n");
	fprintf(stderr, "  %-26s %-10s %s\n", "REQUIREMENT", "STATE", "COUNTS / WHAT TO DO");
	fprintf(stderr, "  %-26s %-10s %lu left out by design, %lu warnings, %lu not carried%s\n",
	    "provisioning export", t->ldif_bad ? "NOT READY" : t->ldif_warn ? "warning" : "ready",
	    t->ldif_ready, t->ldif_warn, t->ldif_bad,
	    t->ldif_bad ? ": fix the export (lines 'ldif')" : "");
	fprintf(stderr, "  %-26s %-10s %s\n", "destination directory",
	    dir_ok ? "ready" : "NOT READY", dir_ok ? "TLS verified, bound" :
	    "see the directory line: -H, -C, -D, -y");
	if (!dir_ok)
		return;
	fprintf(stderr, "  %-26s %-10s %s%s\n", "mailbox server", mailhost ? "ready" : "NOT READY",
	    mailhost ? mailhost : hosts > 1 ? "several" : "none",
	    mailhost ? "" : ": name one with -m");
	fprintf(stderr, "  %-26s %-10s %lu commands: %lu create, %lu there, %lu differ, "
	    "%lu change, %lu fail%s\n", "provisioning stream",
	    t->n[K_FAILED] ? "NOT READY" : t->n[K_DIFFERS] ? "warning" : "ready", t->lines,
	    t->n[K_CREATE], t->n[K_EXISTS], t->n[K_DIFFERS], t->n[K_CHANGE], t->n[K_FAILED],
	    t->n[K_FAILED] ? ": see the 'prov' lines" : "");
	for (size_t i = 0; i < t->nkinds; i++) {
		const struct kind *k = &t->kinds[i];
		fprintf(stderr, "    %-24s %-10s %lu create, %lu there, %lu differ, %lu change, "
		    "%lu fail\n", k->verb, "", k->n[K_CREATE], k->n[K_EXISTS], k->n[K_DIFFERS],
		    k->n[K_CHANGE], k->n[K_FAILED]);
	}
}

int
preflight_prov(int argc, char **argv)
{
	struct provdir_opts o = { 0 };
	struct ldapconn_args la = { 0 };
	struct tally t = { 0 };
	const char *problems = NULL;
	char err[512], *found = NULL;
	int ch, verbose = 0, hosts = 0, dir_ok = 0;
	LDAP *ld;
	static const struct option longopts[] = {
		LDAPCONN_LONGOPT,
		{ NULL, 0, NULL, 0 }
	};

	o.mode = PROVDIR_DRYRUN;
	/* -u: an object already there is compared with the line, so that the
	 * ones with other values are listed (the dry run changes nothing) */
	o.update = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, LDAPCONN_GETOPT "e:m:v", longopts, NULL)) != -1) {
		if (ldapconn_option(&la, ch, optarg))
			continue;
		switch (ch) {
		case 'e': problems = optarg; break;
		case 'm': o.mailhost = optarg; break;
		case 'v': verbose = 1; break;
		default:
			mig_check_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (!ldapconn_finish(&la, PASSWORD_ENV))
		die("preflight prov: -H names the Destination's directory");
	o.conn = la.o;

	if (!(ld = ldapconn_open(&la.o, err, sizeof err))) {
		report_atomic("not-ready", "directory", la.o.uri, err, NULL);
		t.notready = 1;
	} else {
		struct strbuf d = { 0 };
		sb_printf(&d, "%s, bound as %s", la.o.insecure ?
		    "certificate NOT verified (--insecure)" : "TLS, certificate verified",
		    la.o.binddn ? la.o.binddn : "anonymous");
		report_atomic(la.o.insecure ? "warning" : "ready", "directory", la.o.uri, d.s, NULL);
		sb_free(&d);
		dir_ok = 1;
		hosts = provdir_mail_hosts(ld, &found);
		if (o.mailhost)
			report_atomic("ready", "mailhost", o.mailhost, "named by -m", NULL);
		else if (found)
			report_atomic("ready", "mailhost", found,
			    "the directory's only mailbox server", NULL);
		else {
			report_atomic("not-ready", "mailhost", "-", hosts > 1 ?
			    "the directory has several mailbox servers: name one with -m" :
			    "no mailbox server in the directory: name one with -m", NULL);
			t.notready = 1;
		}
		ldap_unbind_ext_s(ld, NULL, NULL);
	}
	if (dir_ok && provdir_run(&o, (const char *const *)argv, (size_t)argc, result, &t, err,
	    sizeof err) < 0) {
		report_atomic("not-ready", "prov", "-", "-", "-", err, NULL);
		t.notready = 1;
	}
	if (dir_ok && !t.lines) {
		report_atomic("not-ready", "prov", "-", "-", "-",
		    "the provisioning stream has no command", NULL);
		t.notready = 1;
	}
	/* the counts by kind: one line per verb of the stream */
	for (size_t i = 0; i < t.nkinds; i++) {
		const struct kind *k = &t.kinds[i];
		char v[K_N + 1][24];
		unsigned long all = 0;
		for (int j = 0; j < K_N; j++) {
			snprintf(v[j], sizeof v[j], "%lu", k->n[j]);
			all += k->n[j];
		}
		snprintf(v[K_N], sizeof v[K_N], "%lu", all);
		report_atomic(k->n[K_FAILED] ? "not-ready" : k->n[K_DIFFERS] ? "warning" : "ready",
		    "kind", k->verb, v[K_N], v[K_CREATE], v[K_EXISTS], v[K_DIFFERS], v[K_CHANGE],
		    v[K_FAILED], NULL);
	}
	/* after the stream: in a pipe, ldif2prov has written them all by its end */
	if (problems)
		read_problems(problems, &t);
	if (isatty(2) || verbose)
		checklist(&t, dir_ok, o.mailhost ? o.mailhost : found, hosts);
	free(found);
	ldapconn_args_free(&la);
	return t.notready ? ST_DIFF : ST_OK;
}
