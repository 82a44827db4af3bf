/* csvread: encoding and delimiter recognition, iconv, libcsv, and the
 * bookkeeping of physical line numbers.
 *
 * libcsv is fed one physical line at a time, so that when it reports the end
 * of a row we know which line we are on, and when a row begins we know the
 * line it begins on. Recognition looks at the first 64 KiB: a BOM decides;
 * else bytes that are not UTF-8 there mean windows-1252 (what Outlook writes
 * in western locales); else UTF-8. Because an export can be pure ASCII for
 * its first thousand rows and then carry one windows-1252 accent, a field
 * that is not valid UTF-8 in a file read as UTF-8 is converted from
 * windows-1252 on its own. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>

#include "csvread.h"
#include "diag.h"
#include "strbuf.h"
#include "utf8.h"

#define CHUNK 65536

struct reader {
	const char *name;
	const struct csvread_opts *opts;
	struct csvinfo info;
	csvrow_fn fn;
	void *ctx;
	unsigned long *nerr;

	int fd;
	iconv_t cd;		/* whole-stream conversion, or (iconv_t)-1 */
	int unit;		/* bytes skipped on an invalid sequence */
	int single_byte;	/* ASCII-compatible, one byte a character */
	char sb_map[128][4];	/* ... and what 0x80-0xFF are in UTF-8 */
	unsigned char sb_len[128];
	char pend[8];		/* an incomplete sequence left by a chunk */
	size_t npend;
	int bad_reported;
	iconv_t cd1252;		/* per-field fallback in UTF-8 mode */
	int utf8_named;		/* -e UTF-8: glibc's iconv lets code points past
				 * U+10FFFF through, so its output is checked */

	struct csv_parser p;
	int delim;
	unsigned long line;	/* the physical line being fed */
	int at_row_start;
	int at_line_start;	/* the next piece fed begins a line */
	unsigned long row_line;
	size_t row_bytes;

	/* The grammar followed by hand (qscan), where libcsv's own state is
	 * not enough: a row skipped for its length is skipped to its real end,
	 * and a row that goes on past a line end inside quotes is checked. */
	int qs;			/* QS_*: where in a field */
	int qspaces;		/* spaces after a quote that may end a field */
	size_t nquote;		/* quotes since the open quoted field began */
	int qvalid;		/* qs and nquote describe this row */
	int skipping;		/* skipping an overlong row to its end */
	int skip_quoted;	/* ... which was inside quotes at the limit */
	unsigned long skip_last;	/* the last line it was seen on */

	struct strbuf rowbuf;	/* the fields of the row, each NUL-ended */
	size_t *off, *len, nf, capf;
	size_t *full, nfull;	/* the fields that are not empty */
	size_t nskipped;	/* non-empty fields of skipped columns */
	char **ptrs;
	size_t capptrs, nptrs;
	char *ptrs_base;	/* the rowbuf.s the pointers were set for */
	size_t *prev_full, nprev_full;
};

static size_t convert_all(struct reader *, iconv_t, const char *, size_t, struct strbuf *, int);

/* Bytes the encoding does not allow: U+FFFD, reported once per file with
 * the line they are on (out holds the decoded text since r->line began). */
static void
bad_bytes(struct reader *r, struct strbuf *out)
{
	if (!r->bad_reported) {
		unsigned long l = r->line;
		size_t i;

		for (i = 0; i < out->len; i++)
			l += out->s[i] == '\n';
		warn_at(r->name, l, "bytes that are not %s; replaced by U+FFFD",
		    r->info.encoding);
		(*r->nerr)++;
		r->bad_reported = 1;
	}
	sb_add(out, "\xef\xbf\xbd", 3);
}

/* A single-byte code page: iconv says once what each of the bytes 0x80-0xFF
 * is in UTF-8, and a table applies it; iconv's own per-call cost would
 * otherwise be most of the run on an export full of accented names. */
