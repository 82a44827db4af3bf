/* Unit test of common/fold: 75 octets a line, UTF-8 characters whole. */
#include <stdlib.h>

#include "../../common/fold.h"
#include "tap.h"

static const struct {
	const char *in, *want, *what;
} cases[] = {
	{ "", "\r\n", "an empty line" },
	{ "SUMMARY:short", "SUMMARY:short\r\n", "a short line is left whole" },
	{ "X:\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e"
	  "\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e"
	  "\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e"
	  "\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e",
	  "X:\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e"
	  "\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e"
	  "\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\r\n"
	  " \xe6\x9d\x8e\xe6\x9d\x8e\xe6\x9d\x8e\r\n",
	  "3-octet characters: 2 + 24*3 = 74 octets, the 25th moves" },
};

/* "SUMMARY:" and x's up to `at` octets, then tail; the fold must come
 * right after the x's when `moves`, else after octet 75. */
static const struct {
	size_t at;
	const char *tail, *what;
	int moves;
} edges[] = {
	{ 75, "", "75 octets fit on one line", 0 },
	{ 75, "y", "the 76th octet goes on a continuation line", 0 },
	{ 74, "\xc3\xa9z", "a 2-octet character on the fold moves whole", 1 },
	{ 73, "\xe6\x9d\x8e", "a 3-octet character across the fold moves whole", 1 },
	{ 72, "\xf0\x9f\x98\x80", "a 4-octet character across the fold moves whole", 1 },
	{ 71, "\xf0\x9f\x98\x80", "a 4-octet character ending on octet 75 stays", 0 },
};

/* Every physical line at most 75 octets, no line starts with a continuation
 * byte, and unfolding gives the input back. */
static int
check_any(const char *in, size_t n, int utf8)
{
	struct strbuf b = { 0 }, u = { 0 };
	size_t i = 0, start;
	int good = 1;

	fold_line(&b, in, n);
	while (i < b.len) {
		start = i;
		while (i + 1 < b.len && !(b.s[i] == '\r' && b.s[i + 1] == '\n'))
			i++;
		if (i + 1 >= b.len || i - start > FOLD_WIDTH)
			good = 0;
		if (start > 0) {
			if (b.s[start] != ' ')
				good = 0;
			else
				start++;
		}
		if (utf8 && start < i && ((unsigned char)b.s[start] & 0xC0) == 0x80)
			good = 0;
		sb_add(&u, b.s + start, i - start);
		i += 2;
	}
	if (u.len != n || (n && memcmp(u.s, in, n) != 0))
		good = 0;
	sb_free(&b);
	sb_free(&u);
	return good;
}

int
main(void)
{
	size_t i, k;
	char buf[1000];
	int good = 1;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct strbuf b = { 0 };

		fold_line(&b, cases[i].in, strlen(cases[i].in));
		ok(b.len == strlen(cases[i].want) && memcmp(b.s, cases[i].want, b.len) == 0,
		    "%s (got \"%s\")", cases[i].what, tap_show(b.s, b.len));
		sb_free(&b);
	}
	for (i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		struct strbuf b = { 0 }, w = { 0 };
		size_t n = strlen(edges[i].tail), cut;

		memcpy(buf, "SUMMARY:", 8);
		memset(buf + 8, 'x', edges[i].at - 8);
		memcpy(buf + edges[i].at, edges[i].tail, n);
		n += edges[i].at;
		cut = edges[i].moves ? edges[i].at : n > 75 ? 75 : n;
		sb_add(&w, buf, cut);
		if (cut < n) {
			sb_add(&w, "\r\n ", 3);
			sb_add(&w, buf + cut, n - cut);
		}
		sb_add(&w, "\r\n", 2);
		fold_line(&b, buf, n);
		ok(b.len == w.len && memcmp(b.s, w.s, b.len) == 0, "%s (got \"%s\")",
		    edges[i].what, tap_show(b.s + 60, b.len - 60));
		sb_free(&b);
		sb_free(&w);
	}
	/* every length and offset of 2-, 3- and 4-octet characters */
	for (k = 0; k < 300; k++) {
		size_t n = 0;

		while (n < k)
			buf[n++] = 'a';
		for (i = 0; n + 4 < sizeof buf && i < 150; i++) {
			static const char *ch[] = { "\xc3\xa9", "\xe6\x9d\x8e", "\xf0\x9f\x98\x80", "b" };
			const char *c = ch[(i + k) % 4];

			memcpy(buf + n, c, strlen(c));
			n += strlen(c);
		}
		if (!check_any(buf, n, 1))
			good = 0;
	}
	ok(good, "mixed UTF-8 of every offset: lines <= 75 octets, characters whole, unfolds back");
	memset(buf, 0x80, 200);
	ok(check_any(buf, 200, 0), "a long run of stray continuation bytes still folds");
	return tap_done();
}
