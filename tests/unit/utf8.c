/* Unit test of common/utf8: one UTF-8 check for ldif2prov and csvread. */
#include <string.h>

#include "../../common/utf8.h"
#include "tap.h"

int
main(void)
{
	static const struct { const char *in; size_t n; unsigned flags; int want; const char *why; }
	    c[] = {
		{ "", 0, 0, 1, "empty" },
		{ "plain ASCII, longer than eight bytes", 0, 0, 1, "ASCII" },
		{ "Jos\xc3\xa9 M\xc3\xbcller", 0, 0, 1, "two-byte sequences" },
		{ "\xe2\x82\xac 5", 0, 0, 1, "three bytes (euro sign)" },
		{ "\xf0\x9f\x98\x80", 0, 0, 1, "four bytes (U+1F600)" },
		{ "\xef\xbf\xbf", 0, 0, 1, "U+FFFF" },
		{ "\xf4\x8f\xbf\xbf", 0, 0, 1, "U+10FFFF, the last" },
		{ "Jos\xe9", 0, 0, 0, "Latin-1" },
		{ "\x80", 0, 0, 0, "a lone continuation byte" },
		{ "\xc0\xaf", 0, 0, 0, "overlong two bytes (C0)" },
		{ "\xc1\xbf", 0, 0, 0, "overlong two bytes (C1)" },
		{ "\xe0\x80\xaf", 0, 0, 0, "overlong three bytes" },
		{ "\xf0\x80\x80\xaf", 0, 0, 0, "overlong four bytes" },
		{ "\xed\xa0\x80", 0, 0, 0, "a surrogate (U+D800)" },
		{ "\xf4\x90\x80\x80", 0, 0, 0, "past U+10FFFF" },
		{ "\xf5\x80\x80\x80", 0, 0, 0, "F5: no lead byte" },
		{ "\xff", 0, 0, 0, "FF" },
		{ "\xc3\x28", 0, 0, 0, "a lead byte without its continuation" },
		{ "\xe2\x82\x28", 0, 0, 0, "a three-byte sequence broken" },
		{ "ab\xc3", 0, 0, 0, "cut by the end" },
		{ "ab\xc3", 0, UTF8_CUT_OK, 1, "cut by the end of a window: UTF8_CUT_OK" },
		{ "ab\xf0\x9f\x98", 0, UTF8_CUT_OK, 1, "four bytes cut: UTF8_CUT_OK" },
		{ "\xe9 ab", 0, UTF8_CUT_OK, 0, "UTF8_CUT_OK forgives only the end" },
		{ "a\0b", 3, 0, 1, "NUL is UTF-8" },
		{ "a\0b", 3, UTF8_NO_NUL, 0, "... but not text: UTF8_NO_NUL" },
		{ "abcdefg\0hijklmno", 16, UTF8_NO_NUL, 0, "UTF8_NO_NUL within eight ASCII bytes" },
		{ "abcdefghijklmnop", 16, UTF8_NO_NUL, 1, "UTF8_NO_NUL, no NUL" },
		{ "abcdefghijklmn\xc3\xa9", 0, UTF8_NO_NUL, 1, "ASCII words then a sequence" },
	};

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		size_t n = c[i].n ? c[i].n : strlen(c[i].in);

		ok(utf8_valid(c[i].in, n, c[i].flags) == c[i].want, "%s: %s", c[i].why,
		    c[i].want ? "valid" : "not valid");
	}
	return tap_done();
}