static void
single_byte_table(struct reader *r, iconv_t cd)
{
	int b;

	for (b = 0x80; b < 0x100; b++) {
		char in = (char)b, *ip = &in, *op = r->sb_map[b - 0x80];
		size_t il = 1, ol = 4;

		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
			r->sb_len[b - 0x80] = 0;	/* not in the code page */
		else
			r->sb_len[b - 0x80] = (unsigned char)(4 - ol);
	}
	iconv(cd, NULL, NULL, NULL, NULL);
}

/* Append s converted by cd to out; an invalid sequence becomes U+FFFD and
 * is reported once per file. Returns the bytes left unconverted at the end
 * (an incomplete sequence) when more input may follow. */
static size_t
convert(struct reader *r, iconv_t cd, const char *s, size_t n, struct strbuf *out, int more)
{
	size_t i = 0, j;

	if (!r->single_byte)
		return convert_all(r, cd, s, n, out, more);
	while (i < n) {
		uint64_t w;

		/* ASCII is itself: eight bytes a step while none has its
		 * high bit set */
		for (j = i; j + 8 <= n; j += 8) {
			memcpy(&w, s + j, 8);
			if (w & 0x8080808080808080ULL)
				break;
		}
		for (; j < n && !((unsigned char)s[j] & 0x80); j++)
			;
		sb_add(out, s + i, j - i);
		for (i = j; i < n && ((unsigned char)s[i] & 0x80); i++) {
			int k = (unsigned char)s[i] - 0x80;

			if (r->sb_len[k])
				sb_add(out, r->sb_map[k], r->sb_len[k]);
			else
				bad_bytes(r, out);
		}
	}
	return 0;
}

static size_t
convert_all(struct reader *r, iconv_t cd, const char *s, size_t n, struct strbuf *out, int more)
{
	char *in = (char *)s, *o;
	size_t inleft = n, oleft, rc;

	while (inleft > 0) {
		if (out->cap - out->len < inleft * 3 + 16) {
			size_t want = out->len + inleft * 3 + 16;

			sb_add(out, "", 0);	/* make sure s exists */
			if (out->cap < want + 1) {
				out->s = xrealloc(out->s, want + 1);
				out->cap = want + 1;
			}
		}
		o = out->s + out->len;
		oleft = out->cap - out->len - 1;
		rc = iconv(cd, &in, &inleft, &o, &oleft);
		out->len = (size_t)(o - out->s);
		out->s[out->len] = '\0';
		if (rc != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && more)
			return inleft;
		/* EILSEQ, or a sequence cut by the end of the input */
		bad_bytes(r, out);
		{
			size_t skip = inleft < (size_t)r->unit ? inleft : (size_t)r->unit;

			in += skip;
			inleft -= skip;
		}
	}
	return 0;
}

/* Append s to out, each sequence that is not UTF-8 made U+FFFD (reported
 * once per file, as bytes the encoding does not allow are). */
static void
utf8_scrub(struct reader *r, const char *s, size_t n, struct strbuf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, len;

	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		len = u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : 2;
		if (i + len <= n && utf8_valid(u + i, len, 0)) {
			i += len;
			continue;
		}
		sb_add(out, s + run, i - run);
		bad_bytes(r, out);
		run = ++i;
	}
	sb_add(out, s + run, n - run);
}

static void field_add(struct reader *r, const char *s, size_t n) __attribute__((noinline));

/* Called for every cell, most of them empty: an empty one costs a count.
 * len[] is kept zero everywhere but at the fields that are not empty (and
 * row_cb puts those back to zero), so nothing need be stored for it. */
static void
field_cb(void *s, size_t n, void *data)
{
	struct reader *r = data;

	if (n == 0) {
		r->nf++;
		return;
	}
	field_add(r, s, n);
}

