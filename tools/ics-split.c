/* ics-split: calendar exports (iCalendar, RFC 5545) into pieces that
 * Carbonio's importer takes whole, with nothing lost.
 *
 * The VCALENDAR wrapper is read here; each inner component's unfolded lines
 * are checked by libical one component at a time, and the component is
 * written, from its input text refolded, into a spool file in the output
 * directory. Components that share a UID must land in one piece wherever
 * they stand, and a VTIMEZONE may come after the events that use it, so no
 * piece can be written before its calendar ends: the index (a 16-octet
 * digest per UID, 16 octets per component, the zones each UID uses) and the
 * VTIMEZONEs stay in memory, everything else is in the spool. At
 * END:VCALENDAR the UID groups are packed, in input order, into pieces under
 * the limits, and each piece is copied out of the spool into its own file,
 * written atomically. The output is the input's text, not libical's: its
 * silent limits (500 values, 100 parameters per property) lose nothing. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <libical/ical.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "../common/atomicfile.h"
#include "../common/diag.h"
#include "../common/fold.h"
#include "../common/hash.h"
#include "../common/out.h"
#include "../common/sha256.h"
#include "../common/strbuf.h"
#include "../common/strmap.h"
#include "ics-split/icsvalid.h"

#define DEF_COUNT 1000
#define DEF_SIZE 900000UL
#define OUR_PRODID "-//carbonio-mig//ics-split//EN"

static void
usage(void)
{
	fprintf(stderr, "usage: ics-split [-0] [-d dir] [-n count] [-p prefix] "
	    "[-s size] [file ...]\n");
	exit(2);
}

static struct {
	int nul;		/* -0 */
	const char *dir;	/* -d */
	unsigned long count;	/* -n */
	unsigned long size;	/* -s */
	const char *prefix;	/* -p */
} opt = { 0, ".", DEF_COUNT, DEF_SIZE, NULL };

static int nerrors;		/* something was not carried: exit 1 */
static int input_failed;	/* an input could not be read: exit 2 */
static const char *fname;	/* the input being read, for diagnostics */

/* Progress on a terminal only: under cron, stderr stays greppable. */
static struct {
	int on;
	unsigned long ncomp;
	time_t last;
	off_t size;
	int shown;
} prog;

static void
progress_clear(void)
{
	if (prog.shown) {
		fprintf(stderr, "\r%70s\r", "");
		prog.shown = 0;
	}
}

static void __attribute__((format(printf, 2, 3)))
report(unsigned long line, const char *fmt, ...)
{
	va_list ap;

	progress_clear();
	va_start(ap, fmt);
	vwarn_at(fname, line, fmt, ap);
	va_end(ap);
}

#define fail(...) (nerrors++, report(__VA_ARGS__))

/* ---- content lines ----------------------------------------------------- */

/* The names ics-split itself looks for, told apart once per line. */
enum kind { K_OTHER, K_BEGIN, K_END, K_UID, K_DTSTAMP, K_LASTMOD, K_CREATED, K_TZID };

/* One unfolded content line: NAME *(";" param) ":" value. */
struct cline {
	const char *s;
	size_t n, namelen, valoff;
	int kind;
};

/* s (n octets) is the upper-case name up, in any case. */
static int
is_named(const char *s, size_t n, const char *up)
{
	return ((unsigned char)s[0] & 0xDF) == (unsigned char)up[0] &&
	    (memcmp(s, up, n) == 0 || strncasecmp(s, up, n) == 0);
}

static int
name_kind(const char *s, size_t n)
{
	switch (n) {
	case 3:
		return is_named(s, 3, "UID") ? K_UID : is_named(s, 3, "END") ? K_END : K_OTHER;
	case 4:
		return is_named(s, 4, "TZID") ? K_TZID : K_OTHER;
	case 5:
		return is_named(s, 5, "BEGIN") ? K_BEGIN : K_OTHER;
	case 7:
		return is_named(s, 7, "DTSTAMP") ? K_DTSTAMP :
		    is_named(s, 7, "CREATED") ? K_CREATED : K_OTHER;
	case 13:
		return is_named(s, 13, "LAST-MODIFIED") ? K_LASTMOD : K_OTHER;
	}
	return K_OTHER;
}

/* Split s into name and value; 0 when it is not a content line. */
static int
cline_parse(struct cline *c, const char *s, size_t n)
{
	if (!icsv_split(s, n, &c->namelen, &c->valoff))
		return 0;
	c->s = s;
	c->n = n;
	c->kind = name_kind(s, c->namelen);
	return 1;
}

static int
cline_is(const struct cline *c, const char *name)
{
	return c->namelen == strlen(name) && strncasecmp(c->s, name, c->namelen) == 0;
}

static const char *
cline_val(const struct cline *c, size_t *len)
{
	*len = c->n - c->valoff;
	return c->s + c->valoff;
}

/* The value of parameter pname (without its quotes), or NULL. */
static const char *
cline_param(const struct cline *c, const char *pname, size_t *len)
{
	size_t i = c->namelen, pl = strlen(pname);

	while (i < c->valoff - 1 && c->s[i] == ';') {
		size_t name = ++i, v, e;
		int q = 0;

		while (i < c->valoff - 1 && c->s[i] != '=')
			i++;
		v = i + 1;
		for (e = v; e < c->valoff - 1; e++) {
			if (c->s[e] == '"')
				q = !q;
			else if (c->s[e] == ';' && !q)
				break;
		}
		if (i - name == pl && strncasecmp(c->s + name, pname, pl) == 0 && v <= e) {
			if (e - v >= 2 && c->s[v] == '"' && c->s[e - 1] == '"') {
				v++;
				e--;
			}
			*len = e - v;
			return c->s + v;
		}
		i = e;
	}
	return NULL;
}

/* "BEGIN:X" or "END:X": the component name, else NULL. */
static const char *
begin_end(const struct cline *c, int *begin, size_t *len)
{
	if ((c->kind != K_BEGIN && c->kind != K_END) || c->valoff != c->namelen + 1)
		return NULL;
	*begin = c->kind == K_BEGIN;
	return cline_val(c, len);
}

/* A component name (l octets) into to (size octets), cut to fit. */
static void
copy_name(char *to, size_t size, const char *name, size_t l)
{
	if (l > size - 1)
		l = size - 1;
	memcpy(to, name, l);
	to[l] = '\0';
}

/* ---- reading: physical lines to unfolded content lines ------------------ */

/* The input is read in large blocks. A physical line is looked at in the
 * block (cleaned in place of a BOM, NUL octets and lone CRs), a logical
 * line is handed on in the block when it is one physical line, else
 * unfolded into a buffer. Each logical line says where its octets are in
 * the input and whether they are already valid output as they stand
 * (CRLF, at most 75 octets a line, folds between UTF-8 characters,
 * nothing cleaned): a component made only of such lines is copied as it
 * is, from the input file itself when it can be read again. */

struct pline {			/* a physical line, cleaned */
	uint64_t off;		/* input offset of its first octet */
	size_t raw;		/* its octets up to and with the LF */
	size_t skip, n;		/* its text: skip octets in (a BOM), n long */
	unsigned long lineno;
	int crlf, dirty;	/* ended in CRLF; a BOM, NUL or CR removed */
};

struct lline {			/* a logical line, unfolded */
	const char *s;		/* not NUL-terminated; lives until the next one */
	size_t n;
	unsigned long line;	/* its first physical line */
	uint64_t off, end;	/* its octets in the input, continuations included */
	int clean;		/* valid output as it stands */
};

#define NOKEEP UINT64_MAX

struct reader {
	int fd, own, seekable;
	const char *name;
	char *buf;
	size_t cap, pos, end, scan;	/* unread: buf[pos, end); no LF in [pos, scan) */
	uint64_t base;			/* input offset of buf[0] */
	uint64_t anchor, line;		/* what a refill keeps: the component, the line */
	uint64_t plain;			/* from rd.pos up to here: no NUL, no lone CR */
	unsigned long lineno;		/* physical lines taken */
	int eof, said_lf, said_fold, said_nul, peeked;
	int pread;			/* read with pread at base + end */
	uint64_t mark;			/* a line start whose number is wanted, */
	unsigned long markline;		/* and the number of the line before it, */
	int markhit;			/* 2 once known (1: fast_scan saw it) */
	unsigned long markrel;
	struct pline pk;
	struct strbuf cur;
};

static struct reader rd;

static int
reader_open(const char *path)
{
	struct stat st;

	rd.own = path && strcmp(path, "-") != 0;
	rd.name = rd.own ? path : "<stdin>";
	rd.fd = rd.own ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (rd.fd < 0)
		return -1;
	if (fstat(rd.fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(rd.fd);
		errno = EISDIR;
		return -1;
	}
	/* read again at the end when it is a file that stays put */
	rd.seekable = fstat(rd.fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    lseek(rd.fd, 0, SEEK_CUR) == 0;
	if (!rd.buf) {
		rd.cap = 1 << 20;
		rd.buf = xmalloc(rd.cap);
	}
	rd.pos = rd.end = rd.scan = 0;
	rd.base = 0;
	rd.anchor = rd.line = rd.mark = NOKEEP;
	rd.markhit = 0;
	rd.plain = 0;
	rd.lineno = 0;
	rd.eof = rd.said_lf = rd.said_fold = rd.said_nul = rd.peeked = 0;
	return 0;
}

static void
reader_close(void)
{
	if (rd.own)
		close(rd.fd);
}

/* More input after buf[end]; what is before pos and not kept is let go.
 * 0 at the end of the input. */
static int
refill(struct reader *r)
{
	uint64_t keep = r->base + r->pos;
	size_t from;
	ssize_t got;

	if (r->anchor < keep)
		keep = r->anchor;
	if (r->line < keep)
		keep = r->line;
	from = (size_t)(keep - r->base);
	if (from) {
		memmove(r->buf, r->buf + from, r->end - from);
		r->base += from;
		r->pos -= from;
		r->scan -= from;
		r->end -= from;
	}
	if (r->end == r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	do
		got = r->pread ? pread(r->fd, r->buf + r->end, r->cap - r->end, (off_t)(r->base + r->end)) :
		    read(r->fd, r->buf + r->end, r->cap - r->end);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		die("%s: read error:", r->name);
	if (got == 0)
		r->eof = 1;
	r->end += (size_t)got;
	return got > 0;
}

/* Set rd.plain: how far from rd.pos the buffer holds neither a NUL nor a
 * CR that is not followed by LF (a CR on the last octet buffered is not
 * known yet), so that most lines need no look of their own. */
#if defined(__x86_64__) && defined(__GNUC__)
/* 32 octets at a time where the processor can */
__attribute__((target("avx2"))) static size_t
plain_avx2(const char *s, size_t n)
{
	const __m256i z = _mm256_setzero_si256(), cr = _mm256_set1_epi8('\r'),
	    lf = _mm256_set1_epi8('\n');
	size_t i;

	for (i = 0; i + 33 <= n; i += 32) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
		__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 1));
		unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, z)) |
		    ((unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, cr)) &
		    ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, lf)));

		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
	return i;
}
#endif

