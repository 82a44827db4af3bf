/* mig-check verify mail: every Source folder of each account against the
 * Destination folder imap-copy puts it in, message by message, with
 * imap-copy's own folder mapping, message identity and matching (common/
 * mailbox.c): what is found, what is missing (each one a report line that
 * lets an administrator find it), what is extra, whose flags differ, and
 * with -b whose bytes differ. Both sides are only read: EXAMINE, FETCH,
 * BODY.PEEK. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <libetpan/libetpan.h>

#include "../../common/acctlist.h"
#include "../../common/diag.h"
#include "../../common/foldermap.h"
#include "../../common/imapside.h"
#include "../../common/lineio.h"
#include "../../common/mailbox.h"
#include "../../common/pool.h"
#include "../../common/report.h"
#include "../../common/strbuf.h"
#include "../../common/strmap.h"
#include "mig-check.h"

#define SRC_ENV "MIG_CHECK_SOURCE_PASSWORD"
#define DST_ENV "MIG_CHECK_DEST_PASSWORD"
#define BODY_MSGS 64		/* messages fetched whole at once (-b) ... */
#define BODY_BYTES (8 << 20)	/* ... and at most this many bytes */

static struct imap_sides sides;
static struct foldermap fmap;
static int bytes_mode, verbose;
static struct strmap copyrep;	/* "ACCOUNT\tFOLDER\tUID" -> imap-copy's words */
static int have_copyrep;
static struct pool_slot *me;
static const char *account;

/* the counters of a folder, an account, the run */
enum { N_SOURCE, N_FOUND, N_MISSING, N_KNOWN, N_SKIPPED, N_EXTRA, N_DIFFER, N_FOLDERS };

struct tally { unsigned long n[N_FOLDERS + 1]; };

static void
report_counts(const char *status, const char *check, const char *a, const char *b,
    const char *c, const struct tally *t, int from, const char *note)
{
	char v[8][24];

	for (int i = 0; i < 7; i++)
		snprintf(v[i], sizeof v[i], "%lu", t->n[i]);
	snprintf(v[7], sizeof v[7], "%lu", t->n[N_FOLDERS]);
	if (from)	/* an account line: its number of folders first */
		report_atomic(status, check, a, b, v[7], v[0], v[1], v[2], v[3], v[4], v[5],
		    v[6], note, NULL);
	else
		report_atomic(status, check, a, b, c, v[0], v[1], v[2], v[3], v[4], v[5], v[6],
		    note, NULL);
}

static const char *
status_of(const struct tally *t)
{
	return t->n[N_MISSING] ? "missing" : t->n[N_KNOWN] ? "known" :
	    t->n[N_DIFFER] ? "differs" : "ok";
}

/* ---- imap-copy's report: what it already said of a message ---- */

static void
copyrep_key(struct strbuf *k, const char *acct, const char *folder, uint32_t uid)
{
	sb_reset(k);
	sb_printf(k, "%s\t%s\t%u", acct, folder, uid);
}

/* What imap-copy's report (-c) said of this message of the account, or
 * NULL: "failed: WHY" or "skipped: WHY". */
static const char *
copyrep_find(const char *folder, uint32_t uid)
{
	struct strbuf k = { 0 };
	struct strmap_ent *e;

	if (!have_copyrep)
		return NULL;
	copyrep_key(&k, account, folder, uid);
	e = strmap_get(&copyrep, k.s, k.len);
	sb_free(&k);
	return e ? e->val : NULL;
}

/* Its per-message lines: failed|skipped ACCOUNT FOLDER UID WHY (fields
 * escaped as report lines are; the key keeps them escaped on both sides). */
