/* ics-split: calendar exports (iCalendar, RFC 5545) into pieces that
 * Carbonio's importer takes whole, with nothing lost. This file: the
 * options and the main loop; the work is in tools/ics-split/ (ics-int.h
 * says which file owns what).
 *
 * The VCALENDAR wrapper is read here; each inner component's unfolded lines
 * are checked by libical one component at a time, and the component is
 * written, from its input text refolded, into a spool file in the output
 * directory. Components that share a UID must land in one piece wherever
 * they stand, and a VTIMEZONE may come after the events that use it, so no
 * piece can be written before its calendar ends: the index (a 16-octet
 * digest per UID, 16 octets per component, the zones each UID uses) and the
 * VTIMEZONEs stay in memory, everything else is in the spool. At
 * END:VCALENDAR the UID groups are packed, in input order, into pieces under
 * the limits, and each piece is copied out of the spool into its own file,
 * written atomically. The output is the input's text, not libical's: its
 * silent limits (500 values, 100 parameters per property) lose nothing. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../common/atomicfile.h"
#include "../common/diag.h"
#include "../common/out.h"
#include "ics-split/ics-split.h"

static void
usage(void)
{
	fprintf(stderr, "usage: ics-split [-0] [-d dir] [-n count] [-p prefix] "
	    "[-s size] [file ...]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct stat st;
	int c, i, input_failed = 0;

	diag_init(argv[0]);
	out_init();
	/* a fatal error or a signal removes the piece being written */
	af_cleanup_at_exit();
	while ((c = getopt(argc, argv, "0d:p:" ICS_LIMITS_GETOPT)) != -1) {
		switch (ics_option(&ics_opt, c, optarg)) {
		case 1:
			continue;
		case -1:
			usage();
		}
		switch (c) {
		case '0':
			ics_opt.nul = 1;
			break;
		case 'd':
			ics_opt.dir = optarg;
			break;
		case 'p':
			ics_opt.prefix = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	if (mkdir(ics_opt.dir, 0777) != 0 && errno != EEXIST)
		die("%s:", ics_opt.dir);
	if (stat(ics_opt.dir, &st) != 0 || !S_ISDIR(st.st_mode))
		die("%s: not a directory", ics_opt.dir);
	ics_start();
	if (argc == 0 && ics_read(NULL) != 0)
		input_failed = 1;
	for (i = 0; i < argc; i++)
		if (ics_read(argv[i]) != 0)
			input_failed = 1;
	i = ics_errors();
	ics_end();
	out_close_stdout();
	return input_failed ? 2 : i ? 1 : 0;
}