static void
plain_scan(struct reader *r)
{
	const char *s = r->buf + r->pos;
	size_t n = r->end - r->pos, i = 0;

#if defined(__x86_64__) && defined(__GNUC__)
	if (__builtin_cpu_supports("avx2")) {
		i = plain_avx2(s, n);
		if (i + 33 <= n)
			goto found;	/* stopped on a NUL or a lone CR */
	}
#endif
#ifdef __SSE2__
	const __m128i z = _mm_setzero_si128(), cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');

	for (; i + 17 <= n; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, z)) |
		    ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, cr)) &
		    ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, lf)));

		if (m) {
			i += (size_t)__builtin_ctz(m);
			goto found;
		}
	}
#endif
	for (; i + 1 < n; i++)
		if (s[i] == '\0' || (s[i] == '\r' && s[i + 1] != '\n'))
			break;
found:
	r->plain = r->base + r->pos + i;
}

/* The next physical line, cleaned, not taken; 0 at the end of the input.
 * Its text is at rd.buf + (off - rd.base) + skip until the next refill. */
static int
phys_peek(struct pline *p)
{
	char *s, *lf;
	size_t n, k, i;

	if (rd.peeked) {
		*p = rd.pk;
		return 1;
	}
	if (rd.scan < rd.pos)
		rd.scan = rd.pos;
	while (!(lf = memchr(rd.buf + rd.scan, '\n', rd.end - rd.scan))) {
		rd.scan = rd.end;
		if (rd.eof || !refill(&rd)) {
			if (rd.pos == rd.end)
				return 0;
			break;
		}
	}
	s = rd.buf + rd.pos;
	if (rd.base + rd.pos + (lf ? (size_t)(lf - s) + 1 : rd.end - rd.pos) > rd.plain)
		plain_scan(&rd);
	memset(p, 0, sizeof *p);
	p->off = rd.base + rd.pos;
	p->lineno = rd.lineno + 1;
	if (lf) {
		n = (size_t)(lf - s);
		p->raw = n + 1;
	} else
		n = p->raw = rd.end - rd.pos;	/* the last line has no LF */
	if (p->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		report(1, "byte order mark skipped");
		p->skip = 3;
		p->dirty = 1;
		s += 3;
		n -= 3;
	}
	if (n && s[n - 1] == '\r') {
		n--;
		p->crlf = lf != NULL;
	} else if (lf && !rd.said_lf) {
		rd.said_lf = 1;
		report(p->lineno, "bare LF line ends; read as CRLF");
	}
	/* NUL ends a C string and a lone CR a line for other readers:
	 * neither belongs inside an iCalendar line */
	if (p->off + p->raw > rd.plain && (memchr(s, '\0', n) || memchr(s, '\r', n))) {
		for (i = k = 0; i < n; i++)
			if (s[i] && s[i] != '\r')
				s[k++] = s[i];
		n = k;
		p->dirty = 1;
		if (!rd.said_nul++)
			report(p->lineno, "NUL or lone CR bytes removed");
	}
	p->n = n;
	rd.pk = *p;
	rd.peeked = 1;
	return 1;
}

static void
phys_take(const struct pline *p)
{
	rd.pos = (size_t)(p->off + p->raw - rd.base);
	rd.lineno = p->lineno;
	rd.peeked = 0;
	if (p->off == rd.mark) {
		rd.markline = p->lineno - 1;
		rd.markhit = 2;
	}
}

static char *
phys_text(const struct pline *p)
{
	return rd.buf + (p->off - rd.base) + p->skip;
}

/* A line that starts without a name and a colon, after a property line,
 * is the rest of that property (folded without its leading space, or a
 * raw line break in a value); after BEGIN or END it cannot be. */
static int
continues(const char *prev, size_t pn, const char *s, size_t n)
{
	struct cline c;
	int b;
	size_t l, i = icsv_name_len(s, n);

	if (n == 0 || (i > 0 && i < n && (s[i] == ':' || s[i] == ';')))
		return 0;
	if (cline_parse(&c, prev, pn) && begin_end(&c, &b, &l))
		return 0;
	return 1;
}

/* The next logical line; 0 at the end of the input. */
static int
reader_next(struct lline *L)
{
	struct pline p, q;
	int single = 1;

	do {			/* blank lines carry nothing */
		if (!phys_peek(&p))
			return 0;
		phys_take(&p);
	} while (p.n == 0);
	L->line = p.lineno;
	L->off = p.off;
	L->clean = p.crlf && !p.dirty && p.n <= FOLD_WIDTH;
	rd.line = p.off;	/* kept in the buffer while its continuations come */
	for (;;) {
		const char *s;

		if (!phys_peek(&q))
			break;
		s = phys_text(&q);
		if (q.n && (s[0] == ' ' || s[0] == '\t')) {
			L->clean &= q.crlf && !q.dirty && q.n <= FOLD_WIDTH && s[0] == ' ' &&
			    !(q.n > 1 && ((unsigned char)s[1] & 0xC0) == 0x80);
			s++;
			q.n--;
		} else if (q.n == 0) {
			L->clean = 0;	/* a blank line inside: left out */
			phys_take(&q);
			continue;
		} else if (single ? continues(phys_text(&p), p.n, s, q.n) :
		    continues(rd.cur.s, rd.cur.len, s, q.n)) {
			if (!rd.said_fold++)
				report(q.lineno, "line without a property name; "
				    "read as the continuation of line %lu (broken folding)",
				    L->line);
			L->clean = 0;
		} else
			break;
		if (single) {
			sb_reset(&rd.cur);
			sb_add(&rd.cur, phys_text(&p), p.n);
			single = 0;
		}
		sb_add(&rd.cur, s, q.n);
		phys_take(&q);
	}
	rd.line = NOKEEP;
	L->end = rd.base + rd.pos;
	if (single) {
		L->s = phys_text(&p);
		L->n = p.n;
	} else {
		L->s = rd.cur.s;
		L->n = rd.cur.len;
	}
	return 1;
}

/* ---- the calendar being read ------------------------------------------- */

struct zone {
	char *tzid;
	size_t tzlen;
	struct strbuf text;	/* the VTIMEZONE, folded, CRLF; empty if none */
	unsigned long line;	/* where defined, or first used */
	size_t mark;		/* the piece it was last counted in, plus one */
	int defined;
};

struct group {			/* the components that share a UID */
	uint32_t first, last;	/* component indexes, chained by next */
	uint32_t ncomp;
	uint32_t zones;		/* first zref, plus one; 0: none */
	uint64_t bytes;
	unsigned long line;	/* of its first component */
	char kind[12];
};

struct gslot {
	uint64_t k0, k1;
	uint32_t group, used;
};

#define FROM_INPUT (1ULL << 63)	/* compref.off: in the input, not the spool */

struct compref {
	uint64_t off;
	uint32_t len;
	uint32_t next;		/* the group's next component, plus one */
};

struct zref {
	uint32_t zone, next;	/* next: plus one, 0 ends the list */
};

static struct {
	int open;
	unsigned long line;	/* of BEGIN:VCALENDAR */
	char *prodid, *calname;
	struct strbuf props;	/* calendar-level properties, folded */
	struct strmap zmap;	/* TZID -> zone index (aux) */
	uint32_t zcache[16];	/* recent look-ups: zone index + 1 */
	struct zone *zones;
	size_t nzones, zcap;
	struct gslot *gtab;	/* UID key -> group: open addressing on key[0] */
	size_t gtcap;
	struct group *groups;
	size_t ngroups, gcap;
	struct compref *comps;
	size_t ncomps, ccap;
	struct zref *zrefs;
	size_t nzrefs, zrcap;
	uint64_t spool_len;
} cal;

static FILE *spool;
static struct strmap names;	/* piece set names used in this run */
static icalparser *parser;

/* A component holds components nested at most this deep, itself counted:
 * RFC 5545's need 2 (VEVENT, VALARM); deeper ones are left out, reported
 * (their levels are still followed, to any depth, to find where the
 * component ends). */
#define MAX_NEST 16

struct level {			/* an open BEGIN */
	size_t name, len;	/* its name: in cc.names */
	unsigned long line;
};

/* The component being read: its unfolded lines, NUL-separated in text. */
static struct {
	struct strbuf text;
	size_t *off, *len;	/* where each line is, its length, */
	uint32_t *namelen, *valoff;	/* and its parse (struct cline) */
	unsigned char *kind;
	unsigned long *lineno;
	unsigned char *drop;
	size_t n, cap;
	char top[32];		/* the component's name (cut to fit), */
	unsigned long top_line;	/* and its BEGIN line */
	struct level *lv;	/* the open BEGINs, top first: any depth */
	size_t lvcap;
	struct strbuf names;	/* their names, NUL-terminated */
	struct strmap open;	/* past MAX_NEST: name -> its open levels (aux) */
	int counting;		/* open is kept */
	int depth, bad;
	struct strbuf why;	/* what was found wrong first (bad), */
	unsigned long why_line;	/* where */
	struct strbuf id;	/* "UID x" or "TZID x", to name it by */
	int ask;		/* a line the quick check is not sure of, or a
				 * component libical may not know: see comp_check */
	uint64_t raw_off, raw_end;	/* its octets in the input */
	int clean;		/* and they are valid output as they stand */
} cc;

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	while (*cap < need)
		*cap *= 2;
	return xrealloc(p, *cap * size);
}

static void
spool_open(void)
{
	int fd = open(opt.dir, O_TMPFILE | O_RDWR, 0600);

	if (fd < 0) {	/* a file system without O_TMPFILE */
		size_t n = strlen(opt.dir) + 32;
		char *t = xmalloc(n);

		snprintf(t, n, "%s/.ics-split.XXXXXX", opt.dir);
		if ((fd = mkstemp(t)) >= 0)
			unlink(t);
		free(t);
	}
	if (fd < 0 || !(spool = fdopen(fd, "w+")))
		die("%s: temporary file:", opt.dir);
	setvbuf(spool, NULL, _IOFBF, 1 << 20);
}

static void
cal_begin(unsigned long line)
{
	cal.open = 1;
	cal.line = line;
}

/* The zone named tzid, created (undefined) when new. */
static uint32_t
zone_get(const char *tzid, size_t n, unsigned long line)
{
	int isnew;
	struct strmap_ent *e;
	/* the zones of the last few look-ups: an export uses a handful of
	 * zones, over and over */
	unsigned h = n ? ((unsigned)n * 31u + (unsigned char)tzid[0] * 7u +
	    (unsigned char)tzid[n - 1]) & 15u : 0;
	uint32_t c = cal.zcache[h];

	if (c && cal.zones[c - 1].tzlen == n && memcmp(cal.zones[c - 1].tzid, tzid, n) == 0)
		return c - 1;
	e = strmap_put(&cal.zmap, tzid, n, &isnew);

	if (isnew) {
		struct zone *z;

		cal.zones = grow(cal.zones, &cal.zcap, cal.nzones + 1, sizeof *cal.zones);
		z = &cal.zones[cal.nzones];
		memset(z, 0, sizeof *z);
		z->tzid = xstrndup(tzid, n);
		z->tzlen = n;
		z->line = line;
		e->aux = cal.nzones++;
	}
	cal.zcache[h] = (uint32_t)e->aux + 1;
	return (uint32_t)e->aux;
}

