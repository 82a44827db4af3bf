/* copy: the messages a folder lacks, from the Source to the Destination:
 * fetched in batches (COPY_MSGS, COPY_BYTES), each stored with one
 * MULTIAPPEND that is answered while the next batch is fetched; a refused
 * batch stored one message at a time; many missing messages split over
 * several connections (-J). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/diag.h"
#include "../../common/imapconn.h"
#include "../../common/imapside.h"
#include "../../common/pool.h"
#include "../../common/report.h"
#include "../../common/strbuf.h"
#include "imap-copy.h"

#define SPLIT_MIN 100		/* missing messages per extra connection */
#define report report_atomic

int multiappend;		/* the Destination takes MULTIAPPEND and LITERAL+ */
long crash_after = -1;		/* IMAP_COPY_CRASH_AFTER: the crash tests only */


/* The crash tests stop the run dead right after the Nth append (or flag
 * update, or removal) is sent. */
void
sent(void)
{
	if (crash_after >= 0 && --crash_after < 0)
		raise(SIGKILL);
}

static void
copied(struct fstats *st, size_t len)
{
	st->copied++;
	st->bytes += len;
	if (me)
		__atomic_fetch_add(&me->bytes, len, __ATOMIC_RELAXED);
}

/* IMAP's "(flags) "date"" for an APPEND. */
static void
append_args(struct strbuf *b, struct mailimap_msg_att_dynamic *dyn,
    const struct mailimap_date_time *d)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct strbuf fl = { 0 };

	msg_flags(dyn, &fl, NULL);
	sb_printf(b, " (%s)", fl.s);
	sb_free(&fl);
	if (d && d->dt_month >= 1 && d->dt_month <= 12) {
		int z = d->dt_zone;
		sb_printf(b, " \"%2d-%s-%04d %02d:%02d:%02d %c%04d\"", d->dt_day,
		    mon[d->dt_month - 1], d->dt_year, d->dt_hour, d->dt_min, d->dt_sec,
		    z < 0 ? '-' : '+', abs(z));
	}
}

/* MULTIAPPEND (RFC 3502) with non-synchronising literals (RFC 7888): a
 * batch in one command, one round trip, and one commit on the server. The
 * command is sent here and its answer read by append_recv(), so that the
 * next batch can go out before this one is answered and the Destination
 * never waits for us. Returns 0, or -2 when the connection broke. */
static int
append_send(const char *mailbox, struct msg_parts *v, size_t n)
{
	struct strbuf b = { 0 };
	mailstream *st = sides.dst.s->imap_stream;
	int r;

	if (mailimap_send_current_tag(sides.dst.s) != MAILIMAP_NO_ERROR)
		return -2;
	sb_adds(&b, "APPEND \"");
	for (const char *p = mailbox; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_addc(&b, '\\');
		sb_addc(&b, *p);
	}
	sb_addc(&b, '"');
	for (size_t i = 0; i < n; i++) {
		append_args(&b, v[i].dyn, v[i].date);
		sb_printf(&b, " {%zu+}\r\n", v[i].len);
		if (mailstream_write(st, b.s, b.len) < 0 ||
		    mailstream_write(st, v[i].body, v[i].len) < 0) {
			sb_free(&b);
			return -2;
		}
		sb_reset(&b);
	}
	r = mailstream_write(st, "\r\n", 2) < 0 || mailstream_flush(st) < 0;
	sb_free(&b);
	sent();
	return r ? -2 : 0;
}

/* The answer to the oldest MULTIAPPEND sent: 0 stored, -1 refused
 * (nothing stored: it is all or nothing), -2 the connection broke. */
static int
append_recv(int tag)
{
	int r = imap_answer(sides.dst.s, tag);

	return r == MAILIMAP_NO_ERROR ? 0 : r == IMAP_NO ? -1 : -2;
}

/* The next batch of missing messages, from *i on: at most COPY_MSGS and
 * COPY_BYTES (or one larger message), as an IMAP UID set in set. Messages
 * over -L are reported and passed over. Returns how many. */
