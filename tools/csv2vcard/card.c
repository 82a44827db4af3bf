/* card: one CSV row to one vCard, 3.0 (RFC 2426) or 4.0 (RFC 6350).
 *
 * The row's values are first gathered by what they are (name parts, each
 * e-mail, each address part...) in buffers that live for the whole run, then
 * written in one fixed order, escaped and folded. The UID is a hash of the
 * card's own lines, so the same row gives the same UID on every run and a
 * re-import into a CardDAV store updates instead of duplicating. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/diag.h"
#include "../../common/hash.h"
#include "../../common/fold.h"
#include "csv2vcard.h"

enum { N_FAMILY, N_GIVEN, N_MIDDLE, N_PREFIX, N_SUFFIX };

/* A literal's length is known: no strlen per card. */
#define ADDLIT(b, lit) sb_add((b), lit, sizeof lit - 1)

unsigned long card_warnings;

static struct {
	struct strbuf n[5], fn, nick, org, dept, title, note, extras, cats;
	struct strbuf emails, tels, urls;	/* unfolded lines, '\n' after each */
	struct strbuf adr[NSLOT][NPART];
	int adr_used[NSLOT];
	struct strbuf first;	/* first e-mail, else first phone: FN's last resort */
	int first_is_email;
	int bday[3], anniv[3], has_bday, has_anniv;
	int tb[3];		/* Thunderbird's birth year, month, day */
	struct strbuf line, piece;
} acc;

static void
reset(void)
{
	int i, j;

	for (i = 0; i < 5; i++)
		sb_reset(&acc.n[i]);
	sb_reset(&acc.fn);
	sb_reset(&acc.nick);
	sb_reset(&acc.org);
	sb_reset(&acc.dept);
	sb_reset(&acc.title);
	sb_reset(&acc.note);
	sb_reset(&acc.extras);
	sb_reset(&acc.cats);
	sb_reset(&acc.emails);
	sb_reset(&acc.tels);
	sb_reset(&acc.urls);
	sb_reset(&acc.first);
	for (i = 0; i < NSLOT; i++)
		if (acc.adr_used[i]) {
			for (j = 0; j < NPART; j++)
				sb_reset(&acc.adr[i][j]);
			acc.adr_used[i] = 0;
		}
	acc.first_is_email = 0;
	acc.has_bday = acc.has_anniv = 0;
	acc.tb[0] = acc.tb[1] = acc.tb[2] = 0;
}

/* ---- values --------------------------------------------------------- */

static inline int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline void
trim(const char **s, size_t *n)
{
	while (*n && is_ws(**s))
		(*s)++, (*n)--;
	while (*n && is_ws((*s)[*n - 1]))
		(*n)--;
}

/* Join a value to what a buffer already holds. */
static void
join(struct strbuf *b, const char *sep, const char *s, size_t n)
{
	if (b->len)
		sb_adds(b, sep);
	sb_add(b, s, n);
}

/* The i-th of the " ::: "-separated values of s (Google); s itself when
 * multi is off. Returns 0 when there is no i-th. */
static int
nth(const char *s, size_t n, int multi, int i, const char **p, size_t *pn)
{
	const char *end = s + n, *sep;

	if (!multi) {		/* one value (trimmed already): itself */
		if (i)
			return 0;
		*p = s;
		*pn = n;
		return 1;
	}
	for (;;) {
		sep = multi ? memmem(s, (size_t)(end - s), " ::: ", 5) : NULL;
		if (i == 0) {
			*p = s;
			*pn = (size_t)((sep ? sep : end) - s);
			trim(p, pn);
			return 1;
		}
		if (!sep)
			return 0;
		s = sep + 5;
		i--;
	}
}

/* RFC 6350 3.4 / RFC 2426 4: backslash, comma, semicolon, newline. */
static const unsigned char special[256] = {
	['\\'] = 1, [','] = 1, [';'] = 1, ['\n'] = 1, ['\r'] = 1,
};

/* A byte of w is zero (a false alarm is possible only above a true one). */
#define ONES 0x0101010101010101ULL
#define HASZERO(w) (((w) - ONES) & ~(w) & 0x8080808080808080ULL)