static void
read_copyrep(const char *path)
{
	struct lineio lr;
	size_t len;
	char *line;

	if (lineio_open(&lr, path) < 0)
		die("%s:", path);
	while ((line = lineio_next(&lr, &len, 0)) != NULL) {
		char *f[6] = { 0 };
		int nf = 0;
		for (char *p = line; p && nf < 6; nf++) {
			f[nf] = p;
			if ((p = strchr(p, '\t')))
				*p++ = '\0';
		}
		if (nf != 5 || (strcmp(f[0], "failed") && strcmp(f[0], "skipped")))
			continue;
		if (!*f[3] || strspn(f[3], "0123456789") != strlen(f[3]))
			continue;	/* a folder line */
		struct strbuf k = { 0 }, v = { 0 };
		sb_printf(&k, "%s\t%s\t%s", f[1], f[2], f[3]);
		sb_printf(&v, "%s: %s", f[0], f[4]);
		int isnew;
		struct strmap_ent *e = strmap_put(&copyrep, k.s, k.len, &isnew);
		e->val = strmap_strdup(&copyrep, v.s, v.len);
		sb_free(&k);
		sb_free(&v);
	}
	lineio_close(&lr);
	have_copyrep = 1;
}

/* ---- what a report line says of a message ---- */

static void
report_msg(const char *status, const char *folder, const struct msg *m,
    const struct msg_info *in, const char *detail)
{
	char uid[16], size[16], date[32];

	snprintf(uid, sizeof uid, "%u", m->uid);
	snprintf(size, sizeof size, "%u", m->size);
	msg_iso_date(date, sizeof date, m->date);
	report_atomic(status, "message", account, folder, uid,
	    in && in->msgid ? in->msgid : "", date, size,
	    in && in->subject ? in->subject : "", detail, NULL);
}

/* ---- -b: the bytes of each pair ---- */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Whether every line end of p is CRLF (no bare CR, no bare LF). */
static int
all_crlf(const char *p, size_t n)
{
	const char *end = p + n;

	for (const char *q = p; (q = memchr(q, '\r', (size_t)(end - q))) != NULL; q++)
		if (q + 1 == end || q[1] != '\n')
			return 0;
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
		if (q == p || q[-1] != '\r')
			return 0;
	return 1;
}

/* SHA-256 of a message with every line end made CRLF (a bare LF or a bare
 * CR counts as one too): an APPEND may rewrite them, which is no loss. What
 * IMAP servers give is almost always CRLF already: one call then. */
static void
body_digest(const char *p, size_t n, unsigned char out[32])
{
	gnutls_hash_hd_t h;
	const char *run = p, *end = p + n;

	if (all_crlf(p, n)) {
		if (gnutls_hash_fast(GNUTLS_DIG_SHA256, p, n, out) < 0)
			die("gnutls_hash_fast failed");
		return;
	}
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		die("gnutls_hash_init failed");
	for (const char *q = p; q < end; q++) {
		if (*q != '\r' && *q != '\n')
			continue;
		gnutls_hash(h, run, (size_t)(q - run));
		gnutls_hash(h, "\r\n", 2);
		if (*q == '\r' && q + 1 < end && q[1] == '\n')
			q++;
		run = q + 1;
	}
	gnutls_hash(h, run, (size_t)(end - run));
	gnutls_hash_deinit(h, out);
}

/* A message found and its copy: their digests. */
struct pair {
	uint32_t suid, duid, size;
	uint8_t have[2];
	unsigned char d[2][32];
};

struct duid_ix { uint32_t duid; uint32_t ix; };

static int
cmp_suid(const void *k, const void *p)
{
	uint32_t a = *(const uint32_t *)k, b = ((const struct pair *)p)->suid;

	return a < b ? -1 : a > b;
}

static int
cmp_duid(const void *a, const void *b)
{
	uint32_t x = ((const struct duid_ix *)a)->duid, y = ((const struct duid_ix *)b)->duid;

	return x < y ? -1 : x > y;
}

/* The end of the batch that starts at lo: at most BODY_MSGS messages and
 * BODY_BYTES (or one larger message). */
static size_t
batch_end(const struct pair *p, size_t n, size_t lo)
{
	size_t hi = lo, bytes = 0;

	for (; hi < n && hi - lo < BODY_MSGS && (hi == lo || bytes + p[hi].size <= BODY_BYTES); hi++)
		bytes += p[hi].size;
	return hi;
}

