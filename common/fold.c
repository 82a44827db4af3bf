/* fold: 75-octet folding that keeps each UTF-8 character whole, because a
 * reader that unfolds before decoding (most do) is fine either way but one
 * that decodes each physical line (some importers) garbles a split one. */
#include "fold.h"

static int
is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

void
fold_line(struct strbuf *b, const char *s, size_t n)
{
	size_t room = FOLD_WIDTH;	/* the first line has no leading space */

	while (n > room) {
		size_t cut = room;

		while (cut > 0 && is_cont((unsigned char)s[cut]))
			cut--;
		if (cut == 0)
			cut = room;
		sb_add(b, s, cut);
		sb_add(b, "\r\n ", 3);
		s += cut;
		n -= cut;
		room = FOLD_WIDTH - 1;
	}
	sb_add(b, s, n);
	sb_add(b, "\r\n", 2);
}