static void
esc(struct strbuf *b, const char *s, size_t n)
{
	const unsigned char *p, *e;
	char *o;

	/* an empty part (an unset name part, its buffer never allocated,
	 * s NULL) adds nothing: NULL + 0 is undefined behaviour */
	if (!n)
		return;
	p = (const unsigned char *)s;
	e = p + n;
	/* one pass, written in place: at worst every byte doubles */
	if (b->len + 2 * n + 1 > b->cap)
		sb_grow(b, 2 * n);
	o = b->s + b->len;
	while (p < e) {
		unsigned char c;

		if (e - p >= 8) {	/* eight plain bytes at a time */
			uint64_t w;

			memcpy(&w, p, 8);
			if (!(HASZERO(w ^ (ONES * '\\')) | HASZERO(w ^ (ONES * ',')) |
			    HASZERO(w ^ (ONES * ';')) | HASZERO(w ^ (ONES * '\n')) |
			    HASZERO(w ^ (ONES * '\r')))) {
				memcpy(o, p, 8);
				o += 8;
				p += 8;
				continue;
			}
		}
		c = *p++;
		if (!special[c]) {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		if (c == '\r') {
			if (p < e && *p == '\n')
				p++;	/* CRLF is one line break */
			c = 'n';
		} else if (c == '\n')
			c = 'n';
		*o++ = (char)c;
	}
	*o = '\0';
	b->len = (size_t)(o - b->s);
}

/* ";TYPE=..." (and ";PREF=1" in 4.0): types in the version's spelling. */
static void
params(struct strbuf *b, const char *first, const char *type, int pref, int v4)
{
	const char *parts[3] = { first, type, pref && !v4 ? "PREF" : NULL };
	int i, any = 0;
	const char *p;

	for (i = 0; i < 3; i++) {
		if (!parts[i] || !*parts[i])
			continue;
		if (any)
			sb_addc(b, ',');
		else
			ADDLIT(b, ";TYPE=");
		any = 1;
		if (!v4)	/* the tables' own spelling */
			sb_adds(b, parts[i]);
		else
			for (p = parts[i]; *p; p++)
				sb_addc(b, (char)tolower((unsigned char)*p));
	}
	if (pref && v4)
		ADDLIT(b, ";PREF=1");
}

/* ---- gathering ------------------------------------------------------ */

static void
extra(const char *label, const char *s, size_t n)
{
	if (acc.extras.len)
		sb_addc(&acc.extras, '\n');
	sb_adds(&acc.extras, label);
	sb_add(&acc.extras, ": ", 2);
	sb_add(&acc.extras, s, n);
}

/* user@host.tld: something, one @, a dot after it, no blank. */
static int
looks_like_email(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n), *end = s + n, *p;
	int dot = 0;

	if (!at || at == s)
		return 0;
	for (p = s; p < end; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == ',' || *p == ';' ||
		    (*p == '@' && p != at))
			return 0;
		else if (*p == '.' && p > at + 1 && p < end - 1)
			dot = 1;
	return dot;
}

/* A value of a column watched (its name unknown, see enum watch) goes to
 * NOTE: said once per file, when the column's name or this value looks
 * like what should have had its own property. */
static void
watched(const struct layout *lo, size_t k, const char *v, size_t vn, const char *fname)
{
	static const char *what[] = {
		[W_EMAIL] = "an e-mail address", [W_TEL] = "a phone number",
		[W_ADR] = "part of a postal address", [W_VALUES] = "an e-mail address",
	};
	unsigned char w = lo->watch[k];

	if (w == W_VALUES && !looks_like_email(v, vn))
		return;		/* perhaps a later value */
	warn_at(fname, 0, "column \"%s\" looks like %s but is not recognised: "
	    "its values go to NOTE", lo->col[k].header, what[w]);
	card_warnings++;
	lo->watch[k] = W_NONE;
}

static void
date_field(const struct layout *lo, const struct column *c, const char *s, size_t n,
    int *ymd, int *has, const char *fname, unsigned long line)
{
	int r = parse_date(s, lo->dates, &ymd[0], &ymd[1], &ymd[2]);

	if (r == 1)
		*has = 1;
	else if (r < 0) {
		warn_at(fname, line, "%s: \"%.*s\" is not a date; kept in NOTE",
		    c->header, (int)n, s);
		card_warnings++;
		extra(c->header, s, n);
	}
}

