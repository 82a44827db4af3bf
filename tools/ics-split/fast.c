/* fast: the quick way through a component that needs nothing done, read
 * straight from a reader's buffer and indexed as its octets stand; at the
 * first thing it is not sure of, the component goes the careful way. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/fold.h"
#include "../../common/out.h"
#include "ics-int.h"

/* ---- the quick way through a component --------------------------------- */

/* Most components of an export need nothing done: every line CRLF, at most
 * 75 octets, folded between characters, every property one the quick check
 * is sure of, a UID and a DTSTAMP. fast_scan() reads such a component
 * straight from a reader's buffer, line by line; fast_comp() then indexes
 * its octets as they stand. At the first thing it is not sure of, the
 * reader is put back after the BEGIN line and the component goes the
 * careful way (comp_line, comp_check, item_end), which gives the same
 * result for a component the quick way would take. */

/* Exports repeat many lines word for word (BEGIN:VALARM, CLASS:PUBLIC,
 * TRANSP:OPAQUE, SEQUENCE:0, X- flags): the quick check's verdict on a
 * line it was sure of is kept, by the line's octets, for the next time. */
#define LINE_CACHE 256
#define SEEN_MAX 80
struct seen {
	uint32_t len, h;
	struct icsv_line q;
	char s[SEEN_MAX];
};

static uint32_t
seen_hash(const char *s, size_t n)
{
	uint64_t a = 0, b = 0;

	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
	} else {
		memcpy(&a, s, n);
	}
	a = (a ^ (b * 0x9E3779B97F4A7C15ULL) ^ n) * 0xff51afd7ed558ccdULL;
	return (uint32_t)(a >> 32);
}

static struct fastres fc;

