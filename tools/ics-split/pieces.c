/* pieces: the spool, and the pieces of a calendar: its UID groups packed in
 * input order under the limits, each piece assembled from the input and
 * the spool, written atomically (on two threads when worth it), committed
 * in order, its path on standard output; piece set names made unique. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/atomicfile.h"
#include "../../common/fold.h"
#include "../../common/out.h"
#include "ics-int.h"

FILE *spool;
static struct strmap names;	/* piece set names used in this run */

/* The spool: a temporary file in the output directory, unnamed where the
 * file system can. */
void
spool_open(void)
{
	int fd = open(ics_opt.dir, O_TMPFILE | O_RDWR, 0600);

	if (fd < 0) {	/* a file system without O_TMPFILE */
		size_t n = strlen(ics_opt.dir) + 32;
		char *t = xmalloc(n);

		snprintf(t, n, "%s/.ics-split.XXXXXX", ics_opt.dir);
		if ((fd = mkstemp(t)) >= 0)
			unlink(t);
		free(t);
	}
	if (fd < 0 || !(spool = fdopen(fd, "w+")))
		die("%s: temporary file:", ics_opt.dir);
	setvbuf(spool, NULL, _IOFBF, 1 << 20);
}

/* ---- writing pieces -------------------------------------------------------- */

/* A file name part from free text: letters, digits, UTF-8 and ._- kept,
 * anything else (spaces, slashes, quotes, control characters) one '_'. */
void
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
			die("%s%s: read error:", from == rd.fd ? rd.name : ics_opt.dir,
			    from == rd.fd ? "" : ": temporary file");
		if (r == 0)
			die("%s%s: shorter than when it was read (changed meanwhile?)",
			    from == rd.fd ? rd.name : ics_opt.dir, from == rd.fd ? "" : ": temporary file");
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
		out_write(stdout, ics_opt.nul ? "" : "\n", 1);
		/* out at once: a committed piece's path is never held in a
		 * buffer that a signal or a crash would lose */
		if (fflush(stdout) != 0)
			die("stdout: write error:");
		free(path);
	}
	if (ndone) {
		sb_printf(&in, "%s/.", ics_opt.dir);
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

	sb_printf(&name, "%s/%s-%03u.ics", ics_opt.dir, plan.base, p->no);
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

/* The calendar's groups in input order, as many to a piece as the limits
 * allow; head: the octets every piece has besides its zones and groups. */
static void
plan_groups(size_t head)
{
	size_t g, start = 0, count = 0, mark = 1, z;
	uint64_t bytes = 0;
	unsigned no = 0;

	for (g = 0; g < cal.ngroups; g++) {
		struct group *gr = &cal.groups[g];
		uint64_t extra = 0;
		uint32_t r;

		for (r = gr->zones; r; r = cal.zrefs[r - 1].next) {
			z = cal.zrefs[r - 1].zone;
			if (cal.zones[z].mark != mark)
				extra += cal.zones[z].text.len;
		}
		if (count && (count + gr->ncomp > ics_opt.count ||
		    head + bytes + extra + gr->bytes > ics_opt.size)) {
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
		if (count == 0 && gr->ncomp > ics_opt.count)
			report(gr->line, "%s and %u more components share one UID: kept "
			    "together in one piece, over the limit of %lu components",
			    gr->kind, gr->ncomp - 1, ics_opt.count);
		else if (count == 0 && head + extra + gr->bytes > ics_opt.size)
			report(gr->line, "%s and %u more components share one UID: kept "
			    "together in one piece of %llu octets, over the limit of %lu",
			    gr->kind, gr->ncomp - 1, (unsigned long long)(head + extra + gr->bytes),
			    ics_opt.size);
		count += gr->ncomp;
		bytes += extra + gr->bytes;
	}
	if (count)
		piece_plan(++no, start, cal.ngroups, mark);
}

void
pieces_write(const char *prefix)
{
	struct strbuf base = { 0 }, hdr = { 0 }, t = { 0 };

	if (cal.ngroups) {
		set_name(&base, prefix);
		if (fflush(spool) != 0)
			die("%s: temporary file: write error:", ics_opt.dir);
	}
	/* what every piece of the calendar begins with */
	sb_adds(&hdr, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
	sb_printf(&t, "PRODID:%s", cal.prodid ? cal.prodid : OUR_PRODID);
	fold_line(&hdr, t.s, t.len);
	sb_add(&hdr, cal.props.s ? cal.props.s : "", cal.props.len);
	plan_groups(hdr.len + strlen("END:VCALENDAR\r\n"));
	piece_write_all(&hdr, base.s);
	sb_free(&base);
	sb_free(&hdr);
	sb_free(&t);
}

/* The spool emptied for the next calendar. */
void
spool_reset(void)
{
	if (ftruncate(fileno(spool), 0) != 0 || fseeko(spool, 0, SEEK_SET) != 0)
		die("%s: temporary file:", ics_opt.dir);
}

void
pieces_free(void)
{
	if (spool)
		fclose(spool);
	spool = NULL;
	strmap_free(&names);
	free(done);
	free(plan.p);
	free(plan.zones);
	sb_free(&piece);
}