static void
gather_multi(const struct layout *lo, const struct column *c, const struct csvrow *row,
    const char *v, size_t vn, int v4)
{
	const char *type = c->type, *p;
	struct strbuf *b;
	int pref = c->pref, i;
	size_t pn;

	if (c->label >= 0 && (size_t)c->label < row->n && row->len[c->label]) {
		int lp;
		const char *lt = label_type(row->f[c->label], c->role, &lp);

		type = lt;
		pref |= lp;
	}
	for (i = 0; nth(v, vn, lo->multi, i, &p, &pn); i++) {
		if (!pn)
			continue;
		switch (c->role) {
		case R_EMAIL:
			b = &acc.emails;
			ADDLIT(b, "EMAIL");
			params(b, v4 ? NULL : "INTERNET", type, pref && i == 0, v4);
			if (!acc.first_is_email) {
				sb_reset(&acc.first);
				sb_add(&acc.first, p, pn);
				acc.first_is_email = 1;
			}
			break;
		case R_TEL:
			b = &acc.tels;
			ADDLIT(b, "TEL");
			params(b, NULL, type, pref && i == 0, v4);
			if (!acc.first.len)
				sb_add(&acc.first, p, pn);
			break;
		default:
			b = &acc.urls;
			ADDLIT(b, "URL");
			params(b, NULL, type, pref && i == 0, v4);
			break;
		}
		sb_addc(b, ':');
		esc(b, p, pn);
		sb_addc(b, '\n');
	}
}

static void
category(const char *p, size_t n)
{
	if (n >= 2 && p[0] == '*' && p[1] == ' ') {	/* Google's own labels */
		p += 2;
		n -= 2;
		if ((n == 10 && strncasecmp(p, "mycontacts", 10) == 0) ||
		    (n == 11 && strncasecmp(p, "my contacts", 11) == 0))
			return;
	}
	trim(&p, &n);
	if (!n)
		return;
	if (acc.cats.len)
		sb_addc(&acc.cats, ',');
	esc(&acc.cats, p, n);
}

static void
categories(const struct layout *lo, const char *v, size_t n)
{
	const char *p, *end = v + n;
	size_t pn;
	int i;

	if (lo->multi) {
		for (i = 0; nth(v, n, 1, i, &p, &pn); i++)
			category(p, pn);
		return;
	}
	/* Outlook separates with ";", others with "," */
	while (v < end) {
		for (p = v; p < end && *p != ';' && *p != ','; p++)
			;
		category(v, (size_t)(p - v));
		v = p + 1;
	}
}

/* ---- writing -------------------------------------------------------- */

/* Content lines are written straight into the card from ls on; the rare
 * one over 75 octets is moved aside and folded back. */
static void
line_end(struct strbuf *out, size_t ls)
{
	size_t n = out->len - ls;

	if (n <= FOLD_WIDTH) {
		ADDLIT(out, "\r\n");
		return;
	}
	sb_reset(&acc.line);
	sb_add(&acc.line, out->s + ls, n);
	out->len = ls;
	fold_line(out, acc.line.s, acc.line.len);
}

static void
prop(struct strbuf *out, const char *name, const struct strbuf *val)
{
	if (!val->len)
		return;
	size_t ls = out->len;

	sb_adds(out, name);
	sb_addc(out, ':');
	esc(out, val->s, val->len);
	line_end(out, ls);
}

/* Lines kept unfolded, one a '\n'. */
static void
put_lines(struct strbuf *out, const struct strbuf *lines)
{
	const char *s = lines->s, *end, *nl;

	if (!lines->len)	/* s may be NULL */
		return;
	end = s + lines->len;
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		fold_line(out, s, (size_t)(nl - s));
		s = nl + 1;
	}
}

