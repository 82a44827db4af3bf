/* Unit test of common/fold: every physical line at most 75 octets, a UTF-8
 * character never cut, and unfolding gives the line back. */
#include <stdlib.h>

#include "../../common/fold.h"
#include "tap.h"

static const struct {
	const char *name, *in, *want;
} cases[] = {
	{ "short line unchanged", "FN:Ann", "FN:Ann\r\n" },
	{ "empty line", "", "\r\n" },
	{ "exactly 75 octets stays one line",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n" },
	{ "76 octets: one octet moves on",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n b\r\n" },
	/* 73 ASCII octets, then "é" (2 octets) would end at 75: fits */
	{ "a 2-octet character ending at 75 stays",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9x",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9\r\n x\r\n" },
	/* 74 ASCII octets, then "é" would straddle 75: it moves whole */
	{ "a 2-octet character straddling 75 moves whole",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n \xc3\xa9\r\n" },
	/* 73 octets then a 4-octet emoji */
	{ "a 4-octet character moves whole",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xf0\x9f\x98\x80",
	  "NOTE:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n \xf0\x9f\x98\x80\r\n" },
};

/* Check a folded text: physical lines <= 75 octets, none starting with a
 * UTF-8 continuation octet; return the unfolded text (malloc'd). */
static char *
check_unfold(const char *s, size_t n, int *widths_ok, int *chars_ok)
{
	char *u = malloc(n + 1);
	size_t i = 0, j = 0, col = 0;

	*widths_ok = *chars_ok = 1;
	while (i < n) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			i += 2;
			col = 0;
			if (i < n && s[i] == ' ') {
				i++;
				col = 1;
				if (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
					*chars_ok = 0;
			} else if (i < n)
				u[j++] = '\n';
			continue;
		}
		if (++col > 75)
			*widths_ok = 0;
		u[j++] = s[i++];
	}
	u[j] = '\0';
	return u;
}

int
main(void)
{
	struct strbuf b = { 0 };
	size_t i, len;
	char *u, big[3000];
	int w, c;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sb_reset(&b);
		fold_line(&b, cases[i].in, strlen(cases[i].in));
		ok(b.len == strlen(cases[i].want) && memcmp(b.s, cases[i].want, b.len) == 0,
		    "%s: got \"%s\"", cases[i].name, tap_show(b.s, b.len));
	}

	/* a long line of mixed widths: every cut point is met once */
	for (len = 0; len + 4 < sizeof big - 1;) {
		static const char *pieces[] = { "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };
		const char *p = pieces[len % 4];

		memcpy(big + len, p, strlen(p));
		len += strlen(p);
	}
	big[len] = '\0';
	sb_reset(&b);
	fold_line(&b, big, len);
	u = check_unfold(b.s, b.len, &w, &c);
	ok(w, "long mixed line: no physical line over 75 octets");
	ok(c, "long mixed line: no continuation starts inside a character");
	ok(strcmp(u, big) == 0, "long mixed line: unfolding gives it back");
	free(u);
	sb_free(&b);
	return tap_done();
}
