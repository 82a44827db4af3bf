/* reader: the input, read in large blocks, into unfolded content lines
 * (with the SIMD scan for octets that need cleaning), each line told apart
 * into name, parameters and value; and the run's diagnostics, which name
 * the input and the line. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "../../common/fold.h"
#include "ics-int.h"

int nerrors;
const char *fname;
struct progress prog;
struct reader rd;

/* ---- diagnostics ---------------------------------------------------------- */

void
progress_clear(void)
{
	if (prog.shown) {
		fprintf(stderr, "\r%70s\r", "");
		prog.shown = 0;
	}
}

static void
vreport(int what, unsigned long line, const char *fmt, va_list ap)
{
	if (ics_sink) {
		char msg[1024];

		if (ics_sink->diag) {
			vsnprintf(msg, sizeof msg, fmt, ap);
			ics_sink->diag(ics_sink->ctx, line, what, msg);
		}
		return;
	}
	progress_clear();
	vwarn_at(fname, line, fmt, ap);
}

void
report(unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ICS_NOTE, line, fmt, ap);
	va_end(ap);
}

void
report_fail(unsigned long line, const char *fmt, ...)
{
	va_list ap;

	nerrors++;
	va_start(ap, fmt);
	vreport(ICS_FAIL, line, fmt, ap);
	va_end(ap);
}

void
report_zone(unsigned long line, const char *fmt, ...)
{
	va_list ap;

	nerrors++;
	va_start(ap, fmt);
	vreport(ICS_ZONE, line, fmt, ap);
	va_end(ap);
}

void
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


/* ---- content lines ----------------------------------------------------- */

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
int
cline_parse(struct cline *c, const char *s, size_t n)
{
	if (!icsv_split(s, n, &c->namelen, &c->valoff))
		return 0;
	c->s = s;
	c->n = n;
	c->kind = name_kind(s, c->namelen);
	return 1;
}

int
cline_is(const struct cline *c, const char *name)
{
	return c->namelen == strlen(name) && strncasecmp(c->s, name, c->namelen) == 0;
}

const char *
cline_val(const struct cline *c, size_t *len)
{
	*len = c->n - c->valoff;
	return c->s + c->valoff;
}

/* The value of parameter pname (without its quotes), or NULL. */
const char *
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
const char *
begin_end(const struct cline *c, int *begin, size_t *len)
{
	if ((c->kind != K_BEGIN && c->kind != K_END) || c->valoff != c->namelen + 1)
		return NULL;
	*begin = c->kind == K_BEGIN;
	return cline_val(c, len);
}

/* A component name (l octets) into to (size octets), cut to fit. */
void
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

int
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

void
reader_close(void)
{
	if (rd.own)
		close(rd.fd);
}

/* More input after buf[end]; what is before pos and not kept is let go.
 * 0 at the end of the input. */
int
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

void
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
int
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


void
reader_free(void)
{
	sb_free(&rd.cur);
	free(rd.buf);
	rd.buf = NULL;
}
