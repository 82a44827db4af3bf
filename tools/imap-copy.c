/* imap-copy: every folder, message, flag and internal date of each account
 * from the Source IMAP server to the Destination's. The Source is only read
 * (EXAMINE, BODY.PEEK). Nothing is remembered between runs: each folder is
 * compared anew, a message known by its Message-ID (or a digest of its
 * headers), internal date and size, so a re-run, or a run after kill -9,
 * copies only what is missing and never the same message twice. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "../common/acctlist.h"
#include "../common/diag.h"
#include "../common/foldermap.h"
#include "../common/imapside.h"
#include "../common/num.h"
#include "../common/mailbox.h"
#include "../common/out.h"
#include "../common/pool.h"
#include "../common/report.h"
#include "../common/strbuf.h"
#include "../common/strmap.h"
#include "imap-copy/imap-copy.h"

#define SRC_ENV "IMAP_COPY_SOURCE_PASSWORD"
#define DST_ENV "IMAP_COPY_DEST_PASSWORD"
#define RETRIES SIDE_RETRIES

static void
usage(void)
{
	fprintf(stderr,
	    "usage: imap-copy [-nv] -S url -D url [-C cafile] [--insecure]\n"
	    "                 [--source-plaintext] [--dest-plaintext]\n"
	    "                 [--keep-dest-flags] [--mirror-before time]\n"
	    "                 [-a admin] [-y passfile] [-p passwords]\n"
	    "                 [-A admin] [-Y passfile] [-P passwords]\n"
	    "                 [-j jobs] [-J conns] [-L maxsize] [-i pattern]... [-x pattern]...\n"
	    "                 [-M src=dst]... [-l accountlist] [account[=destaccount] ...]\n");
	exit(2);
}

struct imap_sides sides;
static struct foldermap fmap;
static int dry_run, verbose;
int conns = 1;
static int keep_dest_flags;	/* --keep-dest-flags: the Destination's flags are left alone */
static int64_t mirror_cutoff;	/* --mirror-before: remove what the Source no longer has */
struct pool_slot *me;		/* the worker's counters */
const char *account;		/* the Source login of the current account */

/* the worker's counters in its pool slot */
enum { C_COPIED, C_SKIPPED, C_FAILED, C_ALREADY, C_FLAGGED, C_REMOVED };

#define report report_atomic

void
progress(const char *folder, unsigned long done, unsigned long total)
{
	pool_progress(me, folder, done, total);
}

/* ---- one folder ---- */

/* One Source folder copied into its Destination folder, and what its report
 * line says. The answer to its last MULTIAPPEND may be left unread while
 * the next folder is listed (pending): the Destination stores that batch
 * while the Source works on the next folder. Its line waits for it. */
struct fcopy {
	const struct folder *sf;
	struct strbuf dpath, wire;	/* the mapped path; the Destination's name */
	const char *note;
	int shared;		/* other Source folders go there too: not mirrored */
	struct fstats st;
	struct kwnote kn;
	char fail_why[300], mirror_why[300];
	struct batch last;	/* its last MULTIAPPEND, while pending */
	struct prefetch pre;	/* its first batch, fetched while listing */
	int pending;		/* last's answer is still to be read */
	int settled;		/* read, the line not written yet */
	int broke;		/* lost with the connection: the folder starts over */
};

static int account_failed;	/* a folder of this account failed */

/* Read what prev is owed by the Destination (nothing when prev is NULL or
 * not pending); a refused batch is stored one message at a time. Returns
 * 0, or the libetpan error that broke the connection (prev->broke). */
static int
prev_settle(void *p)
{
	struct fcopy *prev = p;
	int r;

	if (!prev || !prev->pending)
		return MAILIMAP_NO_ERROR;
	prev->pending = 0;
	r = settle(prev->sf, prev->wire.s, &prev->last, NULL, &prev->st);
	if (prev->last.res)
		mailimap_fetch_list_free(prev->last.res);
	prev->last.res = NULL;
	if (r != MAILIMAP_NO_ERROR)
		prev->broke = 1;
	else
		prev->settled = 1;
	return r;
}

/* The folder's counts added to the account's. */
static void
folder_count(struct fcopy *fc)
{
	if (fc->st.failed)
		account_failed = 1;
	me->count[C_COPIED] += fc->st.copied;
	me->count[C_ALREADY] += fc->st.already;
	me->count[C_FAILED] += fc->st.failed;
	me->count[C_SKIPPED] += fc->st.skipped;
	me->count[C_FLAGGED] += fc->st.flagged;
	me->count[C_REMOVED] += fc->st.removed;
}