static void
put_adr(struct strbuf *out, const struct layout *lo, const struct csvrow *row, int slot, int v4)
{
	static const int order[] = { A_POBOX, A_EXT, A_STREET, A_CITY, A_REGION, A_CODE, A_COUNTRY };
	struct strbuf *a = acc.adr[slot];
	const char *type = slot == SLOT_WORK ? "WORK" : slot == SLOT_HOME ? "HOME" : NULL;
	int pref = 0, i, j, structured = 0, any;
	const char *p;
	size_t pn;

	if (slot >= SLOT_NUMBERED && lo->slot_label[slot] >= 0 &&
	    (size_t)lo->slot_label[slot] < row->n)
		type = label_type(row->f[lo->slot_label[slot]], R_ADR, &pref);
	for (j = 0; j < 7; j++)
		structured |= a[order[j]].len > 0;
	/* Google writes several addresses of one label into one group, each
	 * part " ::: "-separated: the i-th of every part makes address i */
	for (i = 0;; i++) {
		size_t ls = out->len;

		any = 0;
		ADDLIT(out, "ADR");
		params(out, NULL, type, pref && i == 0, v4);
		sb_addc(out, ':');
		for (j = 0; j < 7; j++) {
			int part = order[j];

			if (j)
				sb_addc(out, ';');
			/* only a formatted address: it goes whole into the street */
			if (!structured && part == A_STREET)
				part = A_FORMATTED;
			if (nth(a[part].s ? a[part].s : "", a[part].len, lo->multi, i, &p, &pn)) {
				any |= i == 0 || pn > 0;
				esc(out, p, pn);
			}
		}
		if (!any) {
			out->len = ls;
			out->s[ls] = '\0';
			break;
		}
		line_end(out, ls);
		if (!lo->multi)
			break;
	}
}

/* The card's content hashed (hash128): 128 bits in the UUID layout. */
static void
put_uid(struct strbuf *out, size_t from)
{
	uint64_t h[2], h1, h2;

	hash128(out->s + from, out->len - from, h);
	h1 = h[0];
	h2 = h[1];
	{
		static const char hex[] = "0123456789abcdef";
		char u[4 + 36 + 2], *q = u;
		int b;

		memcpy(q, "UID:", 4);
		q += 4;
		for (b = 60; b >= 0; b -= 4) {
			*q++ = hex[(h1 >> b) & 15];
			if (b == 32 || b == 16)
				*q++ = '-';
		}
		*q++ = '-';
		for (b = 60; b >= 0; b -= 4) {
			*q++ = hex[(h2 >> b) & 15];
			if (b == 48)
				*q++ = '-';
		}
		*q++ = '\r';
		*q++ = '\n';
		sb_add(out, u, (size_t)(q - u));
	}
}

/* A name in a CJK script: its first character is in U+2E80..U+9FFF
 * (CJK ideographs, kana) or U+AC00..U+D7AF (Hangul). */
static int
is_cjk(const struct strbuf *b)
{
	const unsigned char *s = (const unsigned char *)b->s;

	if (b->len < 3)
		return 0;
	return (s[0] == 0xE2 && s[1] >= 0xBA) || (s[0] >= 0xE3 && s[0] <= 0xE9) ||
	    (s[0] >= 0xEA && s[0] <= 0xED && !(s[0] == 0xEA && s[1] < 0xB0) &&
	    !(s[0] == 0xED && s[1] > 0x9E));
}

/* One field's value (trimmed, not empty) into the card being gathered.
 * Returns 1 when it says the row is a contact group. */
