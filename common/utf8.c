/* utf8: UTF-8 validation, eight ASCII bytes at a stroke (most text is
 * ASCII), then one sequence at a time. */
#include <stdint.h>
#include <string.h>

#include "utf8.h"

int
utf8_valid(const void *s, size_t n, unsigned flags)
{
	const unsigned char *p = s, *e = p + n;
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	size_t need;

	while (p < e) {
		uint64_t w;

		/* eight ASCII bytes (none of them NUL, when that is asked) */
		if (e - p >= 8 && (memcpy(&w, p, 8), !(w & highs)) &&
		    (!(flags & UTF8_NO_NUL) || !((w - ones) & ~w & highs))) {
			p += 8;
			continue;
		}
		if (*p < 0x80) {
			if (*p == 0 && (flags & UTF8_NO_NUL))
				return 0;
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			need = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			need = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			need = 3;
		else
			return 0;
		if ((size_t)(e - p) <= need)
			return (flags & UTF8_CUT_OK) != 0;
		if ((p[1] & 0xc0) != 0x80 || (need > 1 && (p[2] & 0xc0) != 0x80) ||
		    (need > 2 && (p[3] & 0xc0) != 0x80))
			return 0;
		/* overlong forms, surrogates, past U+10FFFF */
		if ((*p == 0xe0 && p[1] < 0xa0) || (*p == 0xed && p[1] >= 0xa0) ||
		    (*p == 0xf0 && p[1] < 0x90) || (*p == 0xf4 && p[1] >= 0x90))
			return 0;
		p += need + 1;
	}
	return 1;
}