/* The folder's report line, and its counts added to the account's. */
static void
folder_done(struct fcopy *fc)
{
	struct fstats *st = &fc->st;
	char c[8][24];
	struct strbuf nb = { 0 };

	if (*fc->fail_why)
		sb_adds(&nb, fc->fail_why);
	if (*fc->mirror_why)
		sb_printf(&nb, "%s%s", nb.len ? "; " : "", fc->mirror_why);
	if (fc->note)
		sb_printf(&nb, "%s%s", nb.len ? "; " : "", fc->note);
	if (fc->kn.renamed.s)
		sb_printf(&nb, "%skeywords renamed: %s", nb.len ? "; " : "", fc->kn.renamed.s);
	if (fc->kn.dropped.s)
		sb_printf(&nb, "%skeywords dropped: %s", nb.len ? "; " : "", fc->kn.dropped.s);
	snprintf(c[0], 24, "%lu", st->count);
	snprintf(c[1], 24, "%lu", st->copied);
	snprintf(c[2], 24, "%lu", st->already);
	snprintf(c[3], 24, "%lu", st->failed);
	snprintf(c[4], 24, "%lu", st->skipped);
	snprintf(c[5], 24, "%lu", st->bytes);
	snprintf(c[6], 24, "%lu", st->flagged);
	snprintf(c[7], 24, "%lu", st->removed);
	report(dry_run ? "plan" : st->failed ? "failed" : "ok", account,
	    fc->sf->utf8, fc->dpath.s, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
	    nb.s ? nb.s : "", NULL);
	sb_free(&nb);
	folder_count(fc);
}

/* The folder given up: a line that says why. */
static void
folder_failed(struct fcopy *fc, const char *why)
{
	report("failed", account, fc->sf->utf8, fc->dpath.s, "", "", "", "", "", "", "", "",
	    why, NULL);
	fc->st.failed++;
	folder_count(fc);
}

/* prev's line, once its last answer was read. */
static void
prev_report(struct fcopy *prev)
{
	if (prev && prev->settled) {
		prev->settled = 0;
		folder_done(prev);
	}
}

/* A new Destination folder made, and subscribed when sub, after what the
 * folder before is owed. */
struct make_job {
	mailimap *s;
	const char *wire;
	int subscribe, r;
	struct fcopy *prev;
};

static void
make_folder(void *p)
{
	struct make_job *j = p;

	if ((j->r = prev_settle(j->prev)) != MAILIMAP_NO_ERROR)
		return;
	j->r = mailimap_create(j->s, j->wire);
	if (j->r == MAILIMAP_NO_ERROR && j->subscribe)
		mailimap_subscribe(j->s, j->wire);
}

/* The Source folder listed, the Destination having none yet; then, as
 * nothing is to be matched, its first batch fetched (fc->pre) while the
 * Destination is still busy. */
struct src_job {
	struct fcopy *fc;
	unsigned how;
	struct msgs *sm, *dm;
	int r;
};

static void
list_source(void *p)
{
	struct src_job *j = p;
	struct fcopy *fc = j->fc;

	j->r = folder_pair_list(sides.src.s, fc->sf->name, sides.dst.s, NULL, j->how, j->sm,
	    j->dm, &fc->kn, fc->fail_why, sizeof fc->fail_why);
	if (j->r == MAILIMAP_NO_ERROR && j->sm->n)
		j->r = copy_prefetch(fc->sf, j->sm, &fc->st, &fc->pre);
}

/* What the listing of a folder asks for. */
static unsigned
pair_how(int mirror)
{
	unsigned how = 0;

	/* the flags of both sides, to carry the Source's to the copies; the
	 * Destination folder SELECTed to store them */
	if (!keep_dest_flags)
		how |= PAIR_FLAGS;
	if (mirror)
		how |= PAIR_DST_ALWAYS;		/* an emptied Source folder too */
	if (how && !dry_run)
		how |= PAIR_DST_WRITE;
	/* a Destination without the folder: UIDs and sizes are all the copy
	 * needs, and the Source reads no message for the listing */
	return how | PAIR_SRC_BARE;
}

/* Both folders listed and matched (sm, dm), the Destination's made when it
 * has none, after prev's last answer is read on the Destination's side.
 * Returns 0; -1 when the folder cannot be copied (why in fc); or the
 * libetpan error that broke a connection. */