static void
group_add_zone(struct group *g, uint32_t z)
{
	uint32_t r;

	for (r = g->zones; r; r = cal.zrefs[r - 1].next)
		if (cal.zrefs[r - 1].zone == z)
			return;
	cal.zrefs = grow(cal.zrefs, &cal.zrcap, cal.nzrefs + 1, sizeof *cal.zrefs);
	cal.zrefs[cal.nzrefs].zone = z;
	cal.zrefs[cal.nzrefs].next = g->zones;
	g->zones = (uint32_t)++cal.nzrefs;
}

/* Line i of the component, parsed once when it was read. */
static char *
comp_cl(size_t i, struct cline *c)
{
	c->s = cc.text.s + cc.off[i];
	c->n = cc.len[i];
	c->namelen = cc.namelen[i];
	c->valoff = cc.valoff[i];
	c->kind = cc.kind[i];
	return cc.text.s + cc.off[i];
}

/* ---- checking a component with libical ---------------------------------- */

/* Empty values are legal for text (RFC 5545 3.3.11) but an error to
 * Debian's libical: such lines are carried without asking it. */
static int
empty_text(const struct cline *c)
{
	static const char *text[] = { "SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT",
	    "CATEGORIES", "CONTACT", "RESOURCES", "RELATED-TO", "TZNAME", NULL };
	int i;

	if (c->valoff != c->n)
		return 0;
	if (c->namelen > 2 && strncasecmp(c->s, "X-", 2) == 0)
		return 1;
	for (i = 0; text[i]; i++)
		if (cline_is(c, text[i]))
			return 1;
	return 0;
}

/* What libical says about one property alone in a component named comp:
 * NULL when it parses, else its message (static); *param set when only a
 * parameter was refused (libical then keeps the property). */
static const char *
line_error(const char *comp, const char *s, size_t n, int *param)
{
	static char msg[300];
	static struct strbuf line;
	char b[48], e[48];
	icalparser *p = icalparser_new();
	icalcomponent *c;
	icalproperty *x;
	const char *r = NULL;

	sb_reset(&line);
	sb_add(&line, s, n);	/* NUL-terminated */
	snprintf(b, sizeof b, "BEGIN:%s", comp);
	snprintf(e, sizeof e, "END:%s", comp);
	icalparser_add_line(p, b);
	icalparser_add_line(p, line.s);
	c = icalparser_add_line(p, e);
	if (!c) {
		icalparser_free(p);
		snprintf(msg, sizeof msg, "not understood");
		*param = 0;
		return msg;
	}
	x = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	if (x) {
		icalparameter *t = icalproperty_get_first_parameter(x, ICAL_XLICERRORTYPE_PARAMETER);
		icalparameter_xlicerrortype ty = t ? icalparameter_get_xlicerrortype(t) : ICAL_XLICERRORTYPE_NONE;
		const char *m = icalproperty_get_xlicerror(x), *cut;
		int k;

		*param = ty == ICAL_XLICERRORTYPE_PARAMETERNAMEPARSEERROR ||
		    ty == ICAL_XLICERRORTYPE_PARAMETERVALUEPARSEERROR;
		m = m ? m : "error";
		cut = strstr(m, ". Removing entire property");
		k = cut ? (int)(cut - m) : (int)strlen(m);
		snprintf(msg, sizeof msg, "%.*s", k, m);
		r = msg;
	}
	icalcomponent_free(c);
	icalparser_free(p);
	return r;
}

/* Line i has a parameter libical refuses: leave out each parameter that it
 * refuses alone (as libical itself would), reported, and keep the rest of
 * the property. 0 when the property still does not parse without them. */
static int
strip_params(size_t i, const char *comp)
{
	struct strbuf t = { 0 }, keep = { 0 };
	struct cline cl;
	const char *s = comp_cl(i, &cl), *m;
	size_t p = cl.namelen, e, vo;
	int param, ok;

	sb_add(&keep, s, cl.namelen);
	while (p < cl.valoff - 1 && s[p] == ';') {
		int q = 0;

		for (e = p + 1; e < cl.valoff - 1; e++) {
			if (s[e] == '"')
				q = !q;
			else if (s[e] == ';' && !q)
				break;
		}
		sb_reset(&t);
		sb_add(&t, s, cl.namelen);
		sb_add(&t, s + p, e - p);
		sb_add(&t, s + cl.valoff - 1, cl.n - cl.valoff + 1);
		if ((m = line_error(comp, t.s, t.len, &param)))
			fail(cc.lineno[i], "%.*s: %s; parameter %.*s left out", (int)cl.namelen,
			    s, m, (int)(e - p - 1), s + p + 1);
		else
			sb_add(&keep, s + p, e - p);
		p = e;
	}
	vo = keep.len + 1;
	sb_add(&keep, s + cl.valoff - 1, cl.n - cl.valoff + 1);
	ok = !line_error(comp, keep.s, keep.len, &param);
	if (ok) {	/* the line is replaced by its repaired copy */
		size_t off = cc.text.len;

		sb_add(&cc.text, keep.s, keep.len);
		sb_addc(&cc.text, '\0');
		cc.off[i] = off;
		cc.len[i] = keep.len;
		cc.valoff[i] = (uint32_t)vo;
		cc.clean = 0;
	}
	sb_free(&t);
	sb_free(&keep);
	return ok;
}

/* Check the component: each line the quick check is not sure of is asked
 * of libical alone (in the component it stands in); a line it refuses is
 * reported and marked dropped, unless only a parameter was refused. A
 * component libical does not know by name is first given to it whole. */
static void
comp_check(void)
{
	icalcomponent *c = NULL;
	struct cline cl;
	size_t i, l;
	int depth = 0, b, known = 1;
	char stack[MAX_NEST][32];	/* a component that is not bad is no deeper */
	const char *name;

	if (!cc.ask)
		return;	/* sure of every line */
	for (i = 0; i < cc.n && known; i++) {
		comp_cl(i, &cl);
		if ((name = begin_end(&cl, &b, &l)) && b && !icsv_known_component(name, l))
			known = 0;
	}
	if (!known) {
		for (i = 0; i < cc.n; i++) {
			char *s = comp_cl(i, &cl);

			if (empty_text(&cl))
				continue;
			c = icalparser_add_line(parser, s);
			if (c && i + 1 < cc.n) {	/* cannot happen: nesting is checked */
				icalcomponent_free(c);
				c = NULL;
			}
		}
		if (!c) {
			/* the parser is left mid-component: start a fresh one */
			icalparser_free(parser);
			parser = icalparser_new();
			fail(cc.top_line, "%s: libical cannot parse this component; left out",
			    cc.top);
			cc.bad = 1;
			return;
		}
		i = (size_t)icalcomponent_count_errors(c);
		icalcomponent_free(c);
		if (i == 0)
			return;
	}
	/* find the lines at fault, one by one, in their own component */
	for (i = 0; i < cc.n; i++) {
		char *s = comp_cl(i, &cl);
		const char *m;
		int param;

		if ((name = begin_end(&cl, &b, &l))) {
			if (b && depth < MAX_NEST)
				copy_name(stack[depth], sizeof stack[depth], name, l);
			depth += b ? 1 : -1;
			continue;
		}
		if (empty_text(&cl) || depth < 1 || icsv_sure(s, cl.n))
			continue;
		if ((m = line_error(stack[depth - 1], s, cl.n, &param))) {
			if (param && strip_params(i, stack[depth - 1]))
				continue;
			fail(cc.lineno[i], "%.*s: %s; property left out", (int)cl.namelen, s, m);
			cc.drop[i] = 1;
			cc.clean = 0;
		}
	}
}

/* ---- components ---------------------------------------------------------- */

static void
comp_reset(void)
{
	sb_reset(&cc.text);
	cc.n = 0;
	cc.depth = 0;
	sb_reset(&cc.names);
	if (cc.counting) {
		strmap_free(&cc.open);
		cc.counting = 0;
	}
	cc.bad = 0;
	sb_reset(&cc.why);
	sb_reset(&cc.id);
	cc.ask = 0;
	cc.clean = 1;
	rd.anchor = NOKEEP;
}

/* ---- the component's structure ------------------------------------------ */

/* RFC 5545's components, and which of them each may hold: VEVENT and
 * VTODO only VALARMs, VTIMEZONE only STANDARD and DAYLIGHT, the others
 * none. Other names (X- and IANA components) are not judged: anything may
 * stand in them, and they anywhere. */
enum { RC_OTHER, RC_ITEM, RC_ALARM, RC_ZONE, RC_RULE, RC_LEAF };

static int
rfc_comp(const char *name, size_t l)
{
	static const struct {
		const char *name;
		int c;
	} t[] = { { "VEVENT", RC_ITEM }, { "VTODO", RC_ITEM }, { "VJOURNAL", RC_LEAF },
	    { "VFREEBUSY", RC_LEAF }, { "VTIMEZONE", RC_ZONE }, { "VALARM", RC_ALARM },
	    { "STANDARD", RC_RULE }, { "DAYLIGHT", RC_RULE } };
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strlen(t[i].name) == l && strncasecmp(t[i].name, name, l) == 0)
			return t[i].c;
	return RC_OTHER;
}

/* 0 when a component named child cannot stand in one named parent. */
static int
may_contain(const char *parent, size_t pl, const char *child, size_t cl)
{
	int p = rfc_comp(parent, pl), c = rfc_comp(child, cl);

	if (p == RC_OTHER || c == RC_OTHER)
		return 1;
	return (p == RC_ITEM && c == RC_ALARM) || (p == RC_ZONE && c == RC_RULE);
}

static const char *
lv_name(int i)
{
	return cc.names.s + cc.lv[i].name;
}

/* The count of open levels named name (any case), in cc.open. */
static struct strmap_ent *
lv_count(const char *name, size_t l, int create)
{
	static struct strbuf up;
	size_t i;
	int isnew;

	sb_reset(&up);
	sb_add(&up, name, l);
	for (i = 0; i < l; i++)
		up.s[i] = (char)toupper((unsigned char)up.s[i]);
	return create ? strmap_put(&cc.open, up.s, l, &isnew) : strmap_get(&cc.open, up.s, l);
}

static void
lv_push(const char *name, size_t l, unsigned long line)
{
	int i;

	if (cc.depth == MAX_NEST && !cc.counting) {
		/* so deep that an END's level is looked up, not searched for */
		cc.counting = 1;
		for (i = 0; i < cc.depth; i++)
			lv_count(lv_name(i), cc.lv[i].len, 1)->aux++;
	}
	cc.lv = grow(cc.lv, &cc.lvcap, (size_t)cc.depth + 1, sizeof *cc.lv);
	cc.lv[cc.depth].name = cc.names.len;
	cc.lv[cc.depth].len = l;
	cc.lv[cc.depth].line = line;
	sb_add(&cc.names, name, l);
	sb_addc(&cc.names, '\0');
	if (cc.counting)
		lv_count(name, l, 1)->aux++;
	cc.depth++;
}