/* A batch of pairs asked for on both sides: the tags of its commands. */
struct batch { size_t lo, hi; int tag[2]; };

/* Send the batch's UID FETCH to both sides at once: each server reads
 * while the other does. */
static int
batch_send(const struct pair *p, struct batch *b)
{
	struct strbuf ss = { 0 }, ds = { 0 };
	uint32_t a = 0, c = 0, *du = xcalloc(b->hi - b->lo, sizeof *du);
	int r;

	for (size_t i = b->lo; i < b->hi; i++) {
		uid_set_add(&ss, &a, &c, p[i].suid, 0);
		du[i - b->lo] = p[i].duid;
	}
	uid_set_add(&ss, &a, &c, 0, 1);
	qsort(du, b->hi - b->lo, sizeof *du, cmp_u32);
	for (size_t i = 0; i < b->hi - b->lo; i++)
		uid_set_add(&ds, &a, &c, du[i], 0);
	uid_set_add(&ds, &a, &c, 0, 1);
	r = uid_fetch_send(sides.src.s, ss.s, "UID BODY.PEEK[]");
	b->tag[0] = sides.src.s->imap_tag;
	if (r == MAILIMAP_NO_ERROR)
		r = uid_fetch_send(sides.dst.s, ds.s, "UID BODY.PEEK[]");
	b->tag[1] = sides.dst.s->imap_tag;
	free(du);
	sb_free(&ss);
	sb_free(&ds);
	return r;
}

/* The digests of one side's answer into the pairs. */
static void
batch_digest(clist *res, int side, struct pair *p, size_t n, const struct duid_ix *dix)
{
	for (clistiter *it = res ? clist_begin(res) : NULL; it; it = clist_next(it)) {
		struct msg_parts m;
		struct pair *q = NULL;
		msg_parts(clist_content(it), &m);
		if (side == 0)
			q = bsearch(&m.uid, p, n, sizeof *p, cmp_suid);
		else {
			struct duid_ix key = { .duid = m.uid }, *d;
			d = bsearch(&key, dix, n, sizeof *dix, cmp_duid);
			q = d ? &p[d->ix] : NULL;
		}
		if (!q || !m.body)
			continue;
		body_digest(m.body, m.len, q->d[side]);
		q->have[side] = 1;
		if (me)
			me->bytes += m.len;
	}
}

/* Compare the bytes of every pair, both sides fetched at once, the next
 * batch asked for while this one is digested. A pair whose digests differ
 * (or whose message could not be read on one side) gets differ[i] = 1
 * (indexes into sm). */