static int
list_pair(struct fcopy *fc, struct fcopy *prev, const struct folder *df, unsigned how,
    struct msgs *sm, struct msgs *dm)
{
	const struct folder *sf = fc->sf;
	const char *wire = fc->wire.s;
	int r, list_there = df != NULL;
	struct make_job mj = { sides.dst.s, wire,
	    sf->subscribed && !dry_run && !(df && df->subscribed), MAILIMAP_NO_ERROR, prev };

	if (!df && !dry_run) {
		/* a new folder, so empty: made (and subscribed) on the
		 * Destination while the Source folder is listed */
		struct src_job sj = { fc, how, sm, dm, 0 };
		run_both(make_folder, &mj, list_source, &sj);
		prev_report(prev);
		if (imap_broken(mj.r))
			return mj.r;
		if (mj.r == MAILIMAP_NO_ERROR)
			return sj.r;
		/* perhaps made meanwhile: only a failed SELECT later counts;
		 * what is there will be matched */
		prefetch_free(&fc->pre);
		if (mailimap_examine(sides.dst.s, wire) != MAILIMAP_NO_ERROR) {
			snprintf(fc->fail_why, sizeof fc->fail_why, "cannot create the folder: %s",
			    imap_last_text(sides.dst.s));
			return -1;
		}
		list_there = 1;
		if (mj.subscribe)
			mailimap_subscribe(sides.dst.s, wire);
	} else if (mj.subscribe) {
		r = prev_settle(prev);
		prev_report(prev);
		if (r != MAILIMAP_NO_ERROR)
			return r;
		mailimap_subscribe(sides.dst.s, wire);
	}
	r = folder_pair_list_after(prev && prev->pending ? prev_settle : NULL, prev,
	    sides.src.s, sf->name, sides.dst.s, list_there ? wire : NULL, how, sm, dm,
	    &fc->kn, fc->fail_why, sizeof fc->fail_why);
	prev_report(prev);
	return r;
}

/* Copy fc's folder, after reading what prev (the folder before, or NULL)
 * is owed. Returns 0 when done (even with failed messages; fc pending
 * when its last answer is still to be read), 1 when a connection broke
 * (try again; prev->broke when prev's answer was lost with it). */
static int
copy_folder(struct fcopy *fc, struct fcopy *prev, struct folders *dfs)
{
	struct fstats *st = &fc->st;
	struct msgs sm = { 0 }, dm = { 0 };
	int r, ret = 1;
	int mirror = mirror_cutoff && !fc->shared;

	memset(st, 0, sizeof *st);
	memset(&fc->last, 0, sizeof fc->last);
	fc->pending = fc->settled = fc->broke = 0;
	*fc->fail_why = *fc->mirror_why = '\0';
	kwnote_free(&fc->kn);
	folders_dest_name(fc->dpath.s, dfs->sep, &fc->wire);
	progress(fc->sf->utf8, 0, 0);
	r = list_pair(fc, prev, folders_find(dfs, fc->wire.s), pair_how(mirror), &sm, &dm);
	if (r == -1) {
		st->failed++;
		goto done;
	}
	if (r != MAILIMAP_NO_ERROR)
		goto broke;
	st->count = sm.n;
	for (size_t i = 0; i < sm.n; i++)
		st->already += sm.m[i].matched != 0;
	progress(fc->sf->utf8, st->already, st->count);
	if (!keep_dest_flags) {
		r = flags_follow(sides.dst.s, account, fc->sf->utf8, &sm, &dm, dry_run,
		    &st->flagged, &st->failed);
		if (r != MAILIMAP_NO_ERROR)
			goto broke;
	}
	if (mirror) {
		r = mirror_remove(sides.dst.s, account, fc->sf->utf8, fc->dpath.s, &dm,
		    mirror_cutoff, dry_run, &st->removed, fc->mirror_why, sizeof fc->mirror_why);
		if (r == -1)
			st->failed++;
		else if (r != MAILIMAP_NO_ERROR)
			goto broke;
	} else if (mirror_cutoff)
		snprintf(fc->mirror_why, sizeof fc->mirror_why,
		    "not mirrored: other source folders go to this folder too");
	if (dry_run)
		st->copied = sm.n - st->already;
	else if (copy_split(fc->sf, fc->wire.s, &sm, st, &fc->last, &fc->pre))
		goto broke;
done:
	if (fc->last.pending)
		fc->pending = 1;
	else
		folder_done(fc);
	ret = 0;
broke:
	prefetch_free(&fc->pre);
	msgs_free(&sm);
	msgs_free(&dm);
	return ret;
}

