/* ahead: the read-ahead thread, which reads the second half of a large
 * input the quick way while the main thread reads the first, and what the
 * main thread takes from it. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ics-int.h"

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
void
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

	if (ics_sink || !rd.seekable || fstat(rd.fd, &st) != 0 || (env && min == 0) || st.st_size < min ||
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

void
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
int
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


void
ahead_free(void)
{
	fastres_free(&ahead.res);
	strmap_free(&ahead.names);
	free(ahead.rec);
	free(ahead.tzref);
	free(ahead.name);
	free(ahead.namelen);
}