static size_t
next_batch(const struct folder *sf, struct msgs *sm, size_t *i, struct fstats *st,
    struct strbuf *set)
{
	size_t bytes = 0, k = 0;
	uint32_t run_lo = 0, run_hi = 0;
	char uidbuf[16];

	sb_reset(set);
	for (; *i < sm->n && k < COPY_MSGS; ++*i) {
		struct msg *m = &sm->m[*i];
		if (m->matched)
			continue;
		if (sides.max_size && m->size > sides.max_size) {
			char why[64];
			snprintf(uidbuf, sizeof uidbuf, "%u", m->uid);
			snprintf(why, sizeof why, "larger than -L %lu: %u bytes", sides.max_size, m->size);
			report("skipped", account, sf->utf8, uidbuf, why, NULL);
			st->skipped++;
			m->matched = 1;
			continue;
		}
		if (k && bytes + m->size > COPY_BYTES)
			break;
		/* UIDs ascend: runs become lo:hi */
		if (k && m->uid == run_hi + 1)
			run_hi = m->uid;
		else {
			if (k)
				sb_printf(set, run_lo == run_hi ? "%u," : "%u:%u,", run_lo, run_hi);
			run_lo = run_hi = m->uid;
		}
		bytes += m->size;
		k++;
	}
	if (k)
		sb_printf(set, run_lo == run_hi ? "%u" : "%u:%u", run_lo, run_hi);
	return k;
}

/* Store a batch's messages one APPEND each: when the Destination has no
 * MULTIAPPEND, or refused a batch (then only the message it refuses
 * fails, and is reported with the server's words). */
static int
store_singly(const struct folder *sf, const char *dname, struct batch *b,
    struct fstats *st)
{
	char uidbuf[16];

	for (size_t j = 0; j < b->n; j++) {
		struct strbuf fs = { 0 };
		msg_flags(b->v[j].dyn, &fs, NULL);
		struct mailimap_flag_list *fl = msg_flag_list(fs.s);
		sb_free(&fs);
		sent();
		int ar = mailimap_append(sides.dst.s, dname, fl, b->v[j].date,
		    b->v[j].body, b->v[j].len);
		mailimap_flag_list_free(fl);
		if (ar == MAILIMAP_NO_ERROR)
			copied(st, b->v[j].len);
		else if (ar == MAILIMAP_ERROR_STREAM || ar == MAILIMAP_ERROR_PARSE)
			return ar;
		else {
			const char *why = imap_last_text(sides.dst.s);
			snprintf(uidbuf, sizeof uidbuf, "%u", b->v[j].uid);
			report("failed", account, sf->utf8, uidbuf,
			    *why ? why : "the destination refused the message", NULL);
			st->failed++;
		}
	}
	b->n = 0;
	return MAILIMAP_NO_ERROR;
}

/* The answer to batch b's MULTIAPPEND, its messages counted when stored:
 * 0 stored, -1 refused (they are still in b), -2 the connection broke. */
static int
answered(struct batch *b, struct fstats *st)
{
	int r = append_recv(b->tag);

	b->pending = 0;
	if (r == 0) {
		for (size_t j = 0; j < b->n; j++)
			copied(st, b->v[j].len);
		b->n = 0;
	}
	return r;
}

/* Read the answer to b's MULTIAPPEND, and free b. A refused batch is stored
 * one message at a time, after the answer to next (sent meanwhile) has been
 * read, so that no other answer is pending when the single APPENDs go;
 * a refused next is then stored singly by the caller. */
int
settle(const struct folder *sf, const char *dname, struct batch *b,
    struct batch *next, struct fstats *st)
{
	int r = MAILIMAP_NO_ERROR, ar;

	if (b->pending) {
		if ((ar = answered(b, st)) == -2)
			return MAILIMAP_ERROR_STREAM;
		if (ar == -1) {
			if (next && next->pending && answered(next, st) == -2)
				return MAILIMAP_ERROR_STREAM;
			r = store_singly(sf, dname, b, st);
		}
	}
	if (b->res)
		mailimap_fetch_list_free(b->res);
	b->res = NULL;
	b->n = 0;
	return r;
}