/* Copy fc's folder (prev: as for copy_folder) until it is done: a
 * connection that breaks is opened again and the folder started over,
 * prev's first when its last answer was lost; what was copied is found
 * there. fc NULL: only prev's answer. */
static void
run_folder(struct fcopy *fc, struct fcopy *prev, struct folders *dfs)
{
	char err[512];
	const char *why;

	for (int attempt = 1;; attempt++) {
		int r;
		if (fc)
			r = copy_folder(fc, prev, dfs);
		else {
			r = prev_settle(prev) != MAILIMAP_NO_ERROR;
			prev_report(prev);
		}
		if (!r)
			return;
		why = "the connection broke again and again";
		if (attempt > RETRIES)
			break;
		sleep(1u << (attempt - 1) > 16 ? 16 : 1u << (attempt - 1));
		if (sides_open(&sides, err, sizeof err) < 0) {
			why = err;
			break;
		}
		/* the new session must know which folders exist now */
		folders_list(sides.dst.s, dfs);
		if (prev && prev->broke) {
			prev->broke = 0;
			run_folder(prev, NULL, dfs);	/* it may be pending again */
		}
	}
	if (prev && prev->broke) {
		prev->broke = 0;
		folder_failed(prev, why);
	}
	if (fc) {
		if (fc->last.res)
			mailimap_fetch_list_free(fc->last.res);
		fc->last.res = NULL;
		fc->pending = 0;
		folder_failed(fc, why);
	}
}

/* ---- one account ---- */

/* A worker: one account. Returns 1 when anything failed. */
static int
copy_account(void *ctx, size_t job, struct pool_slot *slot)
{
	const struct accounts *acc = ctx;
	const char *slogin = acc->v[job].src, *dlogin = acc->v[job].dst;
	char err[512];
	struct folders sfs = { 0 }, dfs = { 0 };
	struct strbuf dpath = { 0 }, prefix = { 0 };
	struct strmap targets = { 0 };	/* Destination path -> Source folders going there */
	struct fcopy fc[2], *prev = NULL;
	size_t k = 0;

	memset(fc, 0, sizeof fc);
	me = slot;
	account = slogin;
	account_failed = 0;
	sides.src.login = slogin;
	sides.dst.login = dlogin;
	snprintf(me->account, sizeof me->account, "%s", slogin);
	if (sides_open(&sides, err, sizeof err) < 0) {
		report("failed", slogin, "-", "-", "", "", "", "", "", "", "", "", err, NULL);
		side_close(&sides.src);
		side_close(&sides.dst);
		return 1;
	}
	multiappend = imap_has_cap(sides.dst.s, "MULTIAPPEND") && imap_has_cap(sides.dst.s, "LITERAL+");
	for (int attempt = 0;; attempt++) {
		if (folders_list_both(sides.src.s, &sfs, sides.dst.s, &dfs) == MAILIMAP_NO_ERROR)
			break;
		if (attempt >= RETRIES || sides_open(&sides, err, sizeof err) < 0) {
			report("failed", slogin, "-", "-", "", "", "", "", "", "", "", "",
			    "cannot list the folders", NULL);
			account_failed = 1;
			goto out;
		}
	}
	folders_prepare_map(&fmap, &sfs, &dfs, &prefix);
	/* how many Source folders go to each Destination folder: one that
	 * gathers several is not mirrored (each would remove the others') */
	for (size_t i = 0; i < sfs.n; i++) {
		const char *note;
		int isnew;
		if (sfs.f[i].noselect ||
		    !folder_map(&fmap, sfs.f[i].utf8, sfs.f[i].sep, sfs.f[i].su, &dpath, &note))
			continue;
		struct strmap_ent *e = strmap_put(&targets, dpath.s, dpath.len, &isnew);
		e->aux++;
	}
	for (size_t i = 0; i < sfs.n; i++) {
		const struct folder *sf = &sfs.f[i];
		struct fcopy *cur = &fc[k++ % 2];
		if (sf->noselect || !folder_map(&fmap, sf->utf8, sf->sep, sf->su, &dpath, &cur->note)) {
			k--;
			continue;
		}
		struct strmap_ent *e = strmap_get(&targets, dpath.s, dpath.len);
		cur->sf = sf;
		cur->shared = e && e->aux > 1;
		sb_reset(&cur->dpath);
		sb_adds(&cur->dpath, dpath.s);
		run_folder(cur, prev, &dfs);
		prev = cur;
	}
	run_folder(NULL, prev, &dfs);
	if (mirror_cutoff)
		extra_folders(sides.dst.s, account, &dfs, &targets);
out:
	side_close(&sides.src);
	side_close(&sides.dst);
	for (int i = 0; i < 2; i++) {
		sb_free(&fc[i].dpath);
		sb_free(&fc[i].wire);
		kwnote_free(&fc[i].kn);
	}
	strmap_free(&targets);
	folders_free(&sfs);
	folders_free(&dfs);
	sb_free(&dpath);
	sb_free(&prefix);
	fmap.prefix = NULL;
	return account_failed;
}