static int
compare_bytes(struct msgs *sm, struct msgs *dm, char *differ)
{
	size_t n = 0;
	struct pair *p;
	struct duid_ix *dix;
	int r = MAILIMAP_NO_ERROR;

	(void)dm;
	for (size_t i = 0; i < sm->n; i++)
		n += sm->m[i].matched == 1;
	if (!n)
		return MAILIMAP_NO_ERROR;
	p = xcalloc(n, sizeof *p);
	dix = xcalloc(n, sizeof *dix);
	for (size_t i = 0, k = 0; i < sm->n; i++)
		if (sm->m[i].matched == 1) {
			p[k].suid = sm->m[i].uid;
			p[k].duid = sm->m[i].peer;
			p[k].size = sm->m[i].size;
			dix[k].duid = p[k].duid;
			dix[k].ix = (uint32_t)k;
			k++;
		}
	qsort(dix, n, sizeof *dix, cmp_duid);
	/* two batches in flight on each side, so that no server waits for
	 * the next command while this one is digested */
	struct batch bt[2];
	bt[0].lo = 0;
	bt[0].hi = batch_end(p, n, 0);
	bt[1].lo = bt[0].hi;
	bt[1].hi = batch_end(p, n, bt[1].lo);
	int inflight = 0;
	for (int k = 0; k < 2 && r == MAILIMAP_NO_ERROR && bt[k].lo < bt[k].hi; k++, inflight++)
		r = batch_send(p, &bt[k]);
	for (int k = 0; r == MAILIMAP_NO_ERROR && inflight; k ^= 1) {
		clist *sres = NULL, *dres = NULL;
		r = uid_fetch_recv_tag(sides.src.s, bt[k].tag[0], &sres);
		if (r == MAILIMAP_NO_ERROR || r == MAILIMAP_ERROR_UID_FETCH)
			r = uid_fetch_recv_tag(sides.dst.s, bt[k].tag[1], &dres);
		if (r == MAILIMAP_ERROR_UID_FETCH)
			r = MAILIMAP_NO_ERROR;	/* what could not be read differs */
		inflight--;
		/* this slot's next batch: after the one still in flight */
		bt[k].lo = bt[k ^ 1].hi > bt[k].hi ? bt[k ^ 1].hi : bt[k].hi;
		bt[k].hi = batch_end(p, n, bt[k].lo);
		if (r == MAILIMAP_NO_ERROR && bt[k].lo < bt[k].hi) {
			r = batch_send(p, &bt[k]);
			inflight++;
		}
		batch_digest(sres, 0, p, n, dix);
		batch_digest(dres, 1, p, n, dix);
		if (sres)
			mailimap_fetch_list_free(sres);
		if (dres)
			mailimap_fetch_list_free(dres);
	}
	if (r == MAILIMAP_NO_ERROR)
		for (size_t i = 0, k = 0; i < sm->n; i++) {
			if (sm->m[i].matched != 1)
				continue;
			if (!p[k].have[0] || !p[k].have[1] || memcmp(p[k].d[0], p[k].d[1], 32) != 0)
				differ[i] = 1;
			k++;
		}
	free(p);
	free(dix);
	return r;
}

/* ---- one folder ---- */

/* What each Source message is (found, differing, skipped, known or
 * missing), counted into t; why[i] says which of the last three. The
 * messages that need a line get their UID in inf, in order. Returns how
 * many. */
static size_t
classify(const struct folder *sf, const struct msgs *sm, const struct msgs *dm,
    const char *differ, char *why, struct msg_info *inf, struct tally *t)
{
	size_t ninf = 0;

	t->n[N_SOURCE] = sm->n;
	for (size_t i = 0; i < sm->n; i++) {
		const struct msg *m = &sm->m[i];
		if (m->matched) {
			t->n[N_FOUND]++;
			if (differ[i])
				t->n[N_DIFFER]++;
			else
				continue;
		} else if (sides.max_size && m->size > sides.max_size) {
			t->n[N_SKIPPED]++;
			why[i] = 's';
		} else {
			const char *said = copyrep_find(sf->utf8, m->uid);
			if (said && strncmp(said, "skipped", 7) == 0) {
				t->n[N_SKIPPED]++;
				why[i] = 's';
			} else if (said) {
				t->n[N_KNOWN]++;
				why[i] = 'k';
			} else {
				t->n[N_MISSING]++;
				why[i] = 'm';
			}
		}
		inf[ninf++].uid = m->uid;
	}
	for (size_t j = 0; j < dm->n; j++)
		t->n[N_EXTRA] += !dm->m[j].matched;
	return ninf;
}

/* The lines: one per Source message that is not as it should be, with
 * what classify found and what inf holds of it. */