static const unsigned char alnum[256] = {
	['0'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['A'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['a'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

void
fastres_free(struct fastres *res)
{
	sb_free(&res->unf);
	sb_free(&res->tz);
	free(res->tzlen);
	free(res->tzline);
	free(res->seen);
}

/* The next physical line from r->pos: its length without CRLF, or -1 when
 * it is not CRLF-ended, over 75 octets, or holds a NUL or a lone CR, or at
 * the end of the input. */
static long
fast_line(struct reader *r)
{
	char *s, *lf;
	size_t n;

	while (!(lf = memchr(r->buf + r->pos, '\n', r->end - r->pos)))
		if (r->eof || !refill(r))
			return -1;
	s = r->buf + r->pos;
	n = (size_t)(lf - s);
	if (n == 0 || s[n - 1] != '\r' || n - 1 > FOLD_WIDTH)
		return -1;
	if (r->base + r->pos + n + 1 > r->plain) {
		plain_scan(r);
		if (r->base + r->pos + n + 1 > r->plain)
			return -1;
	}
	return (long)(n - 1);
}

int
is_item_n(const char *name, size_t l)
{
	return (l == 6 && memcmp(name, "VEVENT", 6) == 0) || (l == 5 && memcmp(name, "VTODO", 5) == 0) ||
	    (l == 8 && memcmp(name, "VJOURNAL", 8) == 0) || (l == 9 && memcmp(name, "VFREEBUSY", 9) == 0);
}

/* The continuation lines of the line at ls0 (ln octets), taken: 1 when
 * there were some (the line unfolded in res->unf), 0 when none, -1 when one
 * is not for the quick way. */
static inline int
fast_cont(struct reader *r, struct fastres *res, uint64_t ls0, size_t ln, unsigned long *lineno)
{
	int folded = 0;
	long n;

	while ((r->pos < r->end || (!r->eof && refill(r))) && r->buf[r->pos] == ' ') {
		if ((n = fast_line(r)) < 0 ||
		    (n > 1 && ((unsigned char)r->buf[r->pos + 1] & 0xC0) == 0x80))
			return -1;
		if (!folded) {
			sb_reset(&res->unf);
			sb_add(&res->unf, r->buf + (ls0 - r->base), ln);
			folded = 1;
		}
		sb_add(&res->unf, r->buf + r->pos + 1, (size_t)n - 1);
		if (r->base + r->pos == r->mark && !r->markhit) {
			r->markhit = 1;
			r->markrel = *lineno;
		}
		r->pos += (size_t)n + 2;
		++*lineno;
	}
	return folded;
}

/* icsv_check() of a line, its verdict kept for the next time when it was
 * sure of it (cache: a line that was not folded). */
static inline int
fast_check(struct fastres *res, const char *s, size_t ln, int cache, struct icsv_line *q)
{
	struct seen *e = NULL;
	uint32_t h = 0;
	int v;

	if (cache && ln <= SEEN_MAX) {
		if (!res->seen)
			res->seen = xcalloc(LINE_CACHE, sizeof *res->seen);
		h = seen_hash(s, ln);
		e = &res->seen[h & (LINE_CACHE - 1)];
	}
	if (e && e->len == ln && e->h == h && memcmp(e->s, s, ln) == 0) {
		*q = e->q;
		v = 1;
	} else if ((v = icsv_check(s, ln, q)) == 1 && e) {
		e->len = (uint32_t)ln;
		e->h = h;
		e->q = *q;
		memcpy(e->s, s, ln);
	}
	return v;
}

/* A TZID the component uses (tzn octets at tz), on its line at. */
static void
fast_tz(struct fastres *res, const char *tz, size_t tzn, unsigned long at)
{
	if (res->ntz == res->tzcap) {
		res->tzcap = res->tzcap ? res->tzcap * 2 : 16;
		res->tzlen = xrealloc(res->tzlen, res->tzcap * sizeof *res->tzlen);
		res->tzline = xrealloc(res->tzline, res->tzcap * sizeof *res->tzline);
	}
	sb_add(&res->tz, tz, tzn);
	res->tzlen[res->ntz] = tzn;
	res->tzline[res->ntz++] = at;
}

/* The component of kind (an item) whose BEGIN line starts at start and
 * ends at r->pos: 1 when it is read whole and needs nothing done, r->pos
 * then after its END line; else 0, r->pos where it was. r->anchor is set
 * to start meanwhile. */
int
fast_scan(struct reader *r, struct fastres *res, uint64_t start, const char *kind, size_t l)
{
	char stack[MAX_NEST][12];
	size_t slen[MAX_NEST];
	uint64_t back = r->base + r->pos;
	unsigned long lineno = 0;
	int depth = 1, have_uid = 0, have_stamp = 0;

	memcpy(res->kind, kind, l);
	res->kind[l] = '\0';
	memcpy(stack[0], kind, l);
	slen[0] = l;
	r->anchor = start;
	res->start = start;
	sb_reset(&res->tz);
	res->ntz = 0;
	for (;;) {
		long n = fast_line(r);
		uint64_t ls0;	/* input offset: a refill moves the buffer */
		size_t ln, vo, tzo = 0, tzn = 0;
		unsigned long at = lineno + 1;
		const char *s;
		struct cline c;
		struct icsv_line q;
		int folded;

		if (n < 1 || !alnum[(unsigned char)r->buf[r->pos]])
			goto back;	/* not a name: broken folding, say */
		ls0 = r->base + r->pos;
		ln = (size_t)n;
		if (ls0 == r->mark && !r->markhit) {
			r->markhit = 1;
			r->markrel = lineno;
		}
		r->pos += (size_t)n + 2;
		lineno++;
		if ((folded = fast_cont(r, res, ls0, ln, &lineno)) < 0)
			goto back;
		s = folded ? res->unf.s : r->buf + (ls0 - r->base);
		if (folded)
			ln = res->unf.len;
		switch (fast_check(res, s, ln, !folded, &q)) {
		case 1:
			vo = q.valoff;
			tzo = q.tz;
			tzn = q.tzlen;
			break;
		case 0:	/* an empty text value is carried without asking */
			c.s = s;
			c.n = ln;
			if (!icsv_split(s, ln, &c.namelen, &c.valoff))
				goto back;
			c.kind = K_OTHER;
			if (!empty_text(&c))
				goto back;
			continue;
		default:
			goto back;
		}
		if (q.kind == ICSV_BEGIN || q.kind == ICSV_END) {
			const char *v = s + vo;
			size_t vn = ln - vo;

			if (q.kind == ICSV_BEGIN) {
				if (depth >= MAX_NEST || vn > 11 || !icsv_known_component(v, vn) ||
				    !may_contain(stack[depth - 1], slen[depth - 1], v, vn))
					goto back;	/* the careful way says why */
				memcpy(stack[depth], v, vn);
				slen[depth++] = vn;
				continue;
			}
			if (vn != slen[depth - 1] || memcmp(v, stack[depth - 1], vn) != 0)
				goto back;
			if (--depth == 0)
				break;
			continue;
		}
		if (tzn)
			fast_tz(res, s + tzo, tzn, at);
		if (depth == 1) {
			if (q.kind == ICSV_UID && !have_uid) {
				uid_key(s + vo, ln - vo, res->key);
				have_uid = 1;
				if (r == &rd && cal.gtcap)	/* its slot, for comp_index */
					__builtin_prefetch(&cal.gtab[res->key[0] & (cal.gtcap - 1)]);
			} else if (q.kind == ICSV_DTSTAMP)
				have_stamp = 1;
		}
	}
	if (!have_uid || !have_stamp)
		goto back;
	res->end = r->base + r->pos;
	res->lines = lineno;
	r->anchor = NOKEEP;
	r->scan = r->pos;
	return 1;

back:
	r->pos = (size_t)(back - r->base);
	r->scan = r->pos;
	r->anchor = NOKEEP;
	if (r->markhit == 1)
		r->markhit = 0;
	return 0;
}

/* A component read the quick way, from the main reader or ahead by the
 * helper thread: into the index. first: its BEGIN line's number; base: the
 * number of the line before the ones fast_scan read. */
static void
fast_index(const struct fastres *res, unsigned long first, unsigned long base)
{
	uint64_t clen = res->end - res->start, coff;
	struct group *g;
	size_t i, o;

	if (rd.seekable)
		coff = res->start | FROM_INPUT;
	else {	/* from the buffer (anchored) into the spool */
		coff = cal.spool_len;
		out_write(spool, rd.buf + (res->start - rd.base), (size_t)clen);
		cal.spool_len += clen;
	}
	g = comp_index(res->key, res->kind, first, coff, clen);
	for (i = o = 0; i < res->ntz; o += res->tzlen[i++])
		group_add_zone(g, zone_get(res->tz.s + o, res->tzlen[i], base + res->tzline[i]));
	progress(0);
}

int
fast_comp(const struct lline *L, const char *name, size_t l)
{
	unsigned long entry = rd.lineno;

	if (!L->clean || ics_sink || !is_item_n(name, l) || (rd.peeked && rd.pk.dirty))
		return 0;
	rd.peeked = 0;
	if (!fast_scan(&rd, &fc, L->off, name, l)) {
		rd.lineno = entry;
		return 0;
	}
	fast_index(&fc, L->line, entry);
	rd.lineno = entry + fc.lines;
	if (rd.markhit == 1) {
		rd.markline = entry + rd.markrel;
		rd.markhit = 2;
	}
	return 1;
}

void
fast_free(void)
{
	fastres_free(&fc);
}
