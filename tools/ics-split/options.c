/* options: ics-split's options, and the reading of those that decide what
 * goes into which piece (-n, -s), one for ics-split and for mig-check. */
#include <errno.h>
#include <stdlib.h>

#include "../../common/diag.h"
#include "../../common/size.h"
#include "ics-split.h"

struct ics_opts ics_opt = { 0, ".", ICS_DEF_COUNT, ICS_DEF_SIZE, NULL };

int
ics_option(struct ics_opts *o, int ch, const char *arg)
{
	unsigned long v;
	char *end;

	switch (ch) {
	case 'n':
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || v == 0 || *arg == '-') {
			warnmsg("%s: not a positive number", arg);
			return -1;
		}
		o->count = v;
		return 1;
	case 's':
		if (size_parse(arg, &v) < 0 || v == 0) {
			warnmsg("%s: not a positive size (k, M, G: times 1024, 1024^2, 1024^3)", arg);
			return -1;
		}
		o->size = v;
		return 1;
	}
	return 0;
}