/* ---- options ---- */

/* The options, checked (a problem is a usage error, exit 2); the
 * account operands left in argv from *first on. */
static void
read_options(int argc, char **argv, int *first)
{
	int ch;
	static const struct option longopts[] = {
		IMAPSIDE_LONGOPTS,
		{ "keep-dest-flags", no_argument, NULL, 'k' },
		{ "mirror-before", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};

	sides_init(&sides);
	while ((ch = getopt_long(argc, argv, IMAPSIDE_OPTS FOLDERMAP_OPTS "J:nv",
	    longopts, NULL)) != -1) {
		if (sides_option(&sides, ch, optarg) || foldermap_option(&fmap, ch, optarg))
			continue;
		switch (ch) {
		case 'J':
			conns = (int)num_option("-J", optarg, 1, 16, "connections for one folder");
			break;
		case 'k': keep_dest_flags = 1; break;
		case 'm':
			if ((mirror_cutoff = cutoff_parse(optarg)) <= 0)
				die("--mirror-before %s: a time such as 2026-12-01T18:00 (local), "
				    "2026-12-01T18:00Z, 2026-12-01T18:00+01:00 or @SECONDS", optarg);
			if (mirror_cutoff > (int64_t)time(NULL))
				die("--mirror-before %s: the cut-off is in the future; mail delivered "
				    "to the destination until then could be removed", optarg);
			break;
		case 'n': dry_run = 1; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	*first = optind;
	if (getenv("IMAP_COPY_CRASH_AFTER"))
		crash_after = atol(getenv("IMAP_COPY_CRASH_AFTER"));
	if (!sides.srcurl || !sides.dsturl)
		usage();
	sides_finish(&sides, SRC_ENV, DST_ENV);
	if (mirror_cutoff) {
		char when[32];
		msg_iso_date(when, sizeof when, mirror_cutoff);
		warnmsg("--mirror-before %s: destination messages older than that which the source "
		    "no longer has are REMOVED%s", when, dry_run ? " (dry run: listed only)" : "");
	}
}

/* The run's totals on standard error (a terminal, or -v). */
static void
summary(const struct pool *pool, size_t accounts)
{
	double secs = difftime(time(NULL), pool->t0);
	unsigned long copied = pool->count[C_COPIED];

	if (!pool->tty && !verbose)
		return;
	fprintf(stderr, "imap-copy: %zu accounts: %lu messages %s, %lu already there, "
	    "%lu with flags %s, %lu %s, %lu skipped, %lu failed, %.1f MB in %.0f s "
	    "(%.0f messages/s)\n",
	    accounts, copied, dry_run ? "to copy" : "copied", pool->count[C_ALREADY],
	    pool->count[C_FLAGGED], dry_run ? "to update" : "updated",
	    pool->count[C_REMOVED], dry_run ? "to remove" : "removed",
	    pool->count[C_SKIPPED], pool->count[C_FAILED], (double)pool->bytes / 1e6, secs,
	    secs > 0 ? (double)copied / secs : (double)copied);
}

int
main(int argc, char **argv)
{
	struct accounts acc = { 0 };
	struct pool pool;
	int first, status;

	diag_init(argv[0]);
	out_init();
	read_options(argc, argv, &first);
	status = accounts_read(&acc, argc - first, argv + first, sides.listfile);
	if (pool_run(&pool, sides.jobs, acc.n, copy_account, NULL, &acc))
		status = 1;
	summary(&pool, acc.n);
	accounts_free(&acc);
	sides_free(&sides);
	out_close_stdout();
	return status;
}
