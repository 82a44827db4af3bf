/* mig-check: the requirement checklist before a migration (preflight), and
 * the proof after a migration that the Destination holds what
 * the Source had, object by object and message by message, or the exact
 * list of what is missing. It only reads, on both sides. Each check is run
 * with the options of the tool whose work it checks (imap-copy's for the
 * mail, prov-apply's for the directory), through the same code in common/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/diag.h"
#include "../common/out.h"
#include "mig-check/mig-check.h"

void
mig_check_usage(void)
{
	fprintf(stderr,
	    "usage: mig-check verify mail [-bv] -S url -D url [-C cafile] [--insecure]\n"
	    "                 [--source-plaintext] [--dest-plaintext]\n"
	    "                 [-a admin] [-y passfile] [-p passwords]\n"
	    "                 [-A admin] [-Y passfile] [-P passwords] [-c copyreport]\n"
	    "                 [-j jobs] [-L maxsize] [-i pattern]... [-x pattern]...\n"
	    "                 [-M src=dst]... [-l accountlist] [account[=destaccount] ...]\n"
	    "       mig-check verify prov -H uri [-D binddn] [-y passfile] [-C cafile]\n"
	    "                 [--insecure] [-m mailhost] [-l accountlist] [file ...]\n"
	    "       mig-check preflight mail [-v] -S url -D url [-C cafile] [--insecure]\n"
	    "                 [-a admin] [-y passfile] [-p passwords]\n"
	    "                 [-A admin] [-Y passfile] [-P passwords] [-j jobs] [-L maxsize]\n"
	    "                 [-i pattern]... [-x pattern]... [-M src=dst]...\n"
	    "                 [-l accountlist] [account[=destaccount] ...]\n"
	    "       mig-check verify csv [-4] [-D dmy|mdy] [-e encoding] [-F delim]\n"
	    "                 [-m mapping] -p piecelist csvfile ...\n"
	    "       mig-check verify ics [-n count] [-s size] -p piecelist icsfile ...\n"
	    "       mig-check preflight prov [-v] -H uri [-D binddn] [-y passfile] [-C cafile]\n"
	    "                 [--insecure] [-m mailhost] [-e problems] [file ...]\n"
	    "       mig-check preflight files [-v] [-n count] [-s size] [-4] [-D dmy|mdy]\n"
	    "                 [-e encoding] [-F delim] [-m mapping] file|directory ...\n");
	exit(2);
}

const char *
files_check_options(int argc, char **argv, const char *tool_opts,
    int (*opt)(void *ctx, int ch, const char *arg), void *ctx, const char *what)
{
	const char *list = NULL;
	char optstring[64];
	int ch;

	snprintf(optstring, sizeof optstring, "%sp:", tool_opts);
	optind = 1;
	while ((ch = getopt(argc, argv, optstring)) != -1) {
		int r = opt(ctx, ch, optarg);
		if (r < 0)
			exit(ST_FAIL);
		if (r)
			continue;
		if (ch != 'p')
			mig_check_usage();
		list = optarg;
	}
	if (!list || optind >= argc)
		die("%s", what);
	return list;
}

int
main(int argc, char **argv)
{
	int status;

	diag_init(argv[0]);
	out_init();
	if (argc < 3)
		mig_check_usage();
	/* the check's own options start after its name */
	if (strcmp(argv[1], "verify") == 0 && strcmp(argv[2], "mail") == 0)
		status = verify_mail(argc - 2, argv + 2);
	else if (strcmp(argv[1], "verify") == 0 && strcmp(argv[2], "prov") == 0)
		status = verify_prov(argc - 2, argv + 2);
	else if (strcmp(argv[1], "verify") == 0 && strcmp(argv[2], "csv") == 0)
		status = verify_csv(argc - 2, argv + 2);
	else if (strcmp(argv[1], "verify") == 0 && strcmp(argv[2], "ics") == 0)
		status = verify_ics(argc - 2, argv + 2);
	else if (strcmp(argv[1], "preflight") == 0 && strcmp(argv[2], "mail") == 0)
		status = preflight_mail(argc - 2, argv + 2);
	else if (strcmp(argv[1], "preflight") == 0 && strcmp(argv[2], "prov") == 0)
		status = preflight_prov(argc - 2, argv + 2);
	else if (strcmp(argv[1], "preflight") == 0 && strcmp(argv[2], "files") == 0)
		status = preflight_files(argc - 2, argv + 2);
	else
		mig_check_usage();
	out_close_stdout();
	return status;
}