/* Copy the messages not yet there. With defer, the answer to the last
 * MULTIAPPEND is not awaited: the batch is left in *defer (pending) for the
 * caller to settle() later, before any other command on the Destination.
 * Returns 0, or a libetpan error that broke a connection (the caller
 * reconnects and starts the folder again). */
static int
copy_missing(const struct folder *sf, const char *dname, struct msgs *sm,
    struct fstats *st, struct batch *defer, struct prefetch *pf)
{
	size_t i = 0, k = 0;
	int r = MAILIMAP_NO_ERROR, pending = 0;
	char uidbuf[16];
	struct strbuf set = { 0 };
	struct batch bt[2];		/* the batch in hand, the one before */
	clist *have = NULL;		/* the first batch, fetched ahead */

	memset(bt, 0, sizeof bt);

	if (pf && pf->res) {
		have = pf->res;
		i = pf->i;
		pf->res = NULL;
	} else if (next_batch(sf, sm, &i, st, &set)) {
		if ((r = uid_fetch_send(sides.src.s, set.s, "UID FLAGS INTERNALDATE BODY.PEEK[]")) != MAILIMAP_NO_ERROR)
			goto out;
		pending = 1;
	}
	while (pending || have) {
		clist *res = have;
		if (have)
			have = NULL;
		else if ((r = uid_fetch_recv(sides.src.s, &res)) != MAILIMAP_NO_ERROR)
			break;
		pending = 0;
		if (next_batch(sf, sm, &i, st, &set)) {
			if ((r = uid_fetch_send(sides.src.s, set.s, "UID FLAGS INTERNALDATE BODY.PEEK[]")) != MAILIMAP_NO_ERROR) {
				mailimap_fetch_list_free(res);
				break;
			}
			pending = 1;
		}
		struct batch *cur = &bt[k++ % 2], *prev = &bt[k % 2];
		cur->res = res;
		cur->n = 0;
		cur->pending = 0;
		for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
			struct msg_parts *b = &cur->v[cur->n];
			msg_parts(clist_content(it), b);
			if (!b->uid)
				continue;	/* an unsolicited FLAGS update */
			if (!b->body) {
				snprintf(uidbuf, sizeof uidbuf, "%u", b->uid);
				report("failed", account, sf->utf8, uidbuf,
				    "the source gave no body for this message", NULL);
				st->failed++;
				continue;
			}
			if (cur->n < COPY_MSGS)
				cur->n++;
		}
		if (multiappend && cur->n) {
			if (append_send(dname, cur->v, cur->n) < 0) {
				r = MAILIMAP_ERROR_STREAM;
				break;
			}
			cur->pending = 1;
			cur->tag = sides.dst.s->imap_tag;
		}
		/* the batch before is answered now, while this one is stored */
		if ((r = settle(sf, dname, prev, cur, st)) != MAILIMAP_NO_ERROR)
			break;
		if (!cur->pending && (r = store_singly(sf, dname, cur, st)) != MAILIMAP_NO_ERROR)
			break;
		progress(sf->utf8, st->copied + st->failed + st->skipped + st->already, st->count);
	}
	/* the last batch's answer, now or later */
	if (r == MAILIMAP_NO_ERROR && k) {
		struct batch *last = &bt[(k - 1) % 2];
		if (defer && last->pending) {
			*defer = *last;
			last->res = NULL;
		} else
			r = settle(sf, dname, last, NULL, st);
	}
out:
	for (int j = 0; j < 2; j++)
		if (bt[j].res)
			mailimap_fetch_list_free(bt[j].res);
	sb_free(&set);
	return r;
}

/* Copy the missing messages over several connections at once when there
 * are many: the servers work on each connection one command at a time, and
 * a Destination spends most of its time storing. Worker k copies the k-th
 * run of the missing messages on connections of its own. Returns 1 when a
 * connection broke (the caller starts the folder over). */
int
copy_prefetch(const struct folder *sf, struct msgs *sm, struct fstats *st,
    struct prefetch *pf)
{
	struct strbuf set = { 0 };
	int r = MAILIMAP_NO_ERROR;