static void
msg_lines(const struct folder *sf, const struct msgs *sm, struct msgs *dm,
    const char *differ, const char *why, const struct msg_info *inf, int there)
{
	struct strbuf det = { 0 };

	for (size_t i = 0, k = 0; i < sm->n; i++) {
		const struct msg *m = &sm->m[i];
		if (m->matched && !differ[i])
			continue;
		const struct msg_info *in = &inf[k++];
		sb_reset(&det);
		if (!m->matched) {
			const char *said = copyrep_find(sf->utf8, m->uid);
			if (why[i] == 's' && !said)
				sb_printf(&det, "larger than -L %lu", sides.max_size);
			else if (said)
				sb_printf(&det, "imap-copy: %s", said);
			else
				sb_adds(&det, there ? "not on the destination" :
				    "the destination has no such folder");
			report_msg(why[i] == 's' ? "skipped" : why[i] == 'k' ? "known" : "missing",
			    sf->utf8, m, in, det.s);
			continue;
		}
		if (differ[i] == 1)
			sb_adds(&det, "content differs");
		else {
			const struct msg *d = msgs_find(dm, m->peer);
			sb_printf(&det, "flags: source (%s) destination (%s)", m->flags,
			    d ? d->flags : "");
		}
		report_msg("differs", sf->utf8, m, in, det.s);
	}
	sb_free(&det);
}

/* Check Source folder sf against Destination path dpath. Returns 0 when
 * checked (t filled, lines written), 1 when a connection broke (the caller
 * opens both again and checks the folder anew), -1 when it cannot be
 * checked (why in err). */
static int
verify_folder(const struct folder *sf, const char *dpath, const struct folders *dfs,
    const char *note, struct tally *t, char *err, size_t errlen)
{
	struct strbuf wire = { 0 }, nb = { 0 };
	struct msgs sm = { 0 }, dm = { 0 };
	struct msg_info *inf = NULL, *xinf = NULL;
	char *differ = NULL, *why = NULL;
	size_t ninf = 0, nx = 0;
	int r, ret = 1, there;

	memset(t, 0, sizeof *t);
	folders_dest_name(dpath, dfs->sep, &wire);
	there = folders_find(dfs, wire.s) != NULL;
	pool_progress(me, sf->utf8, 0, 0);
	r = folder_pair_list(sides.src.s, sf->name, sides.dst.s, there ? wire.s : NULL,
	    PAIR_DST_ALWAYS | PAIR_FLAGS,
	    &sm, &dm, NULL, err, errlen);
	if (r == -1) {
		ret = -1;
		goto out;
	}
	if (r != MAILIMAP_NO_ERROR)
		goto out;
	pool_progress(me, sf->utf8, sm.n, sm.n);

	/* what each Source message is, and which need a line */
	differ = xcalloc(sm.n + 1, 1);
	why = xcalloc(sm.n + 1, 1);
	for (size_t i = 0; i < sm.n; i++) {
		struct msg *m = &sm.m[i];
		if (m->matched) {
			struct msg *d = msgs_find(&dm, m->peer);
			if (d && strcmp(m->flags, d->flags) != 0)
				differ[i] = 2;
		}
	}
	if (bytes_mode && (r = compare_bytes(&sm, &dm, differ)) != MAILIMAP_NO_ERROR)
		goto out;
	inf = xcalloc(sm.n + 1, sizeof *inf);
	ninf = classify(sf, &sm, &dm, differ, why, inf, t);
	if (ninf && (r = msgs_fetch_info(sides.src.s, inf, ninf)) != MAILIMAP_NO_ERROR)
		goto out;
	if (verbose && t->n[N_EXTRA]) {
		xinf = xcalloc(t->n[N_EXTRA], sizeof *xinf);
		for (size_t j = 0; j < dm.n; j++)
			if (!dm.m[j].matched)
				xinf[nx++].uid = dm.m[j].uid;
		if ((r = msgs_fetch_info(sides.dst.s, xinf, nx)) != MAILIMAP_NO_ERROR)
			goto out;
	}

	msg_lines(sf, &sm, &dm, differ, why, inf, there);
	for (size_t j = 0; j < nx; j++) {
		struct msg *d = msgs_find(&dm, xinf[j].uid);
		if (d)
			report_msg("extra", dpath, d, &xinf[j], "not in the source folder");
	}
	if (!there)
		sb_adds(&nb, "the destination has no such folder");
	if (note)
		sb_printf(&nb, "%s%s", nb.len ? "; " : "", note);
	report_counts(status_of(t), "mail", account, sf->utf8, dpath, t, 0, nb.s ? nb.s : "");
	ret = 0;
out:
	msg_info_free(inf, ninf);
	msg_info_free(xinf, nx);
	free(differ);
	free(why);
	msgs_free(&sm);
	msgs_free(&dm);
	sb_free(&wire);
	sb_free(&nb);
	return ret;
}