/* Room for fields 0..nf, the new ones empty. */
static void
field_room(struct reader *r, size_t nf)
{
	size_t old = r->capf;

	if (nf < r->capf)
		return;
	while (r->capf <= nf)
		r->capf = r->capf ? r->capf * 2 : 64;
	r->off = xrealloc(r->off, r->capf * sizeof *r->off);
	r->len = xrealloc(r->len, r->capf * sizeof *r->len);
	r->full = xrealloc(r->full, r->capf * sizeof *r->full);
	memset(r->len + old, 0, (r->capf - old) * sizeof *r->len);
}

static void
field_add(struct reader *r, const char *s, size_t n)
{
	if (r->nf < r->info.nskip && r->info.skip[r->nf]) {
		/* unwanted: it comes as empty, and is counted */
		r->nskipped++;
		r->nf++;
		return;
	}
	field_room(r, r->nf);
	if (!r->rowbuf.len)	/* the NUL that empty fields point at */
		sb_addc(&r->rowbuf, '\0');
	r->off[r->nf] = r->rowbuf.len;
	if (r->cd == (iconv_t)-1 && !utf8_valid(s, n, 0)) {
		if (r->cd1252 == (iconv_t)-1 &&
		    (r->cd1252 = iconv_open("UTF-8", "WINDOWS-1252")) == (iconv_t)-1)
			die("iconv: windows-1252:");
		iconv(r->cd1252, NULL, NULL, NULL, NULL);
		convert(r, r->cd1252, s, n, &r->rowbuf, 0);
	} else if (r->utf8_named && !utf8_valid(s, n, 0))
		utf8_scrub(r, s, n, &r->rowbuf);
	else
		sb_add(&r->rowbuf, s, n);
	r->len[r->nf] = r->rowbuf.len - r->off[r->nf];
	sb_addc(&r->rowbuf, '\0');
	r->full[r->nfull++] = r->nf;
	r->nf++;
}

static void
row_cb(int c, void *data)
{
	struct reader *r = data;
	struct csvrow row;
	size_t i;

	(void)c;
	if (!r->rowbuf.len)	/* the NUL that empty fields point at */
		sb_addc(&r->rowbuf, '\0');
	if (r->nf)
		field_room(r, r->nf - 1);	/* a row may end in new empty fields */
	/* Every empty field points at the buffer's first byte. Rows of one
	 * export are alike: when the buffer has not moved, only the pointers
	 * of the last row's full fields and this row's need setting. */
	if (r->nf > r->nptrs || r->rowbuf.s != r->ptrs_base) {
		if (r->nf > r->capptrs) {
			r->capptrs = r->nf;
			r->ptrs = xrealloc(r->ptrs, r->capptrs * sizeof *r->ptrs);
			r->prev_full = xrealloc(r->prev_full, r->capptrs * sizeof *r->prev_full);
		}
		for (i = 0; i < r->nf; i++)
			r->ptrs[i] = r->rowbuf.s;
		r->nptrs = r->nf;
		r->ptrs_base = r->rowbuf.s;
	} else
		for (i = 0; i < r->nprev_full; i++)
			r->ptrs[r->prev_full[i]] = r->rowbuf.s;
	for (i = 0; i < r->nfull; i++)
		r->ptrs[r->full[i]] = r->rowbuf.s + r->off[r->full[i]];
	if (r->nfull)
		memcpy(r->prev_full, r->full, r->nfull * sizeof *r->full);
	r->nprev_full = r->nfull;
	row.n = r->nf;
	row.f = r->ptrs;
	row.len = r->len;
	row.full = r->full;
	row.nfull = r->nfull;
	row.nskipped = r->nskipped;
	row.line = r->row_line;
	r->fn(&row, &r->info, r->ctx);
	for (i = 0; i < r->nfull; i++)
		r->len[r->full[i]] = 0;
	r->nf = r->nfull = r->nskipped = 0;
	sb_reset(&r->rowbuf);
	r->at_row_start = 1;
}

static int
space_cb(unsigned char c)
{
	return c == ' ';
}

