/* Unit test of common/provline: zmprov's word syntax, both ways. */
#include <stdlib.h>

#include "../../common/diag.h"
#include "../../common/provline.h"
#include "tap.h"

#define W(...) { __VA_ARGS__, NULL }

static const struct {
	const char *line;
	const char *words[8];
} parse_cases[] = {
	/* the examples in zmprov's own parser */
	{ "this is a test", W("this", "is", "a", "test") },
	{ "this is 'a nother' test", W("this", "is", "a nother", "test") },
	{ "this is\\ test", W("this", "is test") },
	{ "first Roland last 'Schemers' full 'Roland Schemers'",
	  W("first", "Roland", "last", "Schemers", "full", "Roland Schemers") },
	{ "multi 'Roland\\nSchemers'", W("multi", "Roland\nSchemers") },
	{ "a", W("a") },
	{ "", W(NULL) },
	{ "\\  \\ ", W(" ", " ") },
	{ "backslash \\\\", W("backslash", "\\") },
	{ "backslash \\f", W("backslash", "f") },
	{ "a           b", W("a", "b") },
	/* empty words, quotes inside and around words */
	{ "ca u@x.org '' displayName 'A B'", W("ca", "u@x.org", "", "displayName", "A B") },
	{ "x ''", W("x", "") },
	{ "x \"\"", W("x", "") },
	{ "x '", W("x") },
	{ "a'b c\"d", W("a'b", "c\"d") },
	{ "'abc'def", W("abc", "def") },
	{ "\"it's\"", W("it's") },
	{ "'it\\'s'", W("it's") },
	{ "'say \"hi\"'", W("say \"hi\"") },
	{ "\"a\\\"b\"", W("a\"b") },
	{ "'unterminated word", W("unterminated word") },
	{ "\\'quoted\\'", W("'quoted'") },
	{ "tab\\there", W("tab\there") },
	{ "'cr\\rlf\\n'", W("cr\rlf\n") },
	/* separators: Java whitespace, not the no-break spaces */
	{ "a\tb\x0b" "c\x1f" "d", W("a", "b", "c", "d") },
	{ "a\xe3\x80\x80" "b\xe2\x80\xa8" "c", W("a", "b", "c") },
	{ "a\xc2\xa0" "b", W("a\xc2\xa0" "b") },
	{ "a\\\xe3\x80\x80" "b", W("a\xe3\x80\x80" "b") },
	{ "  lead   trail  ", W("lead", "trail") },
	{ "'Jos\xc3\xa9 M\xc3\xbcller'", W("Jos\xc3\xa9 M\xc3\xbcller") },
};

static const struct {
	const char *word, *quoted;
} quote_cases[] = {
	{ "", "''" },
	{ "alice@example.com", "alice@example.com" },
	{ "{SSHA}q1w2+/e3==", "{SSHA}q1w2+/e3==" },
	{ "+zimbraMailAlias", "+zimbraMailAlias" },
	{ "A B", "'A B'" },
	{ "it's", "'it\\'s'" },
	{ "say \"hi\"", "'say \"hi\"'" },
	{ "two\nlines", "'two\\nlines'" },
	{ "c:\\dir", "'c:\\\\dir'" },
	{ "tab\there", "'tab\\there'" },
	{ "Jos\xc3\xa9", "'Jos\xc3\xa9'" },
};

static int
same_words(struct prov_argv *a, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++)
		if (i >= a->argc || a->len[i] != strlen(want[i]) ||
		    memcmp(a->argv[i], want[i], a->len[i]) != 0)
			return 0;
	return i == a->argc;
}

