/* prov-apply: the provisioning stream (carbonio prov batch lines) applied to
 * the Destination's directory over LDAP, laid out as `carbonio prov -l`
 * writes it, or compared with it (-n). The engine is common/provdir.c (which
 * mig-check shares); this file holds the options, the report on stdout and
 * the reject file. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/atomicfile.h"
#include "../common/diag.h"
#include "../common/ldapconn.h"
#include "../common/num.h"
#include "../common/out.h"
#include "../common/provdir.h"
#include "../common/report.h"
#include "../common/strbuf.h"

#define PASSWORD_ENV "PROV_APPLY_PASSWORD"

static struct atomicfile reject;	/* -S: open while reject.fp */
static int any_failed;

static void
usage(void)
{
	fprintf(stderr, "usage: prov-apply [-nu] -H uri [-D binddn] [-y passfile] "
	    "[-C cafile] [--insecure]\n"
	    "                  [-m mailhost] [-j jobs] [-S rejectfile] [file ...]\n");
	exit(2);
}

/* The reject file appears whole at the end of the run, or not at all (a
 * run that stops early leaves no half-written one behind). Failed lines
 * may hold passwords: owner only, whatever the umask, like the input. */
static void
reject_open(const char *path)
{
	if (af_open_mode(&reject, path, 0600) != 0)
		die("%s:", path);
	atexit(af_abort_all);
}

static void
reject_line(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	if (reject.fp && fwrite(line, 1, len, reject.fp) != len)
		die("%s:", reject.tmp);
}

static void
reject_close(void)
{
	char *path;

	if (!reject.fp)
		return;
	path = xstrdup(reject.path);
	if (af_commit(&reject) != 0)
		die("%s:", path);
	free(path);
}

/* One report line per command, in input order. */
static void
report(void *ctx, const char *file, unsigned long line, const char *status,
    const char *verb, const char *target, const char *detail)
{
	char num[24];

	(void)ctx;
	(void)file;
	snprintf(num, sizeof num, "%lu", line);
	report_line(stdout, status, num, verb, target, detail, NULL);
	if (strcmp(status, "failed") == 0)
		any_failed = 1;
}

int
main(int argc, char **argv)
{
	struct provdir_opts o = { 0 };
	struct ldapconn_args la = { 0 };
	const char *rejectp = NULL;
	char err[512];
	int ch;
	static const struct option longopts[] = {
		LDAPCONN_LONGOPT,
		{ NULL, 0, NULL, 0 }
	};

	diag_init(argv[0]);
	out_init();
	o.jobs = 8;
	while ((ch = getopt_long(argc, argv, LDAPCONN_GETOPT "j:m:nS:u", longopts, NULL)) != -1) {
		if (ldapconn_option(&la, ch, optarg))
			continue;
		switch (ch) {
		case 'j':
			o.jobs = (int)num_option("-j", optarg, 1, 256, "operations in flight");
			break;
		case 'm': o.mailhost = optarg; break;
		case 'n': o.mode = PROVDIR_DRYRUN; break;
		case 'S': rejectp = optarg; break;
		case 'u': o.update = 1; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (getenv("PROV_APPLY_CRASH_AFTER"))
		o.crash_after = num_option("PROV_APPLY_CRASH_AFTER", getenv("PROV_APPLY_CRASH_AFTER"),
		    0, LONG_MAX - 1, "operations") + 1;
	if (!ldapconn_finish(&la, PASSWORD_ENV))
		usage();
	o.conn = la.o;
	if (o.mode != PROVDIR_DRYRUN && rejectp) {
		reject_open(rejectp);
		o.reject = reject_line;
	}
	if (provdir_run(&o, (const char *const *)argv, (size_t)argc, report, NULL,
	    err, sizeof err) < 0)
		die("%s", err);
	ldapconn_args_free(&la);
	reject_close();
	out_close_stdout();
	return any_failed ? 1 : 0;
}