static int
blank(const char *s, size_t n, int delim)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\r' && s[i] != '\n' && (s[i] != '\t' || delim == '\t'))
			return 0;
	return 1;
}

/* libcsv's states (csv.h keeps them private; its parser struct is public) */
enum { LC_ROW_NOT_BEGUN, LC_FIELD_NOT_BEGUN, LC_FIELD_BEGUN, LC_FIELD_MIGHT_HAVE_ENDED };
/* qscan's: before a field, in an unquoted one, in quotes, just after a
 * quote in quotes (the field may have ended) */
enum { QS_FSTART, QS_UNQ, QS_Q, QS_QQ };

/* Follow the CSV grammar over s[0..n) from r->qs, as libcsv reads it
 * without CSV_STRICT (a quote inside an unquoted field is a character; a
 * quote in quotes followed by anything but a quote, a delimiter, spaces or
 * the line's end is kept and the field stays quoted). Counts in nquote the
 * quotes of the quoted field being read. Returns the bytes up to and
 * including the CR or LF that ends the record (*ended set), else n. Runs
 * only where libcsv's state is not enough, never on an ordinary row. */
static size_t
qscan(struct reader *r, const char *s, size_t n, int *ended)
{
	int delim = r->delim, qs = r->qs;
	size_t i;

	*ended = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int sp = (c == ' ' || (c == '\t' && delim != '\t')) && c != delim;

		switch (qs) {
		case QS_FSTART:
			if (c == '\r' || c == '\n')
				goto end;
			if (c == (unsigned char)delim || sp)
				break;
			if (c == '"') {
				qs = QS_Q;
				r->nquote = 1;
			} else
				qs = QS_UNQ;
			break;
		case QS_UNQ:
			if (c == '\r' || c == '\n')
				goto end;
			if (c == (unsigned char)delim)
				qs = QS_FSTART;
			break;
		case QS_Q: {
			/* only a quote matters in quotes: memchr to it */
			const char *q = c == '"' ? s + i : memchr(s + i, '"', n - i);

			if (!q) {
				i = n;
				break;
			}
			i = (size_t)(q - s);
			qs = QS_QQ;
			r->qspaces = 0;
			r->nquote++;
			break;
		}
		case QS_QQ:
			if (c == '\r' || c == '\n')
				goto end;
			if (c == (unsigned char)delim)
				qs = QS_FSTART;
			else if (sp)
				r->qspaces = 1;
			else if (c == '"') {
				r->nquote++;
				if (!r->qspaces)	/* "" is a quote */
					qs = QS_Q;
				r->qspaces = 0;
			} else
				qs = QS_Q;	/* "Carol"x: kept, still quoted */
			break;
		}
	}
	r->qs = qs;
	return n;
end:
	r->qs = QS_FSTART;
	*ended = 1;
	return i + 1;
}

/* Drop the row being read and start afresh: libcsv anew, no fields. */
static void
restart(struct reader *r)
{
	size_t j;

	csv_free(&r->p);
	if (csv_init(&r->p, 0) != 0)
		die("out of memory");
	csv_set_delim(&r->p, (unsigned char)r->delim);
	if (r->delim == '\t')
		csv_set_space_func(&r->p, space_cb);
	for (j = 0; j < r->nfull; j++)
		r->len[r->full[j]] = 0;
	r->nf = r->nfull = r->nskipped = 0;
	sb_reset(&r->rowbuf);
	r->at_row_start = 1;
}

/* The overlong row being skipped has ended, on line last. */
static void
skip_done(struct reader *r, unsigned long last, int at_eof)
{
	size_t max = r->opts->max_row ? r->opts->max_row : 4u << 20;

	warn_at(r->name, r->row_line, "row runs on for more than %zu bytes%s; "
	    "skipped up to line %lu%s", max,
	    r->skip_quoted && at_eof ? " (a quote never closed?)" : "", last,
	    at_eof ? ", the end of the input" : "");
	(*r->nerr)++;
	r->skipping = 0;
}