/* Destination folders that no Source folder maps to, holding messages:
 * reported (mail delivered there after the switch is normal), never a
 * failure. */
static void
extra_folders(const struct folders *dfs, const char *used)
{
	for (size_t i = 0; i < dfs->n; i++) {
		const struct folder *f = &dfs->f[i];
		if (used[i] || f->noselect)
			continue;
		if (mailimap_examine(sides.dst.s, f->name) != MAILIMAP_NO_ERROR)
			continue;
		uint32_t n = sides.dst.s->imap_selection_info ?
		    sides.dst.s->imap_selection_info->sel_exists : 0;
		if (!n)
			continue;
		struct tally t = { { 0 } };
		struct strbuf p = { 0 };
		t.n[N_EXTRA] = n;
		folder_path(f->utf8, f->sep, &p);
		report_counts("extra", "mail", account, "-", p.s, &t, 0,
		    "no source folder goes there");
		sb_free(&p);
	}
}

/* ---- one account ---- */

static int
verify_account(void *ctx, size_t job, struct pool_slot *slot)
{
	const struct accounts *acc = ctx;
	const char *slogin = acc->v[job].src, *dlogin = acc->v[job].dst;
	char err[512] = "";
	struct folders sfs = { 0 }, dfs = { 0 };
	struct strbuf dpath = { 0 }, prefix = { 0 }, wire = { 0 };
	struct tally at = { { 0 } };
	char *used = NULL;
	int status = ST_OK, unchecked = 0;

	me = slot;
	account = slogin;
	sides.src.login = slogin;
	sides.dst.login = dlogin;
	snprintf(me->account, sizeof me->account, "%s", slogin);
	if (sides_open(&sides, err, sizeof err) < 0)
		goto notchecked;
	for (int attempt = 0;; attempt++) {
		if (folders_list_both(sides.src.s, &sfs, sides.dst.s, &dfs) == MAILIMAP_NO_ERROR)
			break;
		snprintf(err, sizeof err, "cannot list the folders");
		if (attempt >= SIDE_RETRIES || sides_open(&sides, err, sizeof err) < 0)
			goto notchecked;
	}
	folders_prepare_map(&fmap, &sfs, &dfs, &prefix);
	used = xcalloc(dfs.n + 1, 1);
	for (size_t i = 0; i < sfs.n; i++) {
		const struct folder *sf = &sfs.f[i];
		const char *note;
		struct tally t;
		if (sf->noselect || !folder_map(&fmap, sf->utf8, sf->sep, sf->su, &dpath, &note))
			continue;
		folders_dest_name(dpath.s, dfs.sep, &wire);
		const struct folder *df = folders_find(&dfs, wire.s);
		if (df)
			used[df - dfs.f] = 1;
		int r, attempt = 0;
		while ((r = verify_folder(sf, dpath.s, &dfs, note, &t, err, sizeof err)) == 1) {
			/* a connection broke: both again, and the folder anew */
			snprintf(err, sizeof err, "the connection broke again and again");
			if (++attempt > SIDE_RETRIES)
				break;
			sleep(1u << (attempt - 1) > 16 ? 16 : 1u << (attempt - 1));
			if (sides_open(&sides, err, sizeof err) < 0)
				break;
			folders_list(sides.dst.s, &dfs);
		}
		if (r != 0) {
			struct tally z = { { 0 } };
			report_counts("failed", "mail", account, sf->utf8, dpath.s, &z, 0, err);
			unchecked++;
			if (!sides.src.s || !sides.dst.s) {
				snprintf(err, sizeof err, "the sessions could not be opened again");
				goto notchecked;
			}
			continue;
		}
		for (int c = 0; c < N_FOLDERS; c++) {
			at.n[c] += t.n[c];
			me->count[c] += t.n[c];
		}
		at.n[N_FOLDERS]++;
	}
	extra_folders(&dfs, used);
	if (unchecked) {
		snprintf(err, sizeof err, "%d folder%s not checked", unchecked,
		    unchecked > 1 ? "s" : "");
		report_counts("failed", "account", slogin, dlogin, NULL, &at, 1, err);
		status = ST_FAIL;
	} else {
		report_counts(status_of(&at), "account", slogin, dlogin, NULL, &at, 1, "");
		status = strcmp(status_of(&at), "ok") ? ST_DIFF : ST_OK;
	}
	me->count[N_FOLDERS] += at.n[N_FOLDERS];
	goto out;
notchecked:
	report_counts("failed", "account", slogin, dlogin, NULL, &at, 1, err);
	me->count[N_FOLDERS + 1]++;	/* accounts not checked */
	status = ST_FAIL;
out:
	side_close(&sides.src);
	side_close(&sides.dst);
	folders_free(&sfs);
	folders_free(&dfs);
	free(used);
	sb_free(&dpath);
	sb_free(&prefix);
	sb_free(&wire);
	fmap.prefix = NULL;
	return status;
}

