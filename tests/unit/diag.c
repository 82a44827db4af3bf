/* Unit test of common/diag's hook: a message about a file goes, formatted,
 * to the hook instead of standard error. */
#include <errno.h>

#include "../../common/diag.h"
#include "tap.h"

static char got_file[64], got_msg[256];
static unsigned long got_line;
static int calls;

static void
hook(void *ctx, const char *file, unsigned long line, const char *msg)
{
	(void)ctx;
	snprintf(got_file, sizeof got_file, "%s", file);
	snprintf(got_msg, sizeof got_msg, "%s", msg);
	got_line = line;
	calls++;
}

int
main(void)
{
	diag_init("unit/diag");
	diag_hook = hook;
	warn_at("a.csv", 7, "stray quote in field %d", 3);
	ok(calls == 1 && strcmp(got_file, "a.csv") == 0 && got_line == 7 &&
	    strcmp(got_msg, "stray quote in field 3") == 0, "warn_at: to the hook, formatted: %s",
	    got_msg);
	errno = ENOENT;
	warn_at("b.ics", 0, "cannot open:");
	ok(calls == 2 && got_line == 0 && strcmp(got_msg, "cannot open: No such file or directory") == 0,
	    "a message ending in ':' gets errno's text: %s", got_msg);
	warnmsg("not about a file");
	ok(calls == 2, "warnmsg: not to the hook (standard error)");
	diag_hook = NULL;
	return tap_done();
}