/* The open level an END names, -1 when none. */
static int
lv_find(const char *name, size_t l)
{
	struct strmap_ent *e;
	int k;

	if (cc.counting && (!(e = lv_count(name, l, 0)) || !e->aux))
		return -1;
	for (k = cc.depth - 1; k >= 0; k--)
		if (cc.lv[k].len == l && strncasecmp(lv_name(k), name, l) == 0)
			return k;
	return -1;
}

/* Close the levels from k up. */
static void
lv_pop(int k)
{
	if (k >= cc.depth)
		return;
	if (cc.counting) {
		int i;

		for (i = k; i < cc.depth; i++)
			lv_count(lv_name(i), cc.lv[i].len, 1)->aux--;
	}
	cc.names.len = cc.lv[k].name;
	cc.names.s[cc.names.len] = '\0';
	cc.depth = k;
}

/* Something is wrong with the component: it will be left out, and the
 * first such thing said when it ends (comp_left_out). Its lines are no
 * longer kept. */
static void __attribute__((format(printf, 2, 3)))
comp_fault(unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (!cc.bad) {
		char buf[512];

		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		sb_reset(&cc.why);
		sb_adds(&cc.why, buf);
		cc.why_line = line;
	}
	cc.bad = 1;
	rd.anchor = NOKEEP;
}

/* The component, bad, ends: named by its line and UID (or TZID). */
static void
comp_left_out(void)
{
	struct strbuf id = { 0 };

	if (cc.id.len)
		sb_printf(&id, " (%.*s%s)", cc.id.len > 200 ? 200 : (int)cc.id.len, cc.id.s,
		    cc.id.len > 200 ? "..." : "");
	if (cc.why_line == cc.top_line)
		fail(cc.why_line, "%s; left out%s", cc.why.s, id.s ? id.s : "");
	else
		fail(cc.why_line, "%s; the %s of line %lu%s is left out", cc.why.s, cc.top,
		    cc.top_line, id.s ? id.s : "");
	sb_free(&id);
}

static void
comp_line(const struct cline *c, const struct lline *L)
{
	const char *s = c->s;
	size_t n = c->n;

	if (cc.n == cc.cap) {
		cc.cap = cc.cap ? cc.cap * 2 : 64;
		cc.off = xrealloc(cc.off, cc.cap * sizeof *cc.off);
		cc.len = xrealloc(cc.len, cc.cap * sizeof *cc.len);
		cc.namelen = xrealloc(cc.namelen, cc.cap * sizeof *cc.namelen);
		cc.valoff = xrealloc(cc.valoff, cc.cap * sizeof *cc.valoff);
		cc.lineno = xrealloc(cc.lineno, cc.cap * sizeof *cc.lineno);
		cc.drop = xrealloc(cc.drop, cc.cap);
		cc.kind = xrealloc(cc.kind, cc.cap);
	}
	cc.off[cc.n] = cc.text.len;
	cc.len[cc.n] = n;
	cc.namelen[cc.n] = (uint32_t)c->namelen;
	cc.valoff[cc.n] = (uint32_t)c->valoff;
	cc.lineno[cc.n] = L->line;
	cc.drop[cc.n] = 0;
	cc.kind[cc.n] = (unsigned char)c->kind;
	cc.n++;
	if (c->kind == K_BEGIN || c->kind == K_END) {
		size_t l;
		int b;
		const char *name = begin_end(c, &b, &l);

		if (!name || (b && !icsv_known_component(name, l)))
			cc.ask = 1;
	} else if (!empty_text(c) && !icsv_sure(s, n))
		cc.ask = 1;
	sb_add(&cc.text, s, n);
	sb_addc(&cc.text, '\0');
	cc.clean &= L->clean;
	cc.raw_end = L->end;
}

static int
is_utc_stamp(const char *v, size_t n)
{
	size_t i;

	if (n != 16 || v[8] != 'T' || v[15] != 'Z')
		return 0;
	for (i = 0; i < 15; i++)
		if (i != 8 && !isdigit((unsigned char)v[i]))
			return 0;
	return 1;
}

static void
vtimezone_end(void)
{
	struct strbuf t = { 0 };
	struct cline cl;
	const char *tzid = NULL;
	size_t i, n = 0;
	uint32_t z;

	for (i = 0; i < cc.n; i++) {
		char *s = comp_cl(i, &cl);

		if (cc.drop[i])
			continue;
		if (!tzid && cl.kind == K_TZID)
			tzid = cline_val(&cl, &n);
		fold_line(&t, s, cl.n);
	}
	if (!tzid || !n) {
		fail(cc.top_line, "VTIMEZONE without TZID; left out");
		sb_free(&t);
		return;
	}
	z = zone_get(tzid, n, cc.top_line);
	if (cal.zones[z].defined) {
		if (t.len != cal.zones[z].text.len || memcmp(t.s, cal.zones[z].text.s, t.len) != 0)
			report(cc.top_line, "a second VTIMEZONE for TZID %s; the one at "
			    "line %lu is kept", cal.zones[z].tzid, cal.zones[z].line);
		sb_free(&t);
		return;
	}
	sb_free(&cal.zones[z].text);
	cal.zones[z].text = t;
	cal.zones[z].line = cc.top_line;
	cal.zones[z].defined = 1;
}

static int
is_item(const char *name)
{
	return strcasecmp(name, "VEVENT") == 0 || strcasecmp(name, "VTODO") == 0 ||
	    strcasecmp(name, "VJOURNAL") == 0 || strcasecmp(name, "VFREEBUSY") == 0;
}

static struct strbuf item_buf, item_uid;	/* reused by item_end() */

/* The index key of a UID: 128 bits of its hash (hash128). Two UIDs that
 * collided would only share a piece: nothing is lost, so a digest cheaper
 * than SHA-256 will do. */
static void
uid_key(const char *s, size_t n, uint64_t key[2])
{
	hash128(s, n, key);
}

/* A component at [coff, coff + clen) (FROM_INPUT or the spool) into the
 * group of its UID key: its group. */
/* The slot of a UID key, taken when new (group then set by the caller).
 * The keys are hashes already: key[0] picks the slot. */
static struct gslot *
gslot_put(const uint64_t key[2], int *isnew)
{
	size_t i;

	if ((cal.ngroups + 1) * 4 >= cal.gtcap * 3) {
		size_t cap = cal.gtcap ? cal.gtcap * 2 : 1024, j;
		struct gslot *tab = xmalloc(cap * sizeof *tab);

		/* written, not calloc'd: a page of zeros first read then written
		 * costs a fault and, with two threads, a TLB flush on both */
		memset(tab, 0, cap * sizeof *tab);

		for (i = 0; i < cal.gtcap; i++)
			if (cal.gtab[i].used) {
				for (j = cal.gtab[i].k0 & (cap - 1); tab[j].used; j = (j + 1) & (cap - 1))
					;
				tab[j] = cal.gtab[i];
			}
		free(cal.gtab);
		cal.gtab = tab;
		cal.gtcap = cap;
	}
	for (i = key[0] & (cal.gtcap - 1);; i = (i + 1) & (cal.gtcap - 1)) {
		struct gslot *s = &cal.gtab[i];

		if (!s->used) {
			s->used = 1;
			s->k0 = key[0];
			s->k1 = key[1];
			*isnew = 1;
			return s;
		}
		if (s->k0 == key[0] && s->k1 == key[1]) {
			*isnew = 0;
			return s;
		}
	}
}

static struct group *
comp_index(const uint64_t key[2], const char *kind, unsigned long line, uint64_t coff,
    uint64_t clen)
{
	struct gslot *e;
	struct group *g;
	uint32_t ci;
	int isnew;

	e = gslot_put(key, &isnew);
	if (isnew) {
		cal.groups = grow(cal.groups, &cal.gcap, cal.ngroups + 1, sizeof *cal.groups);
		g = &cal.groups[cal.ngroups];
		memset(g, 0, sizeof *g);
		g->line = line;
		copy_name(g->kind, sizeof g->kind, kind, strlen(kind));
		e->group = (uint32_t)cal.ngroups++;
	}
	g = &cal.groups[e->group];
	cal.comps = grow(cal.comps, &cal.ccap, cal.ncomps + 1, sizeof *cal.comps);
	ci = (uint32_t)cal.ncomps++;
	cal.comps[ci].off = coff;
	cal.comps[ci].len = (uint32_t)clen;
	cal.comps[ci].next = 0;
	if (g->ncomp)
		cal.comps[g->last].next = ci + 1;
	else
		g->first = ci;
	g->last = ci;
	g->ncomp++;
	g->bytes += clen;
	return g;
}

/* An item (or any other component) complete: repaired, written to the
 * spool and indexed by UID. */
