/* provdir-verify: provdir_run from outside prov-apply, as mig-check calls it.
 * Runs a stream in one mode and prints each result as a report line
 * (STATUS LINE VERB TARGET DETAIL); tests/provdir-verify.t runs it against
 * slapd. usage: provdir-verify -a|-n|-v -H uri -C cafile -D binddn -y pwfile
 * [file ...] */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../common/diag.h"
#include "../../common/provdir.h"
#include "../../common/report.h"
#include "../../common/secret.h"

static void
result(void *ctx, const char *file, unsigned long line, const char *status,
    const char *verb, const char *target, const char *detail)
{
	char num[24];

	(void)file;
	++*(unsigned long *)ctx;
	snprintf(num, sizeof num, "%lu", line);
	report_line(stdout, status, num, verb, target, detail, NULL);
}

int
main(int argc, char **argv)
{
	struct provdir_opts o = { 0 };
	const char *pwfile = NULL, *why;
	char err[512], *pw = NULL;
	unsigned long n = 0;
	int ch;

	diag_init(argv[0]);
	o.mode = -1;
	while ((ch = getopt(argc, argv, "anvH:C:D:y:")) != -1) {
		switch (ch) {
		case 'a': o.mode = PROVDIR_APPLY; break;
		case 'n': o.mode = PROVDIR_DRYRUN; break;
		case 'v': o.mode = PROVDIR_VERIFY; break;
		case 'H': o.conn.uri = optarg; break;
		case 'C': o.conn.cafile = optarg; break;
		case 'D': o.conn.binddn = optarg; break;
		case 'y': pwfile = optarg; break;
		default: goto usage;
		}
	}
	if (o.mode < 0 || !o.conn.uri)
		goto usage;
	if (o.conn.binddn && !(o.conn.password = pw = secret_read(pwfile, NULL, &why)))
		die("%s", why);
	if (provdir_run(&o, (const char *const *)argv + optind, (size_t)(argc - optind),
	    result, &n, err, sizeof err) < 0)
		die("%s", err);
	secret_free(pw);
	if (fflush(stdout))
		die("stdout:");
	return n ? 0 : 1;
usage:
	fprintf(stderr, "usage: provdir-verify -a|-n|-v -H uri [-C cafile] [-D binddn] "
	    "[-y passfile] [file ...]\n");
	return 2;
}
