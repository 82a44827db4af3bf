/* utf8.h: the fuzz harnesses' own UTF-8 check (no overlong form, no
 * surrogate, nothing past U+10FFFF), written apart from the project's so
 * that the oracle does not share the code it checks. */
#ifndef FUZZ_UTF8_H
#define FUZZ_UTF8_H

#include <stddef.h>

static inline int
utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], k, need, u;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, u = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, u = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, u = c & 0x07;
		else
			return 0;
		if (i + need >= n)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			u = u << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && (u < 0x800 || (u >= 0xd800 && u <= 0xdfff))) ||
		    (need == 3 && (u < 0x10000 || u > 0x10ffff)))
			return 0;
		i += need + 1;
	}
	return 1;
}

#endif