/* A line has ended and the row goes on inside quotes. A row whose quoted
 * field holds an even number of quotes by now only goes on because a quote
 * was not where the grammar allows one ("Carol"x, as if "Carol" x had been
 * meant): its writer closed every quote it opened, so the line's end is the
 * row's end, and the next line is a row of its own. An odd number may be a
 * field that truly spans lines ("He said "hi"<LF>bye"): libcsv's reading
 * stands. Returns 1 when the row was dropped as malformed. */
static int
stray_quote(struct reader *r, const char *s, size_t k, int line_start)
{
	int ended;

	if (r->row_line == r->line && line_start) {	/* the row's first line */
		r->qs = QS_FSTART;
		r->nquote = 0;
		r->qvalid = 1;
	} else if (!line_start)
		r->qvalid = 0;	/* a line longer than a chunk: not followed */
	if (!r->qvalid)
		return 0;
	qscan(r, s, k, &ended);
	if (ended || r->qs != QS_Q) {	/* cannot be: libcsv says quoted */
		r->qvalid = 0;
		return 0;
	}
	if (r->nquote % 2)
		return 0;
	/* the field as written, up to its first line end: libcsv holds it
	 * from after its opening quote */
	{
		const char *f = (const char *)r->p.entry_buf;
		size_t fl = 0;

		while (f && fl < r->p.entry_pos && fl < 40 && f[fl] != '\r' && f[fl] != '\n')
			fl++;
		while (fl > 0 && fl < r->p.entry_pos && ((unsigned char)f[fl] & 0xC0) == 0x80)
			fl--;	/* not inside a UTF-8 character */
		warn_at(r->name, r->row_line, "stray quote in field %zu (\"%.*s...): a quoted "
		    "field goes on after its closing quote; row skipped, reading goes on "
		    "at line %lu", r->nf + 1, (int)fl, f ? f : "", r->line + 1);
	}
	(*r->nerr)++;
	restart(r);
	return 1;
}

/* Feed decoded bytes to libcsv a physical line at a time. */
static void
feed(struct reader *r, const char *s, size_t n)
{
	const char *nl;
	size_t k, max = r->opts->max_row ? r->opts->max_row : 4u << 20;
	int line_start, ended;

	while (n > 0) {
		nl = memchr(s, '\n', n);
		k = nl ? (size_t)(nl - s) + 1 : n;
		line_start = r->at_line_start;
		r->at_line_start = nl != NULL;
		if (r->skipping) {
			/* to the record's real end, as the grammar says;
			 * nothing kept */
			size_t used = qscan(r, s, k, &ended);

			r->skip_last = r->line;
			if (ended) {
				skip_done(r, r->line, 0);
				if (used < k) {	/* a CR ended it: the rest is read */
					r->at_line_start = 0;
					s += used;
					n -= used;
					continue;
				}
			}
			if (nl)
				r->line++;
			s += k;
			n -= k;
			continue;
		}
		if (r->at_row_start && !blank(s, k, r->delim)) {
			r->row_line = r->line;
			r->at_row_start = 0;
			r->row_bytes = 0;
		}
		if (csv_parse(&r->p, s, k, field_cb, row_cb, r) != k)
			die("%s: %s", r->name, csv_strerror(csv_error(&r->p)));
		r->row_bytes += k;
		if (!r->at_row_start && r->row_bytes > max) {
			/* where libcsv stands is where the grammar is followed
			 * on by hand, keeping nothing, to the row's end */
			r->qs = r->p.pstate == LC_FIELD_MIGHT_HAVE_ENDED ? QS_QQ :
			    r->p.pstate == LC_FIELD_BEGUN ? (r->p.quoted ? QS_Q : QS_UNQ) :
			    QS_FSTART;
			r->qspaces = r->p.spaces > 0;
			r->skip_quoted = r->qs == QS_Q || r->qs == QS_QQ;
			r->skipping = 1;
			r->skip_last = r->line;
			r->qvalid = 0;
			restart(r);
			if (nl) {
				/* the piece fed ended a line inside quotes (an
				 * unquoted row would have ended with it) */
				r->line++;
			}
			s += k;
			n -= k;
			continue;
		}
		if (nl && !r->at_row_start && r->p.quoted && r->p.pstate == LC_FIELD_BEGUN)
			stray_quote(r, s, k, line_start);
		else if (r->at_row_start)
			r->qvalid = 0;
		if (nl)
			r->line++;
		s += k;
		n -= k;
	}
}