static void
item_end(void)
{
	struct strbuf o = item_buf, uidbuf = item_uid;
	const char *kind = cc.top;
	const char *uid = NULL, *lastmod = NULL, *created = NULL;
	size_t i, uidn = 0, lmn = 0, crn = 0;
	unsigned char d[32];
	char hex[65];
	struct cline cl;
	int depth = 0, has_stamp = 0, item = is_item(kind), b;
	struct group *g;
	uint64_t key[2], coff, clen;

	/* what the repairs need to know, at the component's own level */
	for (i = 0; i < cc.n; i++) {
		size_t l;

		comp_cl(i, &cl);
		if (begin_end(&cl, &b, &l)) {
			depth += b ? 1 : -1;
			continue;
		}
		if (depth != 1 || cc.drop[i])
			continue;
		if (!uid && cl.kind == K_UID) {
			uid = cline_val(&cl, &uidn);
			if (!uidn)
				uid = NULL;
		} else if (cl.kind == K_DTSTAMP)
			has_stamp = 1;
		else if (cl.kind == K_LASTMOD)
			lastmod = cline_val(&cl, &lmn);
		else if (cl.kind == K_CREATED)
			created = cline_val(&cl, &crn);
	}

	sb_reset(&o);
	if (cc.clean && (uid || !item) && (has_stamp || !item)) {
		/* nothing to repair: its own octets, as they stand in the input */
		clen = cc.raw_end - cc.raw_off;
		if (rd.seekable)
			coff = cc.raw_off | FROM_INPUT;
		else {
			coff = cal.spool_len;
			out_write(spool, rd.buf + (cc.raw_off - rd.base), clen);
			cal.spool_len += clen;
		}
		goto index;
	}
	fold_line(&o, cc.text.s, cc.len[0]);	/* BEGIN: */
	if (!uid && item) {
		/* the same content gives the same UID on every run, so that a
		 * re-import replaces instead of duplicating; DTSTAMP is left out
		 * of the digest as exports set it to the time of export */
		struct sha256 h;

		sha256_init(&h);
		for (i = 0; i < cc.n; i++) {
			char *s = comp_cl(i, &cl);

			if (cl.kind == K_DTSTAMP)
				continue;
			sha256_add(&h, s, cl.n + 1);
		}
		sha256_done(&h, d);
		hex_encode(hex, d, 16);
		sb_reset(&uidbuf);
		sb_printf(&uidbuf, "UID:ics-split-%s", hex);
		fold_line(&o, uidbuf.s, uidbuf.len);
		uid = uidbuf.s + 4;
		uidn = uidbuf.len - 4;
		report(cc.top_line, "%s without UID; given %s", kind, uidbuf.s);
	}
	if (!has_stamp && item) {
		/* the export's own times, so that a re-run writes the same piece */
		const char *v = lastmod && is_utc_stamp(lastmod, lmn) ? lastmod :
		    created && is_utc_stamp(created, crn) ? created : "19700101T000000Z";
		char line[32];

		snprintf(line, sizeof line, "DTSTAMP:%.16s", v);
		fold_line(&o, line, strlen(line));
		report(cc.top_line, "%s without DTSTAMP; added %s", kind, line);
	}
	for (i = 1; i < cc.n; i++) {
		if (!cc.drop[i])
			fold_line(&o, cc.text.s + cc.off[i], cc.len[i]);
	}
	coff = cal.spool_len;
	clen = o.len;
	out_write(spool, o.s, o.len);
	cal.spool_len += o.len;

index:

	/* index: components without a UID (other than items) stand alone */
	if (uid)
		uid_key(uid, uidn, key);
	else {
		key[0] = cal.ncomps;
		key[1] = 0x5eed;	/* no hash of a UID is both this and a count */
	}
	g = comp_index(key, kind, cc.top_line, coff, clen);

	/* the zones it uses, wherever they are defined */
	for (i = 0; i < cc.n; i++) {
		const char *tz;
		size_t tn;

		if (cc.drop[i] || cc.valoff[i] == cc.namelen[i] + 1)
			continue;	/* no parameters */
		comp_cl(i, &cl);
		if ((tz = cline_param(&cl, "TZID", &tn)) && tn)
			group_add_zone(g, zone_get(tz, tn, cc.lineno[i]));
	}
	item_buf = o;		/* kept for the next component */
	item_uid = uidbuf;
}

static void
progress(int done)
{
	time_t now;
	off_t at;

	if (!prog.on || (!done && (++prog.ncomp & 1023)))
		return;
	if (done) {
		progress_clear();
		return;
	}
	if ((now = time(NULL)) == prog.last)
		return;
	prog.last = now;
	at = (off_t)(rd.base + rd.pos);
	if (prog.size > 0 && at >= 0)
		fprintf(stderr, "\rics-split: %s: %lu components, %d%%  ", fname, prog.ncomp,
		    (int)(at * 100 / prog.size));
	else
		fprintf(stderr, "\rics-split: %s: %lu components  ", fname, prog.ncomp);
	prog.shown = 1;
}

static void
comp_end(void)
{
	progress(0);
	if (!cc.bad)
		comp_check();
	if (cc.bad)
		return;
	if (strcasecmp(cc.top, "VTIMEZONE") == 0)
		vtimezone_end();
	else
		item_end();
}

/* ---- the quick way through a component --------------------------------- */

/* Most components of an export need nothing done: every line CRLF, at most
 * 75 octets, folded between characters, every property one the quick check
 * is sure of, a UID and a DTSTAMP. fast_scan() reads such a component
 * straight from a reader's buffer, line by line; fast_comp() then indexes
 * its octets as they stand. At the first thing it is not sure of, the
 * reader is put back after the BEGIN line and the component goes the
 * careful way (comp_line, comp_check, item_end), which gives the same
 * result for a component the quick way would take. */
struct fastres {
	uint64_t start, end, key[2];	/* its octets; its UID key */
	unsigned long lines;		/* physical lines after BEGIN, END included */
	char kind[12];
	struct strbuf unf;		/* a folded line, unfolded */
	struct strbuf tz;		/* the TZIDs it uses, back to back, */
	size_t *tzlen;			/* their lengths */
	unsigned long *tzline;		/* and lines, counted from BEGIN's */
	size_t ntz, tzcap;
	struct seen *seen;		/* lines checked lately (LINE_CACHE) */
};

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

static void
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

static int
is_item_n(const char *name, size_t l)
{
	return (l == 6 && memcmp(name, "VEVENT", 6) == 0) || (l == 5 && memcmp(name, "VTODO", 5) == 0) ||
	    (l == 8 && memcmp(name, "VJOURNAL", 8) == 0) || (l == 9 && memcmp(name, "VFREEBUSY", 9) == 0);
}

/* The component of kind (an item) whose BEGIN line starts at start and
 * ends at r->pos: 1 when it is read whole and needs nothing done, r->pos
 * then after its END line; else 0, r->pos where it was. r->anchor is set
 * to start meanwhile. */