static int
gather_field(const struct layout *lo, size_t k, const struct csvrow *row, const char *v,
    size_t vn, int v4, const char *fname)
{
	const struct column *c = &lo->col[k];

	switch (c->role) {
	case R_FN: join(&acc.fn, " ", v, vn); break;
	case R_GIVEN: join(&acc.n[N_GIVEN], " ", v, vn); break;
	case R_MIDDLE: join(&acc.n[N_MIDDLE], " ", v, vn); break;
	case R_FAMILY: join(&acc.n[N_FAMILY], " ", v, vn); break;
	case R_PREFIX: join(&acc.n[N_PREFIX], " ", v, vn); break;
	case R_SUFFIX: join(&acc.n[N_SUFFIX], " ", v, vn); break;
	case R_NICK: join(&acc.nick, ", ", v, vn); break;
	case R_ORG: join(&acc.org, ", ", v, vn); break;
	case R_DEPT: join(&acc.dept, ", ", v, vn); break;
	case R_TITLE: join(&acc.title, ", ", v, vn); break;
	case R_NOTE: join(&acc.note, "\n", v, vn); break;
	case R_EMAIL: case R_TEL: case R_URL:
		gather_multi(lo, c, row, v, vn, v4);
		break;
	case R_ADR:
		join(&acc.adr[c->slot][c->part], "\n", v, vn);
		acc.adr_used[c->slot] = 1;
		break;
	case R_CATEGORIES: categories(lo, v, vn); break;
	case R_BDAY:
		date_field(lo, c, v, vn, acc.bday, &acc.has_bday, fname, row->line);
		break;
	case R_ANNIV:
		date_field(lo, c, v, vn, acc.anniv, &acc.has_anniv, fname, row->line);
		break;
	case R_EVENT: {
		const char *lab = c->label >= 0 && (size_t)c->label < row->n ?
		    row->f[c->label] : "";

		if (strcasecmp(lab, "anniversary") == 0)
			date_field(lo, c, v, vn, acc.anniv, &acc.has_anniv, fname, row->line);
		else if (strcasecmp(lab, "birthday") == 0)
			date_field(lo, c, v, vn, acc.bday, &acc.has_bday, fname, row->line);
		else
			extra(*lab ? lab : c->header, v, vn);
		break;
	}
	case R_BYEAR: case R_BMONTH: case R_BDOM: {
		char *end;
		long x = strtol(v, &end, 10);

		if (end != v + vn || x < 0 || x > 9999)
			extra(c->header, v, vn);
		else
			acc.tb[c->role - R_BYEAR] = (int)x;
		break;
	}
	case R_EXTRA: {
		const char *lab = c->label >= 0 && (size_t)c->label < row->n &&
		    row->len[c->label] ? row->f[c->label] : c->header;

		if (lo->watch[k])
			watched(lo, k, v, vn, fname);
		extra(lab, v, vn);
		break;
	}
	case R_KIND:
		if (vn == 5 && strncasecmp(v, "group", 5) == 0)
			return 1;
		break;
	default:	/* R_IGNORE, R_LABEL, R_DLIST */
		break;
	}
	return 0;
}

/* The row's fields gathered into acc: CARD_OK, or what the row is
 * instead (CARD_SKIP with why, CARD_GROUP, CARD_EMPTY). */
static enum card_result
gather_row(const struct layout *lo, const struct csvrow *row, int v4, const char *fname,
    struct strbuf *why)
{
	size_t f, nonempty = 0;

	for (f = 0; f < row->nfull; f++) {
		size_t k = row->full[f];
		const char *v = row->f[k];
		size_t vn = row->len[k];

		trim(&v, &vn);
		if (!vn)
			continue;
		nonempty++;
		if (k >= lo->ncols) {
			sb_reset(why);
			sb_printf(why, "%zu fields where the header has %zu; row skipped",
			    row->n, lo->ncols);
			return CARD_SKIP;
		}
		if (gather_field(lo, k, row, v, vn, v4, fname))
			return CARD_GROUP;
	}
	if (!nonempty && !row->nskipped)
		return CARD_EMPTY;
	return CARD_OK;
}

/* Thunderbird's three birthday columns: BDAY when they make a date, else
 * kept in NOTE. */
static void
thunderbird_birthday(const char *fname, unsigned long line)
{
	if (acc.tb[1] || acc.tb[2]) {
		int ymd[3] = { acc.tb[0], acc.tb[1], acc.tb[2] };

		if (ymd[1] >= 1 && ymd[1] <= 12 && ymd[2] >= 1 && ymd[2] <= days_in_month(ymd[0], ymd[1])) {
			memcpy(acc.bday, ymd, sizeof ymd);
			acc.has_bday = 1;
		} else {
			warn_at(fname, line, "birthday %d-%d-%d is not a date; kept in NOTE",
			    ymd[0], ymd[1], ymd[2]);
			card_warnings++;
			sb_reset(&acc.piece);
			sb_printf(&acc.piece, "%d-%d-%d", ymd[0], ymd[1], ymd[2]);
			extra("Birthday", acc.piece.s, acc.piece.len);
		}
	} else if (acc.tb[0]) {
		sb_reset(&acc.piece);
		sb_printf(&acc.piece, "%d", acc.tb[0]);
		extra("Birth Year", acc.piece.s, acc.piece.len);
	}
}

/* FN: as written, else from the name's parts, else the nickname, the
 * organisation, the first e-mail address or phone number. 0 when there is
 * none of them. */