	pf->res = NULL;
	pf->i = 0;
	/* only where copy_split will copy on this connection, and not when a
	 * message is to be passed over (-L): its line would come before the
	 * line of the folder before */
	for (size_t j = 0; sides.max_size && j < sm->n; j++)
		if (!sm->m[j].matched && sm->m[j].size > sides.max_size)
			return MAILIMAP_NO_ERROR;
	if (conns == 1 || sm->n < 2 * SPLIT_MIN) {
		if (next_batch(sf, sm, &pf->i, st, &set))
			r = uid_fetch_send(sides.src.s, set.s, "UID FLAGS INTERNALDATE BODY.PEEK[]") ?:
			    uid_fetch_recv(sides.src.s, &pf->res);
		else
			pf->i = 0;
	}
	sb_free(&set);
	return r;
}

void
prefetch_free(struct prefetch *pf)
{
	if (pf->res)
		mailimap_fetch_list_free(pf->res);
	pf->res = NULL;
}

int
copy_split(const struct folder *sf, const char *dname, struct msgs *sm,
    struct fstats *st, struct batch *defer, struct prefetch *pf)
{
	size_t todo = 0, k;
	int n = 1, broke = 0;

	for (size_t i = 0; i < sm->n; i++)
		todo += !sm->m[i].matched;
	if (conns > 1 && todo >= 2 * SPLIT_MIN)
		n = todo / SPLIT_MIN < (size_t)conns ? (int)(todo / SPLIT_MIN) : conns;
	if (n == 1)
		return copy_missing(sf, dname, sm, st, defer, pf) != MAILIMAP_NO_ERROR;
	if (pf)
		prefetch_free(pf);

	struct fstats *part = mmap(NULL, (size_t)n * sizeof *part, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t *pid = xcalloc((size_t)n, sizeof *pid);
	if (part == MAP_FAILED)
		die("mmap:");
	memset(part, 0, (size_t)n * sizeof *part);
	fflush(stdout);
	for (int w = n - 1; w >= 0; w--) {
		size_t lo = todo * (size_t)w / (size_t)n, hi = todo * (size_t)(w + 1) / (size_t)n;
		if (w > 0 && (pid[w] = fork()) < 0)
			die("fork:");
		if (w > 0 && pid[w] > 0)
			continue;
		/* the worker's share: the missing messages lo..hi-1 */
		k = 0;
		for (size_t i = 0; i < sm->n; i++)
			if (!sm->m[i].matched) {
				if (k < lo || k >= hi)
					sm->m[i].matched = 2;
				k++;
			}
		int r;
		if (w > 0) {
			char err[512];
			/* the parent's sessions are not ours to use or close */
			sides.src.s = sides.dst.s = NULL;
			if (side_open(&sides.src, err, sizeof err) < 0 ||
			    side_open(&sides.dst, err, sizeof err) < 0 ||
			    mailimap_examine(sides.src.s, sf->name) != MAILIMAP_NO_ERROR)
				_exit(3);
		}
		r = copy_missing(sf, dname, sm, &part[w], NULL, NULL);
		if (w > 0) {
			side_close(&sides.src);
			side_close(&sides.dst);
			_exit(r != MAILIMAP_NO_ERROR ? 3 : 0);
		}
		if (r != MAILIMAP_NO_ERROR)
			broke = 1;
		/* the parent's own share is done: the others' back */
		for (size_t i = 0; i < sm->n; i++)
			if (sm->m[i].matched == 2)
				sm->m[i].matched = 0;
		break;
	}
	for (int w = 1; w < n; w++) {
		int ws;
		while (waitpid(pid[w], &ws, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
			broke = 1;
	}
	for (int w = 0; w < n; w++) {
		st->copied += part[w].copied;
		st->failed += part[w].failed;
		st->skipped += part[w].skipped;
		st->bytes += part[w].bytes;
	}
	munmap(part, (size_t)n * sizeof *part);
	free(pid);
	return broke;
}
