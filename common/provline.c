/* provline: quoting for, and parsing of, `carbonio prov` batch lines. The
 * parser follows zmprov's StringUtil.parseLine step by step (see the header),
 * on UTF-8 bytes instead of Java chars. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "provline.h"

/* Length of the UTF-8 character at p (1 for an invalid byte), and whether it
 * is whitespace for Java's Character.isWhitespace. */
static size_t
uchar(const unsigned char *p, size_t n, int *ws)
{
	unsigned c = p[0];

	*ws = 0;
	if (c < 0x80) {
		*ws = (c >= 9 && c <= 13) || (c >= 28 && c <= 32);
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf && n >= 2 && (p[1] & 0xc0) == 0x80)
		return 2;
	if (c >= 0xe0 && c <= 0xef && n >= 3 && (p[1] & 0xc0) == 0x80 &&
	    (p[2] & 0xc0) == 0x80) {
		unsigned u = (c & 0x0f) << 12 | (p[1] & 0x3f) << 6 | (p[2] & 0x3f);

		if (u < 0x800 || (u >= 0xd800 && u <= 0xdfff))
			return 1;
		*ws = u == 0x1680 || (u >= 0x2000 && u <= 0x2006) ||
		    (u >= 0x2008 && u <= 0x200a) || u == 0x2028 ||
		    u == 0x2029 || u == 0x205f || u == 0x3000;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4 && n >= 4 && (p[1] & 0xc0) == 0x80 &&
	    (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80) {
		unsigned u = (c & 0x07) << 18 | (p[1] & 0x3f) << 12;

		if (u < 0x10000 || u > 0x10ffff)
			return 1;
		return 4;
	}
	return 1;
}

/* What each byte asks of a word: 0 nothing, Q quotes around the word (the
 * separators, control bytes, both quotes, DEL and every non-ASCII byte, so
 * that no Unicode space can split it), E quotes and a backslash escape. */
enum { Q = 1, E = 2 };
static const unsigned char need[256] = {
	Q, Q, Q, Q, Q, Q, Q, Q, Q, E, E, Q, Q, E, Q, Q,	/* 0x00: \t \n \r */
	Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q,
	Q, 0, Q, 0, 0, 0, 0, E, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20: space " ' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, E, 0, 0, 0,	/* 0x50: \\ */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Q,	/* 0x7f: DEL */
	Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q,
	Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q,
	Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q,
	Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q,
	Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q,
	Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q,
	Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q,
	Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q, Q,
};

/* Append the quoted word, after a space when sep; written straight into the
 * buffer, with room made once: a converter quotes every word it writes. */
static void
quote(struct strbuf *b, const char *w, size_t n, int sep)
{
	const unsigned char *u = (const unsigned char *)w;
	unsigned any = 0;
	size_t i;
	char *p;

	for (i = 0; i < n; i++)
		any |= need[u[i]];
	sb_reserve(b, 1 + (any & E ? 2 * n : n) + 2);
	p = b->s + b->len;
	if (sep)
		*p++ = ' ';
	if (n && !any) {
		memcpy(p, w, n);
		p += n;
	} else {
		*p++ = '\'';
		if (!(any & E)) {
			memcpy(p, w, n);
			p += n;
		} else
			for (i = 0; i < n; i++) {
				if (need[u[i]] != E) {
					*p++ = (char)u[i];
					continue;
				}
				*p++ = '\\';
				switch (u[i]) {
				case '\n': *p++ = 'n'; break;
				case '\r': *p++ = 'r'; break;
				case '\t': *p++ = 't'; break;
				default: *p++ = (char)u[i]; break;	/* \\ and ' */
				}
			}
		*p++ = '\'';
	}
	*p = '\0';
	b->len = (size_t)(p - b->s);
}

void
prov_quote(struct strbuf *b, const char *w, size_t n)
{
	quote(b, w, n, 0);
}

void
prov_word(struct strbuf *b, const char *w, size_t n)
{
	quote(b, w, n, b->len != 0);
}

void
prov_words(struct strbuf *b, const char *w)
{
	quote(b, w, strlen(w), b->len != 0);
}

static void
push(struct prov_argv *a, size_t start)
{
	if (a->argc == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->argv = xrealloc(a->argv, a->cap * sizeof *a->argv);
		a->len = xrealloc(a->len, a->cap * sizeof *a->len);
	}
	/* store offsets now; turned into pointers once the store stops moving */
	a->argv[a->argc] = (char *)(uintptr_t)start;
	a->len[a->argc] = a->store.len - start;
	a->argc++;
	sb_addc(&a->store, '\0');
}

size_t
prov_parse(struct prov_argv *a, const char *line, size_t n)
{
	enum { T_WS, T_SQ, T_DQ } term = T_WS;
	const unsigned char *p = (const unsigned char *)line, *end = p + n;
	int instr = 0;
	size_t start = 0, i;

	a->argc = 0;
	sb_reset(&a->store);
	while (p < end) {
		const unsigned char *ch = p;
		size_t clen;
		int ws, escterm = 0;

		clen = uchar(p, (size_t)(end - p), &ws);
		p += clen;
		if (*ch == '\\' && p < end) {
			ch = p;
			clen = uchar(p, (size_t)(end - p), &ws);
			p += clen;
			switch (*ch) {
			case '\\': ws = 0; break;
			case 'n': ch = (const unsigned char *)"\n"; escterm = 1; break;
			case 't': ch = (const unsigned char *)"\t"; escterm = 1; break;
			case 'r': ch = (const unsigned char *)"\r"; escterm = 1; break;
			case '\'': escterm = 1; break;
			case '"': escterm = 1; break;
			default: escterm = ws; break;
			}
		}
		if (instr) {
			if (!escterm && ((term == T_WS && ws) ||
			    (term == T_SQ && *ch == '\'') ||
			    (term == T_DQ && *ch == '"'))) {
				instr = 0;
				push(a, start);
				term = T_WS;
				continue;
			}
			sb_add(&a->store, ch, clen);
		} else if (!escterm && *ch == '\'') {
			term = T_SQ;
			instr = 1;
			start = a->store.len;
		} else if (!escterm && *ch == '"') {
			term = T_DQ;
			instr = 1;
			start = a->store.len;
		} else if (!escterm && ws) {
			continue;
		} else {
			instr = 1;
			start = a->store.len;
			sb_add(&a->store, ch, clen);
		}
	}
	/* zmprov keeps an unfinished word only when it is not empty */
	if (instr && a->store.len > start)
		push(a, start);
	for (i = 0; i < a->argc; i++)
		a->argv[i] = a->store.s + (uintptr_t)a->argv[i];
	return a->argc;
}

void
prov_argv_free(struct prov_argv *a)
{
	free(a->argv);
	free(a->len);
	sb_free(&a->store);
	memset(a, 0, sizeof *a);
}

int
prov_read(struct lineio *lr, struct strbuf *b, unsigned long *first)
{
	char *s;
	size_t n;

	sb_reset(b);
	*first = 0;
	while ((s = lineio_next(lr, &n, 1)) != NULL) {
		if (n == 0) {
			if (*first)	/* an empty line ends a continuation */
				return 1;
			continue;
		}
		if (!*first)
			*first = lr->lineno;
		if (s[n - 1] == '\\') {
			sb_add(b, s, n - 1);
			continue;
		}
		sb_add(b, s, n);
		return 1;
	}
	return *first != 0;
}