static int
make_fn(void)
{
	int i;

	if (!acc.fn.len) {
		static const int western[] = { N_PREFIX, N_GIVEN, N_MIDDLE, N_FAMILY, N_SUFFIX };
		static const int eastern[] = { N_PREFIX, N_FAMILY, N_GIVEN, N_MIDDLE, N_SUFFIX };
		/* Chinese, Japanese and Korean names: family name first, no space */
		int cjk = is_cjk(&acc.n[N_FAMILY]) && (!acc.n[N_GIVEN].len || is_cjk(&acc.n[N_GIVEN]));
		const int *parts = cjk ? eastern : western;

		for (i = 0; i < 5; i++)
			if (acc.n[parts[i]].len)
				join(&acc.fn, cjk ? "" : " ", acc.n[parts[i]].s, acc.n[parts[i]].len);
	}
	if (!acc.fn.len && acc.nick.len)
		sb_add(&acc.fn, acc.nick.s, acc.nick.len);
	if (!acc.fn.len && acc.org.len)
		sb_add(&acc.fn, acc.org.s, acc.org.len);
	if (!acc.fn.len && acc.first.len)
		sb_add(&acc.fn, acc.first.s, acc.first.len);
	return acc.fn.len != 0;
}

/* The card gathered in acc, written: its properties in a fixed order, then
 * its UID (the hash of what comes before it). */
static void
put_card(struct strbuf *out, const struct layout *lo, const struct csvrow *row, int v4)
{
	size_t start, ls;
	int i;

	sb_add(out, v4 ? "BEGIN:VCARD\r\nVERSION:4.0\r\n" : "BEGIN:VCARD\r\nVERSION:3.0\r\n", 26);
	start = out->len;
	ls = out->len;
	ADDLIT(out, "N:");
	for (i = 0; i < 5; i++) {
		if (i)
			sb_addc(out, ';');
		esc(out, acc.n[i].s, acc.n[i].len);
	}
	line_end(out, ls);
	prop(out, "FN", &acc.fn);
	prop(out, "NICKNAME", &acc.nick);
	if (acc.org.len || acc.dept.len) {
		ls = out->len;
		ADDLIT(out, "ORG:");
		esc(out, acc.org.s, acc.org.len);
		if (acc.dept.len) {
			sb_addc(out, ';');
			esc(out, acc.dept.s, acc.dept.len);
		}
		line_end(out, ls);
	}
	prop(out, "TITLE", &acc.title);
	put_lines(out, &acc.emails);
	put_lines(out, &acc.tels);
	for (i = 0; i < NSLOT; i++)
		if (acc.adr_used[i])
			put_adr(out, lo, row, i, v4);
	put_lines(out, &acc.urls);
	if (acc.has_bday) {
		ls = out->len;
		ADDLIT(out, "BDAY:");
		date_value(out, acc.bday, v4);
		line_end(out, ls);
	}
	if (acc.has_anniv) {
		ls = out->len;
		sb_adds(out, v4 ? "ANNIVERSARY:" : "X-ANNIVERSARY:");
		date_value(out, acc.anniv, v4);
		line_end(out, ls);
	}
	if (acc.cats.len) {
		ls = out->len;
		ADDLIT(out, "CATEGORIES:");
		sb_add(out, acc.cats.s, acc.cats.len);	/* escaped already */
		line_end(out, ls);
	}
	if (acc.extras.len)
		join(&acc.note, "\n", acc.extras.s, acc.extras.len);
	prop(out, "NOTE", &acc.note);
	put_uid(out, start);
	sb_add(out, "END:VCARD\r\n", 11);
}

enum card_result
card_build(struct strbuf *out, const struct layout *lo, const struct csvrow *row,
    const struct card_opts *o, const char *fname, struct strbuf *why)
{
	enum card_result r;

	reset();
	if ((r = gather_row(lo, row, o->version4, fname, why)) != CARD_OK)
		return r;
	thunderbird_birthday(fname, row->line);
	if (!make_fn()) {
		sb_reset(why);
		sb_adds(why, "no name, organisation, e-mail address or phone number; row skipped");
		return CARD_SKIP;
	}
	put_card(out, lo, row, o->version4);
	return CARD_OK;
}