static void
roundtrip_random(void)
{
	/* bytes that matter most to the syntax, then anything at all */
	static const char special[] = " '\"\\\n\r\t\x0b\x1f\x00" "ab@.:+-";
	static const char *const uni[] = { "\xc3\xa9", "\xe3\x80\x80", "\xc2\xa0",
	    "\xe2\x80\xa8", "\xf0\x9f\x93\xa7", "\xe2\x80\x83" };
	struct prov_argv a = { 0 };
	struct strbuf line = { 0 };
	char words[6][64];
	size_t lens[6];
	int iter, bad = 0;

	srand(42);
	for (iter = 0; iter < 20000 && !bad; iter++) {
		int nw = 1 + rand() % 6, w;

		sb_reset(&line);
		for (w = 0; w < nw; w++) {
			size_t n = 0, want = (size_t)(rand() % 12);

			while (n < want) {
				int r = rand() % 10;

				if (r < 5)
					words[w][n++] = special[rand() % (sizeof special - 1)];
				else if (r < 7) {
					const char *u = uni[rand() % 6];

					memcpy(words[w] + n, u, strlen(u));
					n += strlen(u);
				} else
					words[w][n++] = (char)(rand() % 256);
			}
			lens[w] = n;
			prov_word(&line, words[w], n);
		}
		if (memchr(line.s, '\n', line.len) || memchr(line.s, '\r', line.len)) {
			ok(0, "quoted line holds no raw CR or LF: %s", tap_show(line.s, line.len));
			bad = 1;
			break;
		}
		prov_parse(&a, line.s, line.len);
		if (a.argc != (size_t)nw)
			bad = 1;
		for (w = 0; !bad && w < nw; w++)
			if (a.len[w] != lens[w] || memcmp(a.argv[w], words[w], lens[w]))
				bad = 1;
		if (bad)
			ok(0, "round trip of %s", tap_show(line.s, line.len));
	}
	if (!bad)
		ok(1, "20000 random lines of 1-6 words of any bytes survive quote -> parse");
	prov_argv_free(&a);
	sb_free(&line);
}

static void
read_continuations(void)
{
	const char *input = "ca a@x.org ''\n\n\nma a@x.org \\\ndisplayName 'A'\r\n"
	    "cdl l@x.org \\\n\nadlm l@x.org b@x.org";
	FILE *f = fmemopen((void *)input, strlen(input), "r");
	struct lineio lr;
	struct strbuf b = { 0 };
	unsigned long first;
	static const struct { const char *text; unsigned long line; } want[] = {
		{ "ca a@x.org ''", 1 }, { "ma a@x.org displayName 'A'", 4 },
		{ "cdl l@x.org ", 6 }, { "adlm l@x.org b@x.org", 8 },
	};
	size_t i;

	memset(&lr, 0, sizeof lr);
	lr.fp = f;
	lr.name = "test";
	for (i = 0; i < 4; i++) {
		int r = prov_read(&lr, &b, &first);

		ok(r == 1 && strcmp(b.s, want[i].text) == 0 && first == want[i].line,
		    "logical line %zu: \"%s\" from line %lu", i + 1, tap_show(b.s, b.len), first);
	}
	ok(prov_read(&lr, &b, &first) == 0, "end of input");
	fclose(f);
	free(lr.buf);
	sb_free(&b);
}

int
main(void)
{
	struct prov_argv a = { 0 };
	struct strbuf b = { 0 };
	size_t i;

	diag_init("provline");
	for (i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		prov_parse(&a, parse_cases[i].line, strlen(parse_cases[i].line));
		ok(same_words(&a, parse_cases[i].words), "parse \"%s\" (%zu words)",
		    tap_show(parse_cases[i].line, strlen(parse_cases[i].line)), a.argc);
	}
	for (i = 0; i < sizeof quote_cases / sizeof quote_cases[0]; i++) {
		sb_reset(&b);
		prov_quote(&b, quote_cases[i].word, strlen(quote_cases[i].word));
		ok(strcmp(b.s, quote_cases[i].quoted) == 0, "quote \"%s\" as %s (got %s)",
		    tap_show(quote_cases[i].word, strlen(quote_cases[i].word)),
		    quote_cases[i].quoted, b.s);
	}
	roundtrip_random();
	read_continuations();
	prov_argv_free(&a);
	sb_free(&b);
	return tap_done();
}
