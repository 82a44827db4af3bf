/* Unit test of common/num: numbers from options read checked. */
#include <limits.h>

#include "../../common/num.h"
#include "tap.h"

int
main(void)
{
	static const struct { const char *in; long min, max; int ok; long want; } c[] = {
		{ "1", 1, 256, 1, 1 }, { "256", 1, 256, 1, 256 }, { "16", 1, 256, 1, 16 },
		{ "007", 1, 256, 1, 7 }, { "0", 0, 10, 1, 0 },
		{ "9223372036854775807", 0, LONG_MAX, 1, LONG_MAX },
		{ "0", 1, 256, 0, 0 }, { "257", 1, 256, 0, 0 }, { "", 1, 256, 0, 0 },
		{ "x", 1, 256, 0, 0 }, { "8x", 1, 256, 0, 0 }, { "-1", -5, 5, 0, 0 },
		{ "+1", 1, 256, 0, 0 }, { " 1", 1, 256, 0, 0 }, { "1 ", 1, 256, 0, 0 },
		{ "1.5", 1, 256, 0, 0 }, { "0x10", 1, 256, 0, 0 },
		{ "9223372036854775808", 0, LONG_MAX, 0, 0 },
	};

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		long v = 12345;
		int r = num_parse(c[i].in, c[i].min, c[i].max, &v);

		ok(c[i].ok ? r == 0 && v == c[i].want : r == -1 && v == 12345,
		    "\"%s\" in %ld..%ld: %s", c[i].in, c[i].min, c[i].max,
		    c[i].ok ? "a number" : "not one");
	}
	ok(num_parse(NULL, 0, 1, &(long){ 0 }) == -1, "no value: not a number");
	return tap_done();
}
