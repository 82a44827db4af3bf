/* num: checked whole numbers (see num.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "diag.h"
#include "num.h"

int
num_parse(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

long
num_option(const char *name, const char *arg, long min, long max, const char *what)
{
	long v;

	if (num_parse(arg, min, max, &v) < 0)
		die("%s %s: from %ld to %ld %s", name, arg ? arg : "", min, max, what);
	return v;
}
