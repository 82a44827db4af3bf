/* Unit test of common/size: one meaning of "10k" for every tool. */
#include "../../common/size.h"
#include "tap.h"

int
main(void)
{
	static const struct { const char *in; int ok; unsigned long want; } c[] = {
		{ "0", 1, 0 }, { "1", 1, 1 }, { "10240000", 1, 10240000 },
		{ "1k", 1, 1024 }, { "1K", 1, 1024 }, { "900k", 1, 921600 },
		{ "10M", 1, 10485760 }, { "10m", 1, 10485760 }, { "1G", 1, 1073741824 },
		{ "", 0, 0 }, { "k", 0, 0 }, { "-1", 0, 0 }, { "+1", 0, 0 }, { " 1", 0, 0 },
		{ "1 k", 0, 0 }, { "1kb", 0, 0 }, { "1T", 0, 0 }, { "1.5M", 0, 0 },
		{ "99999999999999999999", 0, 0 }, { "17179869184G", 0, 0 },
	};

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		unsigned long v = 12345;
		int r = size_parse(c[i].in, &v);
		ok(c[i].ok ? r == 0 && v == c[i].want : r == -1 && v == 12345,
		    "\"%s\": %s", c[i].in, c[i].ok ? "a size" : "not a size");
	}
	return tap_done();
}