/* A worker that died: its account is said not checked, never left out. */
static void
account_done(void *ctx, size_t job, int wstatus, const struct pool_slot *sl)
{
	const struct accounts *acc = ctx;
	struct tally z = { { 0 } };

	(void)sl;
	if (WIFSIGNALED(wstatus))
		report_counts("failed", "account", acc->v[job].src, acc->v[job].dst, NULL, &z, 1,
		    "not checked: the check died");
}

int
verify_mail(int argc, char **argv)
{
	struct accounts acc = { 0 };
	struct pool pool;
	int ch, status;
	static const struct option longopts[] = {
		IMAPSIDE_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};

	sides_init(&sides);
	optind = 1;
	while ((ch = getopt_long(argc, argv, IMAPSIDE_OPTS FOLDERMAP_OPTS "bc:v",
	    longopts, NULL)) != -1) {
		if (sides_option(&sides, ch, optarg) || foldermap_option(&fmap, ch, optarg))
			continue;
		switch (ch) {
		case 'b': bytes_mode = 1; break;
		case 'c': read_copyrep(optarg); break;
		case 'v': verbose = 1; break;
		default:
			mig_check_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (!sides.srcurl || !sides.dsturl)
		die("verify mail: -S and -D name the Source and the Destination");
	sides_finish(&sides, SRC_ENV, DST_ENV);
	status = accounts_read(&acc, argc, argv, sides.listfile) ? ST_FAIL : ST_OK;

	int worst = pool_run(&pool, sides.jobs, acc.n, verify_account, account_done, &acc);
	if (worst > status)
		status = worst;
	if (pool.tty || verbose) {
		double secs = difftime(time(NULL), pool.t0);
		fprintf(stderr,
		    "mig-check: mail: %zu accounts (%lu not checked), %lu folders\n"
		    "  %10s %10s %10s %10s %10s %10s %10s\n"
		    "  %10lu %10lu %10lu %10lu %10lu %10lu %10lu\n"
		    "  %.0f s, %.1f MB compared\n",
		    acc.n, pool.count[N_FOLDERS + 1], pool.count[N_FOLDERS],
		    "source", "found", "missing", "known", "skipped", "extra", "differing",
		    pool.count[N_SOURCE], pool.count[N_FOUND], pool.count[N_MISSING],
		    pool.count[N_KNOWN], pool.count[N_SKIPPED], pool.count[N_EXTRA],
		    pool.count[N_DIFFER], secs, (double)pool.bytes / 1e6);
	}
	accounts_free(&acc);
	sides_free(&sides);
	return status;
}