/* The delimiter that occurs most often outside quotes on the first line. */
static int
guess_delim(const char *s, size_t n)
{
	size_t i, comma = 0, semi = 0, tab = 0;
	int q = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == '\n')
			break;
		else if (!q && s[i] == ',')
			comma++;
		else if (!q && s[i] == ';')
			semi++;
		else if (!q && s[i] == '\t')
			tab++;
	}
	if (tab > comma && tab > semi)
		return '\t';
	if (semi > comma)
		return ';';
	return ',';
}

static ssize_t
fill(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got < cap) {
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The encoding, from the first chunk u[0..n): a BOM, else the one named
 * (-e), else UTF-8 when the chunk is valid UTF-8 and windows-1252 when not.
 * Returns the encoding to convert from, or NULL for UTF-8 read as it is;
 * *skip is the length of a BOM that is not data. */
static const char *
choose_encoding(struct reader *r, const unsigned char *u, size_t n, size_t *skip)
{
	const char *from = NULL;

	if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		*skip = 3, r->info.encoding = "UTF-8";
	else if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		*skip = 2, from = "UTF-16LE";
	else if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		*skip = 2, from = "UTF-16BE";
	if (r->opts->encoding) {
		/* a named encoding wins, but its BOM is still not data */
		from = r->opts->encoding;
		if (!((*skip == 3 && strcasecmp(from, "UTF-8") == 0) ||
		    (*skip == 2 && strncasecmp(from, "UTF-16", 6) == 0)))
			*skip = 0;
		if (strcasecmp(from, "UTF-16") == 0 && *skip == 2)
			from = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
	} else if (!from && !*skip) {
		if (!utf8_valid(u, n, n == CHUNK ? UTF8_CUT_OK : 0))
			from = "WINDOWS-1252";
		else
			r->info.encoding = "UTF-8";
	}
	return from;
}

/* The whole-stream conversion from an encoding other than UTF-8 as it is. */
static void
open_conversion(struct reader *r, const char *from)
{
	if ((r->cd = iconv_open("UTF-8", from)) == (iconv_t)-1) {
		if (errno == EINVAL)
			die("%s: unknown encoding (see iconv -l)", from);
		die("iconv_open %s:", from);
	}
	r->info.encoding = from;
	r->utf8_named = strcasecmp(from, "UTF-8") == 0 || strcasecmp(from, "UTF8") == 0;
	if (strncasecmp(from, "UTF-16", 6) == 0)
		r->unit = 2;
	r->single_byte = strncasecmp(from, "WINDOWS-125", 11) == 0 ||
	    strncasecmp(from, "CP125", 5) == 0 || strncasecmp(from, "ISO-8859-", 9) == 0 ||
	    strncasecmp(from, "ISO8859-", 8) == 0 || strncasecmp(from, "LATIN", 5) == 0;
	if (r->single_byte)
		single_byte_table(r, r->cd);
}

/* libcsv set up for the delimiter, named (-d) or found on the first line
 * of the decoded first chunk. */
static void
start_parser(struct reader *r, const struct strbuf *dec)
{
	r->delim = r->opts->delim ? r->opts->delim : guess_delim(dec->s ? dec->s : "", dec->len);
	r->info.delim = r->delim;
	if (csv_init(&r->p, 0) != 0)
		die("out of memory");
	csv_set_delim(&r->p, (unsigned char)r->delim);
	if (r->delim == '\t')	/* else libcsv's own test (space, TAB) is right */
		csv_set_space_func(&r->p, space_cb);
}

/* The chunks after the first, each decoded (an incomplete sequence at its
 * end waits in r->pend for the next) and fed. -1 on a read error. */
static int
read_rest(struct reader *r, char *buf, struct strbuf *dec)
{
	size_t left;
	ssize_t n;
	int more = 1;

	while (more) {
		size_t off = r->npend;

		memcpy(buf, r->pend, r->npend);
		if ((n = fill(r->fd, buf + off, CHUNK - off)) < 0)
			return -1;
		more = (size_t)n == CHUNK - off;
		if (r->cd != (iconv_t)-1) {
			sb_reset(dec);
			left = convert(r, r->cd, buf, off + (size_t)n, dec, more);
			memcpy(r->pend, buf + off + (size_t)n - left, left);
			r->npend = left;
			feed(r, dec->s, dec->len);
		} else
			feed(r, buf, (size_t)n);
	}
	return 0;
}

/* The end of the input: the last row, or what was left open. */
static void
finish_input(struct reader *r)
{
	/* libcsv only calls an open quote at the end an error in its strict
	 * mode, which also refuses the stray quotes real exports hold
	 * ("Bob "the builder""); its state is public in csv.h, so look:
	 * a quoted field begun (pstate 2) and not closed */
	if (r->skipping)
		skip_done(r, r->skip_last, 1);
	else if (r->p.quoted && r->p.pstate == LC_FIELD_BEGUN) {
		warn_at(r->name, r->row_line, "quoted field not closed at the end of the input; row skipped");
		(*r->nerr)++;
	} else
		csv_fini(&r->p, field_cb, row_cb, r);
}

static void
reader_free(struct reader *r)
{
	csv_free(&r->p);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (r->cd1252 != (iconv_t)-1)
		iconv_close(r->cd1252);
	if (r->fd > 0)
		close(r->fd);
	sb_free(&r->rowbuf);
	free(r->off);
	free(r->len);
	free(r->full);
	free(r->ptrs);
	free(r->prev_full);
}

int
csvread(const char *path, const char *name, const struct csvread_opts *opts,
    csvrow_fn fn, void *ctx, unsigned long *nerr)
{
	struct reader r = { 0 };
	static char buf[CHUNK];	/* one reader at a time */
	struct strbuf dec = { 0 };
	const char *from;
	size_t skip = 0, left;
	ssize_t n;
	int e, rc = 0, more;

	r.name = name;
	r.opts = opts;
	r.fn = fn;
	r.ctx = ctx;
	r.nerr = nerr;
	r.cd = r.cd1252 = (iconv_t)-1;
	r.unit = 1;
	r.line = 1;
	r.at_row_start = 1;
	r.at_line_start = 1;
	if (!path || strcmp(path, "-") == 0)
		r.fd = 0;
	else if ((r.fd = open(path, O_RDONLY)) < 0)
		return -1;

	if ((n = fill(r.fd, buf, CHUNK)) < 0)
		goto fail;
	from = choose_encoding(&r, (const unsigned char *)buf, (size_t)n, &skip);
	if (from)
		open_conversion(&r, from);

	/* decode the first chunk to find the delimiter on the first line */
	more = n == CHUNK;
	if (r.cd != (iconv_t)-1) {
		left = convert(&r, r.cd, buf + skip, (size_t)n - skip, &dec, more);
		memcpy(r.pend, buf + (size_t)n - left, left);
		r.npend = left;
	} else
		sb_add(&dec, buf + skip, (size_t)n - skip);
	start_parser(&r, &dec);
	feed(&r, dec.s ? dec.s : "", dec.len);
	if (more && read_rest(&r, buf, &dec) < 0)
		goto fail;
	finish_input(&r);
	goto done;
fail:
	rc = -1;
done:
	e = errno;
	reader_free(&r);
	sb_free(&dec);
	errno = e;
	return rc;
}