static int
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
		int folded = 0, rc;

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
		/* its continuation lines */
		while ((r->pos < r->end || (!r->eof && refill(r))) && r->buf[r->pos] == ' ') {
			if ((n = fast_line(r)) < 0 ||
			    (n > 1 && ((unsigned char)r->buf[r->pos + 1] & 0xC0) == 0x80))
				goto back;
			if (!folded) {
				sb_reset(&res->unf);
				sb_add(&res->unf, r->buf + (ls0 - r->base), ln);
				folded = 1;
			}
			sb_add(&res->unf, r->buf + r->pos + 1, (size_t)n - 1);
			if (r->base + r->pos == r->mark && !r->markhit) {
				r->markhit = 1;
				r->markrel = lineno;
			}
			r->pos += (size_t)n + 2;
			lineno++;
		}
		s = folded ? res->unf.s : r->buf + (ls0 - r->base);
		if (folded)
			ln = res->unf.len;
		{
			struct seen *e = NULL;
			uint32_t h = 0;
			int v;

			if (!folded && ln <= SEEN_MAX) {
				if (!res->seen)
					res->seen = xcalloc(LINE_CACHE, sizeof *res->seen);
				h = seen_hash(s, ln);
				e = &res->seen[h & (LINE_CACHE - 1)];
			}
			if (e && e->len == ln && e->h == h && memcmp(e->s, s, ln) == 0) {
				q = e->q;
				v = 1;
			} else if ((v = icsv_check(s, ln, &q)) == 1 && e) {
				e->len = (uint32_t)ln;
				e->h = h;
				e->q = q;
				memcpy(e->s, s, ln);
			}
			rc = v;
		}
		switch (rc) {
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
		if (tzn) {
			if (res->ntz == res->tzcap) {
				res->tzcap = res->tzcap ? res->tzcap * 2 : 16;
				res->tzlen = xrealloc(res->tzlen, res->tzcap * sizeof *res->tzlen);
				res->tzline = xrealloc(res->tzline, res->tzcap * sizeof *res->tzline);
			}
			sb_add(&res->tz, s + tzo, tzn);
			res->tzlen[res->ntz] = tzn;
			res->tzline[res->ntz++] = at;
		}
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

static int
fast_comp(const struct lline *L, const char *name, size_t l)
{
	unsigned long entry = rd.lineno;

	if (!L->clean || !is_item_n(name, l) || (rd.peeked && rd.pk.dirty))
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

/* ---- reading ahead: the second half of a large file, on a second thread -- */

/* When the input is a file of some size and there are two processors, a
 * helper thread reads its second half the quick way (fast_scan, on a reader
 * of its own) while the main thread reads the first half, and keeps what
 * it found: each component that needs nothing done, where it is and what
 * fast_index needs. The main thread, once there, takes each such component
 * where it finds its BEGIN line at the top of a calendar, and jumps over
 * it; everything else it reads itself, as always. Nothing the helper does
 * is seen in the output but through the main thread. */
#define AHEAD_MIN (16u << 20)	/* smaller files are read by one thread */

struct arec {
	uint64_t start, key[2];
	uint32_t len, first, lines;	/* BEGIN's line, counted from the start */
	uint32_t tz0, ntz;		/* its TZIDs: ahead.tzref[tz0, tz0 + ntz) */
	char kind[12];
};

struct atz {			/* one TZID use */
	uint32_t name;		/* in ahead.names, numbered by aux */
	uint32_t line;		/* counted from BEGIN's line */
};

static struct {
	int on, joined;
	pthread_t th;
	uint64_t from;			/* a line start in the second half */
	struct reader r;
	struct fastres res;
	struct arec *rec;
	size_t n, cap, next;
	struct atz *tzref;
	size_t ntz, tzcap;
	struct strmap names;		/* the TZIDs seen, numbered (aux) */
	const char **name;		/* by number */
	size_t *namelen, nnames, namecap;
} ahead;

static void *
ahead_run(void *arg)
{
	struct reader *r = &ahead.r;
	unsigned long lineno = 0;
	char *lf;

	(void)arg;
	for (;;) {
		uint64_t at;
		const char *s;
		size_t n;
		char *c;

		while (!(lf = memchr(r->buf + r->pos, '\n', r->end - r->pos)))
			if (r->eof || !refill(r))
				return NULL;
		s = r->buf + r->pos;
		n = (size_t)(lf - s);
		at = r->base + r->pos;
		r->pos += n + 1;
		lineno++;
		if (n < 7 || n > 15 || s[n - 1] != '\r' || memcmp(s, "BEGIN:", 6) != 0 ||
		    !is_item_n(s + 6, n - 7))
			continue;
		c = ahead.res.kind;
		memcpy(c, s + 6, n - 7);
		c[n - 7] = '\0';
		if (!fast_scan(r, &ahead.res, at, c, n - 7))
			continue;
		if (ahead.res.end - at > UINT32_MAX || lineno + ahead.res.lines > UINT32_MAX) {
			r->pos = (size_t)(ahead.res.end - r->base);	/* the main thread's then */
			lineno += ahead.res.lines;
			continue;
		}
		{
			struct arec *a;
			size_t i, o;

			ahead.rec = grow(ahead.rec, &ahead.cap, ahead.n + 1, sizeof *ahead.rec);
			a = &ahead.rec[ahead.n++];
			a->start = at;
			a->len = (uint32_t)(ahead.res.end - at);
			a->key[0] = ahead.res.key[0];
			a->key[1] = ahead.res.key[1];
			a->first = (uint32_t)lineno;
			a->lines = (uint32_t)ahead.res.lines;
			memcpy(a->kind, ahead.res.kind, sizeof a->kind);
			a->tz0 = (uint32_t)ahead.ntz;
			a->ntz = (uint32_t)ahead.res.ntz;
			for (i = o = 0; i < ahead.res.ntz; o += ahead.res.tzlen[i++]) {
				int isnew;
				struct strmap_ent *e = strmap_put(&ahead.names, ahead.res.tz.s + o,
				    ahead.res.tzlen[i], &isnew);

				if (isnew) {
					ahead.name = grow(ahead.name, &ahead.namecap, ahead.nnames + 1,
					    sizeof *ahead.name);
					ahead.namelen = xrealloc(ahead.namelen,
					    ahead.namecap * sizeof *ahead.namelen);
					ahead.name[ahead.nnames] = e->key;
					ahead.namelen[ahead.nnames] = ahead.res.tzlen[i];
					e->aux = ahead.nnames++;
				}
				ahead.tzref = grow(ahead.tzref, &ahead.tzcap, ahead.ntz + 1,
				    sizeof *ahead.tzref);
				ahead.tzref[ahead.ntz].name = (uint32_t)e->aux;
				ahead.tzref[ahead.ntz++].line = (uint32_t)ahead.res.tzline[i];
			}
			lineno += ahead.res.lines;
		}
	}
}

/* Start the helper on the second half of the input, if worth it. */
static void
ahead_start(void)
{
	struct stat st;
	char buf[4096];
	ssize_t got;
	char *lf;
	struct icsv_line q;

	memset(&ahead.r, 0, sizeof ahead.r);
	ahead.on = ahead.joined = 0;
	ahead.n = ahead.next = ahead.ntz = ahead.nnames = 0;
	strmap_free(&ahead.names);
	const char *env = getenv("ICS_SPLIT_AHEAD");	/* tests: the size from which */
	off_t min = env ? (off_t)strtoull(env, NULL, 10) : (off_t)AHEAD_MIN;

	if (!rd.seekable || fstat(rd.fd, &st) != 0 || (env && min == 0) || st.st_size < min ||
	    st.st_size < 2 || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	got = pread(rd.fd, buf, sizeof buf, st.st_size / 2);
	if (got <= 0 || !(lf = memchr(buf, '\n', (size_t)got)))
		return;
	ahead.from = (uint64_t)(st.st_size / 2) + (uint64_t)(lf - buf) + 1;
	icsv_check("X:y", 3, &q);	/* its tables built before two threads use it */
	ahead.r.fd = rd.fd;
	ahead.r.name = rd.name;
	ahead.r.pread = 1;
	ahead.r.base = ahead.from;
	ahead.r.cap = 1 << 20;
	ahead.r.buf = xmalloc(ahead.r.cap);
	ahead.r.anchor = ahead.r.line = ahead.r.mark = NOKEEP;
	rd.mark = ahead.from;
	rd.markhit = 0;
	if (pthread_create(&ahead.th, NULL, ahead_run, NULL) != 0) {
		free(ahead.r.buf);
		ahead.r.buf = NULL;
		return;
	}
	ahead.on = 1;
}

static void
ahead_stop(void)
{
	if (ahead.on && !ahead.joined)
		pthread_join(ahead.th, NULL);
	ahead.on = 0;
	free(ahead.r.buf);
	ahead.r.buf = NULL;
	rd.mark = NOKEEP;
}

/* The main reader moved on to off, line lineno taken last. */
static void
reader_skip(uint64_t off, unsigned long lineno)
{
	rd.peeked = 0;
	rd.anchor = NOKEEP;
	if (off <= rd.base + rd.end)
		rd.pos = (size_t)(off - rd.base);
	else {
		if (lseek(rd.fd, (off_t)off, SEEK_SET) < 0)
			die("%s:", rd.name);
		rd.base = off;
		rd.pos = rd.end = 0;
		rd.eof = 0;
	}
	rd.scan = rd.pos;
	rd.lineno = lineno;
}

/* The component whose BEGIN line L is, if the helper read it: indexed, and
 * the reader past it. */
static int
ahead_take(const struct lline *L)
{
	struct arec *a;

	if (!ahead.on || L->off < ahead.from || rd.markhit != 2)
		return 0;
	if (!ahead.joined) {
		pthread_join(ahead.th, NULL);
		ahead.joined = 1;
	}
	while (ahead.next < ahead.n && ahead.rec[ahead.next].start < L->off)
		ahead.next++;
	if (ahead.next == ahead.n || (a = &ahead.rec[ahead.next])->start != L->off ||
	    rd.markline + a->first != L->line || !L->clean || (rd.peeked && rd.pk.dirty))
		return 0;
	/* this one, and those that follow it without a line between: their
	 * BEGIN lines too were read by the helper, at the top of the
	 * calendar as this one is */
	{
		unsigned long line = L->line;
		uint64_t end;

		for (;;) {
			struct group *g = comp_index(a->key, a->kind, line, a->start | FROM_INPUT,
			    a->len);
			uint32_t i;

			for (i = a->tz0; i < a->tz0 + a->ntz; i++)
				group_add_zone(g, zone_get(ahead.name[ahead.tzref[i].name],
				    ahead.namelen[ahead.tzref[i].name], line + ahead.tzref[i].line));
			progress(0);
			end = a->start + a->len;
			line += a->lines;	/* END's line */
			if (++ahead.next == ahead.n || ahead.rec[ahead.next].start != end ||
			    rd.markline + ahead.rec[ahead.next].first != line + 1)
				break;
			a = &ahead.rec[ahead.next];
			line++;			/* the next BEGIN */
			if (ahead.next + 4 < ahead.n && cal.gtcap)
				__builtin_prefetch(&cal.gtab[ahead.rec[ahead.next + 4].key[0] &
				    (cal.gtcap - 1)]);
		}
		reader_skip(end, line);
	}
	return 1;
}

/* ---- built-in zones for a TZID without VTIMEZONE --------------------------- */

/* Windows names that Outlook and Exchange write as TZID, with the IANA zone
 * of the same rules (CLDR's windowsZones, territory 001). */
static const char *const winzones[][2] = {
	{ "W. Europe Standard Time", "Europe/Berlin" },
	{ "Central Europe Standard Time", "Europe/Budapest" },
	{ "Romance Standard Time", "Europe/Paris" },
	{ "Central European Standard Time", "Europe/Warsaw" },
	{ "GMT Standard Time", "Europe/London" },
	{ "Greenwich Standard Time", "Atlantic/Reykjavik" },
	{ "E. Europe Standard Time", "Europe/Chisinau" },
	{ "FLE Standard Time", "Europe/Kiev" },
	{ "GTB Standard Time", "Europe/Bucharest" },
	{ "Russian Standard Time", "Europe/Moscow" },
	{ "Turkey Standard Time", "Europe/Istanbul" },
	{ "Israel Standard Time", "Asia/Jerusalem" },
	{ "South Africa Standard Time", "Africa/Johannesburg" },
	{ "Arabian Standard Time", "Asia/Dubai" },
	{ "India Standard Time", "Asia/Calcutta" },
	{ "China Standard Time", "Asia/Shanghai" },
	{ "Tokyo Standard Time", "Asia/Tokyo" },
	{ "Korea Standard Time", "Asia/Seoul" },
	{ "Singapore Standard Time", "Asia/Singapore" },
	{ "AUS Eastern Standard Time", "Australia/Sydney" },
	{ "New Zealand Standard Time", "Pacific/Auckland" },
	{ "Eastern Standard Time", "America/New_York" },
	{ "Central Standard Time", "America/Chicago" },
	{ "Mountain Standard Time", "America/Denver" },
	{ "US Mountain Standard Time", "America/Phoenix" },
	{ "Pacific Standard Time", "America/Los_Angeles" },
	{ "Alaskan Standard Time", "America/Anchorage" },
	{ "Hawaiian Standard Time", "Pacific/Honolulu" },
	{ "Atlantic Standard Time", "America/Halifax" },
	{ "E. South America Standard Time", "America/Sao_Paulo" },
	{ "Argentina Standard Time", "America/Buenos_Aires" },
	{ "Mexico Standard Time", "America/Mexico_City" },
	{ "Central Standard Time (Mexico)", "America/Mexico_City" },
	{ "UTC", "UTC" },
	{ NULL, NULL }
};

static icaltimezone *
builtin_zone(const char *tzid, const char **loc)
{
	icaltimezone *z;
	const char *p;
	int i;

	for (i = 0; winzones[i][0]; i++)
		if (strcasecmp(tzid, winzones[i][0]) == 0) {
			tzid = winzones[i][1];
			break;
		}
	if (!strcasecmp(tzid, "UTC") || !strcasecmp(tzid, "GMT") || !strcasecmp(tzid, "Etc/UTC") ||
	    !strcasecmp(tzid, "Z")) {
		*loc = "UTC";
		return icaltimezone_get_utc_timezone();
	}
	/* an Olson name, bare or behind a vendor's prefix
	 * ("/mozilla.org/20050126_1/Europe/Berlin") */
	for (p = tzid; p; p = strchr(p + 1, '/')) {
		const char *q = *p == '/' ? p + 1 : p;

		if (*q && strchr(q, '/') && (z = icaltimezone_get_builtin_timezone(q))) {
			*loc = q;
			return z;
		}
	}
	return NULL;
}

/* The last onset of a zone observance; *open when its RRULE has no end. */
static struct icaltimetype
last_onset(icalcomponent *o, int *open)
{
	struct icaltimetype t = icalcomponent_get_dtstart(o);
	icalproperty *p;

	*open = 0;
	for (p = icalcomponent_get_first_property(o, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(o, ICAL_ANY_PROPERTY)) {
		struct icaltimetype u = icaltime_null_time();

		if (icalproperty_isa(p) == ICAL_RRULE_PROPERTY) {
			u = icalproperty_get_rrule(p).until;
			if (icaltime_is_null_time(u))
				*open = 1;
		} else if (icalproperty_isa(p) == ICAL_RDATE_PROPERTY)
			u = icalproperty_get_rdate(p).time;
		if (!icaltime_is_null_time(u) && icaltime_compare(u, t) > 0)
			t = u;
	}
	return t;
}

/* Drop a built-in zone's observances that ended before 1970 but the one in
 * force then: libical's zones carry a century of history (the first offset
 * in seconds, +005328) that only makes every piece longer and that some
 * importers refuse; events of a mail system's calendars are later. */
static void
trim_history(icalcomponent *vtz)
{
	struct icaltimetype y1970 = icaltime_from_string("19700101T000000"), best = icaltime_null_time();
	icalcomponent *o, *keep = NULL, *drop[1024];
	size_t n = 0, i;
	int open;

	for (o = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); o;
	    o = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		struct icaltimetype t = last_onset(o, &open);

		if (!open && icaltime_compare(t, y1970) < 0 &&
		    (!keep || icaltime_compare(t, best) > 0)) {
			keep = o;
			best = t;
		}
	}
	for (o = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); o && n < 1024;
	    o = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		struct icaltimetype t = last_onset(o, &open);

		if (!open && o != keep && icaltime_compare(t, y1970) < 0)
			drop[n++] = o;
	}
	for (i = 0; i < n; i++) {
		icalcomponent_remove_component(vtz, drop[i]);
		icalcomponent_free(drop[i]);
	}
}

/* A VTIMEZONE for each zone that is used but not defined in the input. */
static void
zones_resolve(void)
{
	size_t i;

	for (i = 0; i < cal.nzones; i++) {
		struct zone *z = &cal.zones[i];
		const char *loc = NULL;
		icaltimezone *bz;
		icalcomponent *c;
		char *s;

		if (z->defined)
			continue;
		if (!(bz = builtin_zone(z->tzid, &loc))) {
			fail(z->line, "TZID %s has no VTIMEZONE and matches no known zone; "
			    "Carbonio will read its times in the account's zone", z->tzid);
			continue;
		}
		c = icaltimezone_get_component(bz);
		if (c) {
			icalcomponent *k = icalcomponent_new_clone(c);
			icalproperty *p = icalcomponent_get_first_property(k, ICAL_TZID_PROPERTY);

			if (p)
				icalproperty_set_tzid(p, z->tzid);
			trim_history(k);
			s = icalcomponent_as_ical_string_r(k);
			sb_adds(&z->text, s);
			free(s);
			icalcomponent_free(k);
		} else {	/* libical's UTC has no component */
			struct strbuf t = { 0 };

			sb_printf(&t, "TZID:%s", z->tzid);
			sb_adds(&z->text, "BEGIN:VTIMEZONE\r\n");
			fold_line(&z->text, t.s, t.len);
			sb_free(&t);
			sb_adds(&z->text, "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
			    "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nTZNAME:UTC\r\n"
			    "END:STANDARD\r\nEND:VTIMEZONE\r\n");
		}
		z->defined = 1;
		report(z->line, "TZID %s has no VTIMEZONE; the built-in zone %s added",
		    z->tzid, loc);
	}
}

/* ---- writing pieces -------------------------------------------------------- */

/* A file name part from free text: letters, digits, UTF-8 and ._- kept,
 * anything else (spaces, slashes, quotes, control characters) one '_'. */
static void
slug(struct strbuf *b, const char *s, size_t n)
{
	size_t i, start = b->len;

	for (i = 0; i < n && b->len - start < 80; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' && i + 1 < n)	/* iCalendar text escapes */
			c = (unsigned char)s[++i];
		if (isalnum(c) || c == '-' || c == '.' || c == '@' || c == '+' || c >= 0x80)
			sb_addc(b, (char)c);
		else if (b->len > start && b->s[b->len - 1] != '_')
			sb_addc(b, '_');
	}
	if (i < n) {	/* cut at 80 octets: not inside a character */
		size_t k = b->len;
		unsigned char lead;

		while (k > start && ((unsigned char)b->s[k - 1] & 0xC0) == 0x80)
			k--;
		lead = k > start ? (unsigned char)b->s[k - 1] : 0;
		if (lead >= 0xC0 && b->len - (k - 1) < (lead >= 0xF0 ? 4u : lead >= 0xE0 ? 3u : 2u))
			b->len = k - 1;
	}
	while (b->len > start && b->s[b->len - 1] == '_')
		b->len--;
	while (b->len > start && (b->s[start] == '.' || b->s[start] == '-' || b->s[start] == '_')) {
		memmove(b->s + start, b->s + start + 1, b->len - start - 1);
		b->len--;
	}
	if (b->s)
		b->s[b->len] = '\0';
}

/* Octets [off, off + len) of the input or of the spool, appended to b. */
static void
read_range(struct strbuf *b, uint64_t off, uint64_t len)
{
	int from = off & FROM_INPUT ? rd.fd : fileno(spool);
	ssize_t r;

	off &= ~FROM_INPUT;
	sb_reserve(b, (size_t)len);
	while (len) {
		r = pread(from, b->s + b->len, (size_t)len, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("%s%s: read error:", from == rd.fd ? rd.name : opt.dir,
			    from == rd.fd ? "" : ": temporary file");
		if (r == 0)
			die("%s%s: shorter than when it was read (changed meanwhile?)",
			    from == rd.fd ? rd.name : opt.dir, from == rd.fd ? "" : ": temporary file");
		b->len += (size_t)r;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	b->s[b->len] = '\0';
}

static struct strbuf piece;	/* the piece being written */

/* The pieces of the calendar, written and closed (the disk writes them
 * meanwhile), committed together at its end: the first fsync then finds
 * the others' work done. Paths are printed once committed, the directory
 * fsync'd once. */
static struct atomicfile **done;
static size_t ndone, donecap;

static void
piece_flush(void)
{
	struct strbuf in = { 0 };
	size_t i;

	for (i = 0; i < ndone; i++) {
		char *path = xstrdup(done[i]->path);

		if (af_commit_nodirsync(done[i]) != 0)
			die("%s:", path);
		free(done[i]);
		out_puts(stdout, path);
		out_write(stdout, opt.nul ? "" : "\n", 1);
		/* out at once: a committed piece's path is never held in a
		 * buffer that a signal or a crash would lose */
		if (fflush(stdout) != 0)
			die("stdout: write error:");
		free(path);
	}
	if (ndone) {
		sb_printf(&in, "%s/.", opt.dir);
		af_sync_dir(in.s);
		sb_free(&in);
	}
	ndone = 0;
}

/* A piece planned: its groups [g0, g1) and its zones, pzones[z0, z0 + nz). */
struct piece {
	size_t g0, g1, z0, nz;
	unsigned no;
};

static struct {
	struct piece *p;
	size_t n, cap;
	uint32_t *zones;
	size_t nzones, zcap;
	const struct strbuf *hdr;
	const char *base;
} plan;

static void
piece_plan(unsigned no, size_t g0, size_t g1, size_t mark)
{
	struct piece *p;
	size_t z;

	plan.p = grow(plan.p, &plan.cap, plan.n + 1, sizeof *plan.p);
	p = &plan.p[plan.n++];
	p->g0 = g0;
	p->g1 = g1;
	p->no = no;
	p->z0 = plan.nzones;
	for (z = 0; z < cal.nzones; z++)
		if (cal.zones[z].mark == mark && cal.zones[z].text.len) {
			plan.zones = grow(plan.zones, &plan.zcap, plan.nzones + 1, sizeof *plan.zones);
			plan.zones[plan.nzones++] = (uint32_t)z;
		}
	p->nz = plan.nzones - p->z0;
}

/* Piece i of the plan, assembled in buf and written to its temporary file
 * (closed, not committed): done[i]. Safe to run in several threads, each
 * with its own buf. */
static void
piece_write(size_t i, struct strbuf *buf)
{
	const struct piece *p = &plan.p[i];
	struct atomicfile *af = xmalloc(sizeof *af);
	struct strbuf name = { 0 };
	uint64_t off = 0, len = 0;
	size_t g, z;

	/* the piece is assembled in memory (it is at most -s octets, or one
	 * UID group), then written at once */
	sb_reset(buf);
	sb_add(buf, plan.hdr->s, plan.hdr->len);
	for (z = p->z0; z < p->z0 + p->nz; z++)
		sb_add(buf, cal.zones[plan.zones[z]].text.s, cal.zones[plan.zones[z]].text.len);
	for (g = p->g0; g < p->g1; g++) {
		uint32_t c;

		for (c = cal.groups[g].first + 1; c; c = cal.comps[c - 1].next) {
			struct compref *r = &cal.comps[c - 1];

			if (len && r->off == off + len) {
				len += r->len;
				continue;
			}
			if (len)
				read_range(buf, off, len);
			off = r->off;
			len = r->len;
		}
	}
	if (len)
		read_range(buf, off, len);
	sb_adds(buf, "END:VCALENDAR\r\n");

	sb_printf(&name, "%s/%s-%03u.ics", opt.dir, plan.base, p->no);
	if (af_open(af, name.s) != 0)
		die("%s:", name.s);
	if (fwrite(buf->s, 1, buf->len, af->fp) != buf->len || af_close(af) != 0)
		die("%s: write error:", name.s);
	done[i] = af;
	sb_free(&name);
}

/* The second writer: every other piece. */
static void *
piece_thread(void *arg)
{
	struct strbuf buf = { 0 };
	size_t i;

	(void)arg;
	for (i = 1; i < plan.n; i += 2)
		piece_write(i, &buf);
	sb_free(&buf);
	return NULL;
}

/* Every piece planned, on two threads when there are two processors and
 * pieces enough (writing is mostly the kernel's copying and allocating),
 * then committed in order. */
static void
piece_write_all(const struct strbuf *hdr, const char *base)
{
	pthread_t th;
	int two = plan.n >= 4 && sysconf(_SC_NPROCESSORS_ONLN) > 1;
	size_t i;

	plan.hdr = hdr;
	plan.base = base;
	done = grow(done, &donecap, plan.n, sizeof *done);
	ndone = plan.n;
	if (two && pthread_create(&th, NULL, piece_thread, NULL) != 0)
		two = 0;
	for (i = 0; i < plan.n; i += two ? 2 : 1)
		piece_write(i, &piece);
	if (two)
		pthread_join(th, NULL);
	piece_flush();
	plan.n = plan.nzones = 0;
}

/* The name of this calendar's piece set: PREFIX[-CALNAME], made unique in
 * the run with -2, -3... */
static void
set_name(struct strbuf *b, const char *prefix)
{
	size_t base;
	int k, isnew;

	sb_adds(b, prefix);
	if (cal.calname && *cal.calname) {
		sb_addc(b, '-');
		base = b->len;
		slug(b, cal.calname, strlen(cal.calname));
		if (b->len == base)	/* nothing left of the name */
			b->s[--b->len] = '\0';
	}
	base = b->len;
	for (k = 2;; k++) {
		strmap_put(&names, b->s, b->len, &isnew);
		if (isnew)
			break;
		b->len = base;
		sb_printf(b, "-%d", k);
	}
}

static void
cal_end(const char *prefix)
{
	struct strbuf base = { 0 }, hdr = { 0 }, t = { 0 };
	size_t head, g, start = 0, count = 0, mark = 1, z;
	uint64_t bytes = 0;
	unsigned no = 0;

	progress_clear();
	zones_resolve();
	if (cal.ngroups) {
		set_name(&base, prefix);
		if (fflush(spool) != 0)
			die("%s: temporary file: write error:", opt.dir);
	}
	/* what every piece of the calendar begins with */
	sb_adds(&hdr, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
	sb_printf(&t, "PRODID:%s", cal.prodid ? cal.prodid : OUR_PRODID);
	fold_line(&hdr, t.s, t.len);
	sb_add(&hdr, cal.props.s ? cal.props.s : "", cal.props.len);
	head = hdr.len + strlen("END:VCALENDAR\r\n");
	/* groups in input order, as many to a piece as the limits allow */
	for (g = 0; g < cal.ngroups; g++) {
		struct group *gr = &cal.groups[g];
		uint64_t extra = 0;
		uint32_t r;

		for (r = gr->zones; r; r = cal.zrefs[r - 1].next) {
			z = cal.zrefs[r - 1].zone;
			if (cal.zones[z].mark != mark)
				extra += cal.zones[z].text.len;
		}
		if (count && (count + gr->ncomp > opt.count ||
		    head + bytes + extra + gr->bytes > opt.size)) {
			piece_plan(++no, start, g, mark);
			start = g;
			count = 0;
			bytes = 0;
			mark++;
			extra = 0;
			for (r = gr->zones; r; r = cal.zrefs[r - 1].next)
				extra += cal.zones[cal.zrefs[r - 1].zone].text.len;
		}
		for (r = gr->zones; r; r = cal.zrefs[r - 1].next)
			cal.zones[cal.zrefs[r - 1].zone].mark = mark;
		if (count == 0 && gr->ncomp > opt.count)
			report(gr->line, "%s and %u more components share one UID: kept "
			    "together in one piece, over the limit of %lu components",
			    gr->kind, gr->ncomp - 1, opt.count);
		else if (count == 0 && head + extra + gr->bytes > opt.size)
			report(gr->line, "%s and %u more components share one UID: kept "
			    "together in one piece of %llu octets, over the limit of %lu",
			    gr->kind, gr->ncomp - 1, (unsigned long long)(head + extra + gr->bytes),
			    opt.size);
		count += gr->ncomp;
		bytes += extra + gr->bytes;
	}
	if (count)
		piece_plan(++no, start, cal.ngroups, mark);
	piece_write_all(&hdr, base.s);

	/* forget the calendar; the spool is reused */
	for (z = 0; z < cal.nzones; z++) {
		free(cal.zones[z].tzid);
		sb_free(&cal.zones[z].text);
	}
	free(cal.zones);
	free(cal.groups);
	free(cal.comps);
	free(cal.zrefs);
	free(cal.prodid);
	free(cal.calname);
	sb_free(&cal.props);
	strmap_free(&cal.zmap);
	free(cal.gtab);
	memset(&cal, 0, sizeof cal);
	if (ftruncate(fileno(spool), 0) != 0 || fseeko(spool, 0, SEEK_SET) != 0)
		die("%s: temporary file:", opt.dir);
	sb_free(&base);
	sb_free(&hdr);
	sb_free(&t);
}

/* A property of the VCALENDAR itself. */
static void
cal_prop(const struct cline *c, unsigned long line)
{
	size_t n;
	const char *v = cline_val(c, &n);

	if (cline_is(c, "VERSION")) {
		if (n != 3 || memcmp(v, "2.0", 3) != 0)
			fail(line, "VERSION:%.*s is not iCalendar 2.0; pieces say 2.0 "
			    "but nothing was converted", (int)n, v);
		return;
	}
	if (cline_is(c, "PRODID")) {
		if (!cal.prodid && n)
			cal.prodid = xstrndup(v, n);
		return;
	}
	if (!empty_text(c)) {
		int param;
		const char *m = line_error("VCALENDAR", c->s, c->n, &param);

		if (m) {
			fail(line, "%.*s: %s; calendar property left out", (int)c->namelen, c->s, m);
			return;
		}
	}
	if (cline_is(c, "X-WR-CALNAME") && !cal.calname)
		cal.calname = xstrndup(v, n);
	fold_line(&cal.props, c->s, c->n);
}

/* A line inside a component (name: a BEGIN or END line's component, else
 * NULL): 1 when taken, 0 when it closed the component and is to be read
 * at the top of the calendar (a BEGIN the component cannot hold). */
static int
comp_take(const struct cline *c, const struct lline *L, const char *name, int b, size_t l,
    const char *prefix)
{
	unsigned long line = L->line;
	int k;

	if (name && l == 9 && strncasecmp(name, "VCALENDAR", 9) == 0) {
		comp_fault(cc.top_line, "BEGIN:%s has no END (truncated?)", cc.top);
		comp_left_out();
		comp_reset();
		cal_end(prefix);
		if (b)
			cal_begin(line);
		return 1;
	}
	if (!name) {
		if (cc.depth == 1 && !cc.id.len && (c->kind == K_UID || c->kind == K_TZID) &&
		    c->valoff < c->n) {
			sb_adds(&cc.id, c->kind == K_UID ? "UID " : "TZID ");
			sb_add(&cc.id, c->s + c->valoff, c->n - c->valoff);
		}
		if (!cc.bad)
			comp_line(c, L);
		return 1;
	}
	if (b) {
		/* the innermost open level that can hold it: those above it
		 * have no END */
		for (k = cc.depth - 1; k >= 0 && !may_contain(lv_name(k), cc.lv[k].len, name, l); k--)
			;
		if (k < cc.depth - 1) {
			comp_fault(cc.lv[cc.depth - 1].line, "BEGIN:%s has no END before "
			    "BEGIN:%.*s at line %lu", lv_name(cc.depth - 1), (int)l, name, line);
			if (k < 0) {	/* not even the component itself */
				comp_left_out();
				comp_reset();
				return 0;
			}
			lv_pop(k + 1);
		}
		if (cc.depth == MAX_NEST)
			comp_fault(line, "BEGIN:%.*s: components nested more than %d deep",
			    (int)l, name, MAX_NEST);
		if (!cc.bad)
			comp_line(c, L);
		lv_push(name, l, line);
		return 1;
	}
	if ((k = lv_find(name, l)) < 0) {
		comp_fault(line, "END:%.*s without its BEGIN", (int)l, name);
		return 1;
	}
	if (k != cc.depth - 1)
		comp_fault(cc.lv[cc.depth - 1].line, "BEGIN:%s has no END", lv_name(cc.depth - 1));
	if (!cc.bad)
		comp_line(c, L);
	lv_pop(k);
	if (cc.depth == 0) {
		if (cc.bad)
			comp_left_out();
		else
			comp_end();
		comp_reset();
	}
	return 1;
}

/* ---- the input's structure ------------------------------------------------- */

static void
read_input(const char *path)
{
	struct strbuf pfx = { 0 };
	const char *name;
	size_t l;
	unsigned long line;
	struct cline c;
	struct lline L;
	int b;

	if (reader_open(path) != 0) {
		warnmsg("%s:", path);
		input_failed = 1;
		return;
	}
	fname = rd.name;
	if (opt.prefix)
		sb_adds(&pfx, opt.prefix);
	else if (!path || strcmp(path, "-") == 0)
		sb_adds(&pfx, "calendar");
	else {
		const char *bn = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		const char *dot = strrchr(bn, '.');

		slug(&pfx, bn, dot && dot != bn ? (size_t)(dot - bn) : strlen(bn));
		if (!pfx.len)
			sb_adds(&pfx, "calendar");
	}
	{
		struct stat st;

		prog.on = isatty(2);
		prog.size = fstat(rd.fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
		prog.ncomp = 0;
	}
	ahead_start();
	while (reader_next(&L)) {
		line = L.line;
		if (!cline_parse(&c, L.s, L.n)) {
			fail(line, "not a content line; skipped");
			continue;
		}
		name = begin_end(&c, &b, &l);
		if (cc.depth && comp_take(&c, &L, name, b, l, pfx.s))
			continue;
		if (!cal.open) {
			if (name && b && l == 9 && strncasecmp(name, "VCALENDAR", 9) == 0) {
				cal_begin(line);
				continue;
			}
			if (!name || !b) {
				fail(line, "outside any VCALENDAR; skipped");
				continue;
			}
			report(line, "BEGIN:%.*s outside any VCALENDAR; read as one", (int)l, name);
			cal_begin(line);
		}
		if (name && l == 9 && strncasecmp(name, "VCALENDAR", 9) == 0) {
			if (b) {
				report(cal.line, "BEGIN:VCALENDAR has no END:VCALENDAR; "
				    "a new calendar begins at line %lu", line);
				cal_end(pfx.s);
				cal_begin(line);
			} else
				cal_end(pfx.s);
			continue;
		}
		if (name && b) {
			/* the line in the buffer, which fast_comp may move */
			size_t skip = L.s != rd.cur.s ? (size_t)(L.s - (rd.buf + (L.off - rd.base))) : 0;
			int inbuf = L.s != rd.cur.s;

			if (ahead_take(&L) || fast_comp(&L, name, l))
				continue;
			if (inbuf) {
				L.s = rd.buf + (L.off - rd.base) + skip;
				cline_parse(&c, L.s, L.n);
				name = begin_end(&c, &b, &l);
			}
			comp_reset();
			rd.anchor = L.off;	/* its octets stay in the buffer */
			cc.raw_off = L.off;
			comp_line(&c, &L);
			copy_name(cc.top, sizeof cc.top, name, l);
			cc.top_line = line;
			lv_push(name, l, line);
			continue;
		}
		if (name) {
			fail(line, "END:%.*s without its BEGIN; skipped", (int)l, name);
			continue;
		}
		cal_prop(&c, line);
	}
	progress(1);
	if (cc.depth) {
		comp_fault(cc.top_line, "BEGIN:%s has no END (truncated?)", cc.top);
		comp_left_out();
		comp_reset();
	}
	if (cal.open) {
		report(cal.line, "BEGIN:VCALENDAR has no END:VCALENDAR at the end of the input");
		cal_end(pfx.s);
	}
	ahead_stop();
	reader_close();
	sb_free(&pfx);
}

static unsigned long
number(const char *s, int sizes)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (sizes && (*end == 'k' || *end == 'K'))
		v *= 1000, end++;
	else if (sizes && (*end == 'm' || *end == 'M'))
		v *= 1000000, end++;
	if (errno || end == s || *end || v == 0 || *s == '-') {
		warnmsg("%s: not a positive number", s);
		usage();
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int c, i;

	diag_init(argv[0]);
	out_init();
	/* a fatal error or a signal removes the piece being written */
	af_cleanup_at_exit();
	while ((c = getopt(argc, argv, "0d:n:p:s:")) != -1) {
		switch (c) {
		case '0':
			opt.nul = 1;
			break;
		case 'd':
			opt.dir = optarg;
			break;
		case 'n':
			opt.count = number(optarg, 0);
			break;
		case 'p':
			opt.prefix = optarg;
			break;
		case 's':
			opt.size = number(optarg, 1);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	if (mkdir(opt.dir, 0777) != 0 && errno != EEXIST)
		die("%s:", opt.dir);
	if (stat(opt.dir, &st) != 0 || !S_ISDIR(st.st_mode))
		die("%s: not a directory", opt.dir);
	spool_open();
	parser = icalparser_new();
	if (argc == 0)
		read_input(NULL);
	for (i = 0; i < argc; i++)
		read_input(argv[i]);

	icalparser_free(parser);
	fclose(spool);
	strmap_free(&names);
	sb_free(&rd.cur);
	free(rd.buf);
	sb_free(&cc.text);
	sb_free(&item_buf);
	sb_free(&item_uid);
	free(cc.off);
	free(cc.len);
	free(cc.namelen);
	free(cc.valoff);
	free(cc.lineno);
	free(cc.drop);
	free(cc.kind);
	free(cc.lv);
	sb_free(&cc.names);
	sb_free(&cc.why);
	sb_free(&cc.id);
	fastres_free(&fc);
	fastres_free(&ahead.res);
	strmap_free(&ahead.names);
	free(ahead.rec);
	free(ahead.tzref);
	free(ahead.name);
	free(ahead.namelen);
	free(done);
	free(plan.p);
	free(plan.zones);
	sb_free(&piece);
	icaltimezone_free_builtin_timezones();
	out_close_stdout();
	return input_failed ? 2 : nerrors ? 1 : 0;
}
