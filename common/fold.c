/* fold: cut long content lines at 75 octets on a UTF-8 character boundary. */
#include "fold.h"

void
fold_line(struct strbuf *b, const char *s, size_t n)
{
	size_t room = FOLD_WIDTH, k;

	for (;;) {
		if (n <= room) {
			sb_add(b, s, n);
			sb_add(b, "\r\n", 2);
			return;
		}
		k = room;
		/* back off to the first byte of the character at s[k] */
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		if (k == 0)	/* not UTF-8 at all: cut where the width says */
			k = room;
		sb_add(b, s, k);
		sb_add(b, "\r\n ", 3);
		s += k;
		n -= k;
		room = FOLD_WIDTH - 1;	/* the leading space counts */
	}
}
