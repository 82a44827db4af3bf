/* mig-check preflight mail: before a migration, what imap-copy will meet,
 * per account of the list: the Source login, the Destination account (there,
 * or not there yet), folders, messages and bytes, every message the
 * Destination will refuse (over its size limit, zero length, a date after
 * 2038), folders renamed or merged on the way and keywords changed, with
 * imap-copy's own folder map and flag rules (common/). An estimate of the
 * copy time from the bytes and a rate measured on a sample. Reads only:
 * STATUS, EXAMINE, FETCH of sizes, dates and flags, BODY.PEEK for the
 * sample. Memory: one chunk of a folder's listing at a time. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "../../common/acctlist.h"
#include "../../common/diag.h"
#include "../../common/foldermap.h"
#include "../../common/imapside.h"
#include "../../common/mailbox.h"
#include "../../common/pool.h"
#include "../../common/report.h"
#include "../../common/strbuf.h"
#include "mig-check.h"

#define SRC_ENV "MIG_CHECK_SOURCE_PASSWORD"
#define DST_ENV "MIG_CHECK_DEST_PASSWORD"
#define CHUNK 1000		/* messages listed per FETCH */
#define CARBONIO_LIMIT 10240000UL	/* Carbonio's default message size limit */
#define DATE_MAX 2147483647LL	/* 2038-01-19T03:14:07Z: later dates are refused */
#define SAMPLE_ACCOUNTS 4	/* accounts whose reading is timed ... */
#define SAMPLE_MSGS 64		/* ... on at most this many messages */
#define SAMPLE_BYTES (4 << 20)	/* ... and this many bytes */

static struct imap_sides sides;
static struct foldermap fmap;
static int verbose;
static int src_up, dst_up;	/* the servers answered at the start */
static int dst_admin_bad;	/* the Destination's administrator is refused */
static unsigned long dst_caplimit;	/* APPENDLIMIT before login, 0 none */

/* A worker's counters (pool_slot.count), summed by the pool; C_LARGEST
 * and C_LIMIT are taken as maximum and minimum in account_done instead.
 * The sample's bytes are the slot's bytes. */
enum { C_SRC_FAIL, C_DST_THERE, C_DST_NOTYET, C_FOLDERS, C_MSGS, C_BYTES, C_REFUSED,
	C_SKIPPED, C_FOLDER_WARN, C_SAMPLE_USEC, C_LARGEST, C_LIMIT };

static struct {
	unsigned long largest, limit, sample_bytes, sample_usec, dead;
} run;

/* The value of capability NAME=VALUE as a number, 0 when absent. */
static unsigned long
cap_number(struct mailimap_capability_data *cd, const char *name)
{
	size_t nl = strlen(name);

	for (clistiter *it = cd ? clist_begin(cd->cap_list) : NULL; it; it = clist_next(it)) {
		struct mailimap_capability *c = clist_content(it);
		if (c->cap_type == MAILIMAP_CAPABILITY_NAME &&
		    strncasecmp(c->cap_data.cap_name, name, nl) == 0 &&
		    c->cap_data.cap_name[nl] == '=')
			return strtoul(c->cap_data.cap_name + nl + 1, NULL, 10);
	}
	return 0;
}

static unsigned long
session_appendlimit(mailimap *s)
{
	struct mailimap_capability_data *cd = NULL;
	unsigned long v = 0;

	/* after the login: a per-user APPENDLIMIT is only said then */
	if (mailimap_capability(s, &cd) == MAILIMAP_NO_ERROR) {
		v = cap_number(cd, "APPENDLIMIT");
		mailimap_capability_data_free(cd);
	}
	return v;
}

static int64_t
usec_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)(t.tv_sec - t0->tv_sec) * 1000000 + (t.tv_nsec - t0->tv_nsec) / 1000;
}

static void
iso_date(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		snprintf(out, n, "%lld", (long long)t);
	else
		strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the servers, once, before the accounts ---- */

/* The Destination is Carbonio, where the administrator is an account of
 * its own: its own login proves -A and -Y right. Without this, a wrong
 * password file would make every account look "not there yet" (a refused
 * login on behalf of a user cannot say which of the two is wrong). The
 * Source's administrator may have no mailbox (a Dovecot master user): its
 * refusals are the accounts' own lines. */
static void
admin_check(mailimap *s, struct imap_side *sd)
{
	char err[512];

	if (imap_login(s, sd->admin, NULL, sd->admin_pw, err, sizeof err) == 0) {
		report_atomic("ready", "admin", sd->what, sd->admin, "its own login works", NULL);
		return;
	}
	dst_admin_bad = 1;
	char why[768];
	snprintf(why, sizeof why, "its own login is refused (%s): check -A and its password "
	    "file -Y; the accounts are not checked on the destination", err);
	report_atomic("not-ready", "admin", sd->what, sd->admin, why, NULL);
}

static int
server_check(struct imap_side *sd, const char *url)
{
	char err[512];
	mailimap *s = imap_open(&sd->ep, err, sizeof err);
	struct strbuf d = { 0 };

	if (!s) {
		report_atomic("not-ready", "server", sd->what, url, err, NULL);
		return 0;
	}
	sb_printf(&d, "%s", sd->ep.insecure ? "connected, certificate NOT verified (--insecure)" :
	    "connected, certificate verified");
	if (sd == &sides.dst) {
		dst_caplimit = cap_number(s->imap_connection_info ?
		    s->imap_connection_info->imap_capability : NULL, "APPENDLIMIT");
		if (dst_caplimit)
			sb_printf(&d, "; APPENDLIMIT %lu", dst_caplimit);
	}
	report_atomic(sd->ep.insecure ? "warning" : "ready", "server", sd->what, url, d.s, NULL);
	sb_free(&d);
	if (sd == &sides.dst && sd->admin)
		admin_check(s, sd);
	imap_close(s);
	return 1;
}

/* ---- one folder ---- */

struct fsum {
	unsigned long msgs, bytes, largest, refused, skipped;
	uint32_t said;		/* message lines said up to this UID */
	uint32_t sample_uid[SAMPLE_MSGS];
	size_t nsample;
	unsigned long sample_size;
};

/* A message the Destination will refuse, or imap-copy skip: its line. */
static int
judge(const char *account, const struct folder *sf, const struct msg_parts *p,
    int64_t date, unsigned long limit, const char *limit_from, struct fsum *fs)
{
	char uid[16], size[16], when[32], why[160];
	const char *st = "not-ready";

	if (p->size == 0)
		snprintf(why, sizeof why, "zero length: Carbonio refuses an empty message");
	else if (date > DATE_MAX)
		snprintf(why, sizeof why, "internal date after 2038-01-19: Carbonio refuses it");
	else if (sides.max_size && p->size > sides.max_size) {
		/* the administrator's choice: imap-copy -L skips it */
		snprintf(why, sizeof why, "larger than -L %lu: imap-copy -L will skip it",
		    sides.max_size);
		st = "warning";
	} else if (limit && p->size > limit)
		snprintf(why, sizeof why, "larger than the destination's limit %lu (%s)", limit,
		    limit_from);
	else
		return 0;
	snprintf(uid, sizeof uid, "%u", p->uid);
	snprintf(size, sizeof size, "%u", p->size);
	iso_date(when, sizeof when, date);
	/* a folder listed again after a broken connection: each line once */
	if (p->uid > fs->said) {
		report_atomic(st, "message", account, sf->utf8, uid, when, size, why, NULL);
		fs->said = p->uid;
	}
	if (*st == 'n')
		fs->refused++;
	else
		fs->skipped++;
	return 1;
}

/* The messages of Source folder sf, counted and judged a chunk at a time;
 * kn notes what its keywords become. Returns 0, or -1 with why in err, -2
 * when the connection broke (fs->said kept: the lines already said). */
static int
list_folder(const char *account, const struct folder *sf, unsigned long limit,
    const char *limit_from, int want_sample, struct fsum *fs, struct kwnote *kn,
    char *err, size_t errlen)
{
	mailimap *s = sides.src.s;
	struct mailimap_status_att_list *sa = mailimap_status_att_list_new_empty();
	struct mailimap_mailbox_data_status *st = NULL;
	uint32_t n = 0;
	struct strbuf fl = { 0 };
	int r;

	uint32_t said = fs->said;

	memset(fs, 0, sizeof *fs);
	fs->said = said;
	/* STATUS first: an empty folder is never opened */
	mailimap_status_att_list_add(sa, MAILIMAP_STATUS_ATT_MESSAGES);
	r = mailimap_status(s, sf->name, sa, &st);
	mailimap_status_att_list_free(sa);
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "STATUS: %s", imap_last_text(s));
		return imap_broken(r) ? -2 : -1;
	}
	for (clistiter *it = clist_begin(st->st_info_list); it; it = clist_next(it)) {
		struct mailimap_status_info *si = clist_content(it);
		if (si->st_att == MAILIMAP_STATUS_ATT_MESSAGES)
			n = si->st_value;
	}
	mailimap_mailbox_data_status_free(st);
	if (!n)
		return 0;
	if ((r = mailimap_examine(s, sf->name)) != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "EXAMINE: %s", imap_last_text(s));
		return imap_broken(r) ? -2 : -1;
	}
	n = s->imap_selection_info ? s->imap_selection_info->sel_exists : n;
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_rfc822_size());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_internaldate());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_flags());
	for (uint32_t lo = 1; lo <= n && r == MAILIMAP_NO_ERROR; lo += CHUNK) {
		uint32_t hi = lo + CHUNK - 1 > n ? n : lo + CHUNK - 1;
		struct mailimap_set *set = mailimap_set_new_interval(lo, hi);
		clist *res = NULL;
		r = mailimap_fetch(s, set, ft, &res);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR) {
			snprintf(err, errlen, "FETCH: %s", imap_broken(r) ?
			    "the connection broke" : imap_last_text(s));
			break;
		}
		for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
			struct msg_parts p;
			msg_parts(clist_content(it), &p);
			if (!p.uid)
				continue;
			int64_t date = msg_date_secs(p.date);
			fs->msgs++;
			fs->bytes += p.size;
			if (p.size > fs->largest)
				fs->largest = p.size;
			/* the same rules as the copy: what the flags become */
			msg_flags(p.has_flags ? p.dyn : NULL, &fl, kn);
			if (judge(account, sf, &p, date, limit, limit_from, fs))
				continue;
			if (want_sample && fs->nsample < SAMPLE_MSGS &&
			    (!fs->nsample || fs->sample_size + p.size <= SAMPLE_BYTES)) {
				fs->sample_uid[fs->nsample++] = p.uid;
				fs->sample_size += p.size;
			}
		}
		mailimap_fetch_list_free(res);
	}
	mailimap_fetch_type_free(ft);
	sb_free(&fl);
	return r == MAILIMAP_NO_ERROR ? 0 : imap_broken(r) ? -2 : -1;
}

/* list_folder, again on a new session when the connection broke (with
 * imap-copy's back-off): the folder counted anew, each line said once. */
static int
list_folder_again(const char *account, const struct folder *sf, unsigned long limit,
    const char *limit_from, int want_sample, struct fsum *fs, struct kwnote *kn,
    char *err, size_t errlen)
{
	char why[400];
	int r;

	fs->said = 0;
	for (int attempt = 1;; attempt++) {
		r = list_folder(account, sf, limit, limit_from, want_sample, fs, kn, err, errlen);
		if (r != -2)
			return r;
		if (attempt > SIDE_RETRIES) {
			snprintf(err, errlen, "the connection broke again and again");
			return -1;
		}
		sleep(1u << (attempt - 1) > 16 ? 16 : 1u << (attempt - 1));
		if (side_open(&sides.src, why, sizeof why) < 0) {
			snprintf(err, errlen, "the connection broke and the session could not be "
			    "opened again: %s", why);
			return -1;
		}
		kwnote_free(kn);
		memset(kn, 0, sizeof *kn);
	}
}

/* The time to read the sample whole (BODY.PEEK: nothing marked \Seen),
 * into the slot: the rate of the estimate. */
static void
time_sample(const struct fsum *fs, struct pool_slot *me)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	struct timespec t0;
	clist *res = NULL;
	unsigned long got = 0;

	for (size_t i = 0; i < fs->nsample; i++)
		mailimap_set_add_single(set, fs->sample_uid[i]);
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (mailimap_uid_fetch(sides.src.s, set, ft, &res) == MAILIMAP_NO_ERROR) {
		for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
			struct msg_parts p;
			msg_parts(clist_content(it), &p);
			got += p.len;
		}
		me->count[C_SAMPLE_USEC] += (unsigned long)usec_since(&t0);
		me->bytes += got;
		mailimap_fetch_list_free(res);
	}
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
}

/* ---- one account ---- */

struct mapped { const struct folder *sf; char *dpath; const char *note; };

static int
cmp_mapped(const void *a, const void *b)
{
	return strcmp(((const struct mapped *)a)->dpath, ((const struct mapped *)b)->dpath);
}

static void
account_line(const char *status, const char *slogin, const char *dlogin, unsigned long folders,
    unsigned long msgs, unsigned long bytes, unsigned long largest, unsigned long refused,
    const char *detail)
{
	char v[5][24];

	snprintf(v[0], sizeof v[0], "%lu", folders);
	snprintf(v[1], sizeof v[1], "%lu", msgs);
	snprintf(v[2], sizeof v[2], "%lu", bytes);
	snprintf(v[3], sizeof v[3], "%lu", largest);
	snprintf(v[4], sizeof v[4], "%lu", refused);
	report_atomic(status, "account", slogin, dlogin, v[0], v[1], v[2], v[3], v[4], detail,
	    NULL);
}

/* The account's Destination login, first: its limit judges the Source's
 * messages. Sets *limit (0 when not said after the login) and *open;
 * returns the worst so far (1 a warning, 2 not ready). */
static int
dest_login(const char *slogin, const char *dlogin, struct pool_slot *me,
    unsigned long *limit, int *open)
{
	char err[512] = "";
	struct strbuf ad = { 0 };
	int w, worst = 0;

	*limit = 0;
	*open = 0;
	if (dst_admin_bad)
		return 1;
	if (!dst_up)
		return 0;
	w = side_open_why(&sides.dst, err, sizeof err);
	if (w == SIDE_OPENED) {
		*open = 1;
		me->count[C_DST_THERE]++;
		*limit = session_appendlimit(sides.dst.s);
		report_atomic("ready", "login", slogin, "destination", dlogin,
		    *limit ? "opened; APPENDLIMIT said" : "opened", NULL);
	} else if (w == SIDE_NO_SERVER || w == SIDE_NO_PASSWORD) {
		report_atomic("not-ready", "login", slogin, "destination", dlogin, err, NULL);
		worst = 2;
	} else {
		/* before provisioning the account is not there: no fault */
		me->count[C_DST_NOTYET]++;
		sb_printf(&ad, "not there yet (provision it first): %s", err);
		report_atomic("warning", "login", slogin, "destination", dlogin, ad.s, NULL);
		worst = 1;
	}
	sb_free(&ad);
	return worst;
}

/* Where each Source folder goes (imap-copy's map), sorted by Destination
 * path so that two Source folders into one are next to each other. */
static struct mapped *
map_folders(const struct folders *sfs, const struct folders *dfs, struct strbuf *prefix,
    size_t *nm)
{
	struct mapped *mv = xcalloc(sfs->n + 1, sizeof *mv);
	struct strbuf dp = { 0 };

	*nm = 0;
	folders_prepare_map(&fmap, sfs, dfs, prefix);
	for (size_t i = 0; i < sfs->n; i++) {
		const struct folder *sf = &sfs->f[i];
		const char *note;
		if (sf->noselect || !folder_map(&fmap, sf->utf8, sf->sep, sf->su, &dp, &note))
			continue;
		mv[*nm].sf = sf;
		mv[*nm].dpath = xstrdup(dp.s);
		mv[*nm].note = note;
		(*nm)++;
	}
	if (*nm)
		qsort(mv, *nm, sizeof *mv, cmp_mapped);
	sb_free(&dp);
	return mv;
}

/* What an account adds up to, over its folders. */
struct acsum {
	unsigned long folders, msgs, bytes, largest, refused;
	struct fsum best;		/* the fullest sample */
	const struct folder *best_folder;
};

/* Folder i of mv listed, judged and reported (its line: where it goes,
 * messages, bytes, and what changes on the way); added to *as. Returns
 * the worst (1 a warning, 2 not ready). */
static int
folder_check(const char *slogin, const struct mapped *mv, size_t nm, size_t i,
    unsigned long limit, const char *limit_from, int sampled, struct pool_slot *me,
    struct acsum *as)
{
	const struct folder *sf = mv[i].sf;
	struct fsum fs;
	struct kwnote kn = { { 0 }, { 0 } };
	struct strbuf det = { 0 };
	const char *st = "ready";
	char err[512] = "", nmsg[24], nbytes[24];
	int worst = 0;

	pool_progress(me, sf->utf8, i, nm);
	int r = list_folder_again(slogin, sf, limit, limit_from, !sampled, &fs, &kn, err,
	    sizeof err);
	if (r < 0) {
		st = "not-ready";
		sb_printf(&det, "cannot be read: %s", err);
		worst = 2;
	}
	if (mv[i].note) {
		sb_printf(&det, "%s%s", det.len ? "; " : "", mv[i].note);
		me->count[C_FOLDER_WARN]++;
	}
	for (size_t j = 0; j < nm; j++)
		if (j != i && strcmp(mv[j].dpath, mv[i].dpath) == 0) {
			sb_printf(&det, "%smerged with %s", det.len ? "; " : "", mv[j].sf->utf8);
			me->count[C_FOLDER_WARN]++;
		}
	if (kn.renamed.len)
		sb_printf(&det, "%skeywords renamed: %s", det.len ? "; " : "", kn.renamed.s);
	if (kn.dropped.len)
		sb_printf(&det, "%skeywords dropped: %s", det.len ? "; " : "", kn.dropped.s);
	if (fs.refused) {
		sb_printf(&det, "%s%lu message%s refused", det.len ? "; " : "", fs.refused,
		    fs.refused > 1 ? "s" : "");
		if (r == 0)
			st = "not-ready";
		worst = 2;
	}
	if (fs.skipped)
		sb_printf(&det, "%s%lu message%s skipped (-L)", det.len ? "; " : "",
		    fs.skipped, fs.skipped > 1 ? "s" : "");
	if (*st == 'r' && det.len) {
		st = "warning";
		worst = 1;
	}
	snprintf(nmsg, sizeof nmsg, "%lu", fs.msgs);
	snprintf(nbytes, sizeof nbytes, "%lu", fs.bytes);
	report_atomic(st, "folder", slogin, sf->utf8, mv[i].dpath, nmsg, nbytes,
	    det.s ? det.s : "", NULL);
	if (!sampled && fs.sample_size > as->best.sample_size) {
		as->best = fs;
		as->best_folder = sf;
	}
	as->folders++;
	as->msgs += fs.msgs;
	as->bytes += fs.bytes;
	as->refused += fs.refused;
	me->count[C_SKIPPED] += fs.skipped;
	if (fs.largest > as->largest)
		as->largest = fs.largest;
	kwnote_free(&kn);
	sb_free(&det);
	return worst;
}

static int
preflight_account(void *ctx, size_t job, struct pool_slot *me)
{
	const struct accounts *acc = ctx;
	const char *slogin = acc->v[job].src, *dlogin = acc->v[job].dst;
	char err[512] = "";
	struct folders sfs = { 0 }, dfs = { 0 };
	struct strbuf prefix = { 0 }, ad = { 0 };
	struct mapped *mv = NULL;
	size_t nm = 0;
	struct acsum as = { 0 };
	unsigned long limit;
	const char *limit_from;
	int worst, sampled = job >= SAMPLE_ACCOUNTS, dst_open;

	snprintf(me->account, sizeof me->account, "%s", slogin);
	sides.src.login = slogin;
	sides.dst.login = dlogin;

	worst = dest_login(slogin, dlogin, me, &limit, &dst_open);
	if (limit)
		limit_from = "APPENDLIMIT";
	else if (dst_caplimit)
		limit = dst_caplimit, limit_from = "APPENDLIMIT";
	else
		limit = CARBONIO_LIMIT, limit_from = "Carbonio's default; the server does not say";
	me->count[C_LIMIT] = limit;

	if (!src_up)
		goto out;
	if (side_open_why(&sides.src, err, sizeof err) != SIDE_OPENED) {
		report_atomic("not-ready", "login", slogin, "source", slogin, err, NULL);
		me->count[C_SRC_FAIL]++;
		account_line("not-ready", slogin, dlogin, 0, 0, 0, 0, 0, "cannot log in on the source");
		worst = 2;
		goto out;
	}
	report_atomic("ready", "login", slogin, "source", slogin, "opened", NULL);
	if (folders_list(sides.src.s, &sfs) != MAILIMAP_NO_ERROR ||
	    (dst_open && folders_list(sides.dst.s, &dfs) != MAILIMAP_NO_ERROR)) {
		account_line("not-ready", slogin, dlogin, 0, 0, 0, 0, 0,
		    "cannot list the folders");
		worst = 2;
		goto out;
	}
	mv = map_folders(&sfs, &dfs, &prefix, &nm);
	for (size_t i = 0; i < nm; i++) {
		int w = folder_check(slogin, mv, nm, i, limit, limit_from, sampled, me, &as);
		if (w > worst)
			worst = w;
	}
	/* the rate: read the largest sample whole, from the folder of the most
	 * bytes, as the copy will */
	if (as.best_folder && mailimap_examine(sides.src.s, as.best_folder->name) ==
	    MAILIMAP_NO_ERROR)
		time_sample(&as.best, me);
	me->count[C_FOLDERS] += as.folders;
	me->count[C_MSGS] += as.msgs;
	me->count[C_BYTES] += as.bytes;
	me->count[C_REFUSED] += as.refused;
	me->count[C_LARGEST] = as.largest;
	if (as.refused)
		sb_printf(&ad, "%lu message%s the destination will refuse", as.refused,
		    as.refused > 1 ? "s" : "");
	if (dst_admin_bad)
		sb_printf(&ad, "%snot checked on the destination (its administrator is refused)",
		    ad.len ? "; " : "");
	else if (dst_up && !dst_open)
		sb_printf(&ad, "%snot on the destination yet", ad.len ? "; " : "");
	account_line(worst == 2 ? "not-ready" : worst ? "warning" : "ready", slogin, dlogin,
	    as.folders, as.msgs, as.bytes, as.largest, as.refused, ad.s ? ad.s : "");
out:
	side_close(&sides.src);
	side_close(&sides.dst);
	for (size_t i = 0; i < nm; i++)
		free(mv[i].dpath);
	free(mv);
	folders_free(&sfs);
	folders_free(&dfs);
	sb_free(&prefix);
	sb_free(&ad);
	fmap.prefix = NULL;
	/* 1: a warning; 2 here means "not ready", the run's exit 1 */
	return worst;
}

static void
account_done(void *ctx, size_t job, int wstatus, const struct pool_slot *sl)
{
	const struct accounts *acc = ctx;

	if (sl->count[C_LARGEST] > run.largest)
		run.largest = sl->count[C_LARGEST];
	if (sl->count[C_LIMIT] && (!run.limit || sl->count[C_LIMIT] < run.limit))
		run.limit = sl->count[C_LIMIT];
	run.sample_bytes += sl->bytes;
	run.sample_usec += sl->count[C_SAMPLE_USEC];
	if (WIFSIGNALED(wstatus)) {
		account_line("not-ready", acc->v[job].src, acc->v[job].dst, 0, 0, 0, 0, 0,
		    "not checked: the check died");
		run.dead++;
	}
}

/* ---- the estimate and the checklist ---- */

static void
human(char *out, size_t n, double bytes)
{
	if (bytes >= 1e9)
		snprintf(out, n, "%.1f GB", bytes / 1e9);
	else if (bytes >= 1e6)
		snprintf(out, n, "%.1f MB", bytes / 1e6);
	else
		snprintf(out, n, "%.0f kB", bytes / 1e3);
}

static void
duration(char *out, size_t n, double secs)
{
	long s = (long)(secs + 0.5);

	snprintf(out, n, "%ldh%02ldm%02lds", s / 3600, s / 60 % 60, s % 60);
}

/* The copy's time: the bytes over the Source's reading rate measured on
 * the sample, the accounts -j at a time. Only the Source's side is timed
 * (the Destination is not written to): a lower bound, said so. */
static double
estimate(const struct pool *p, size_t naccounts, char *detail, size_t n)
{
	double bytes = (double)p->count[C_BYTES], rate, secs;
	char b[32], r[32], d[32];
	int par = (size_t)sides.jobs < naccounts ? sides.jobs : (int)naccounts;

	if (!run.sample_usec || !run.sample_bytes) {
		snprintf(detail, n, "no rate measured (no message could be read)");
		return -1;
	}
	rate = (double)run.sample_bytes / ((double)run.sample_usec / 1e6);
	secs = bytes / rate / (par > 0 ? par : 1);
	human(b, sizeof b, bytes);
	human(r, sizeof r, rate);
	duration(d, sizeof d, secs);
	snprintf(detail, n, "estimate: %s at %s/s, %d account%s at once: %s or more "
	    "(the source's reading rate measured on %.1f MB; the destination's writing "
	    "is not measured)", b, r, par, par > 1 ? "s" : "", d,
	    (double)run.sample_bytes / 1e6);
	return secs;
}

static void
checklist(const struct pool *p, size_t n, const char *est)
{
	unsigned long srcok = n - p->count[C_SRC_FAIL] - run.dead;
	char lim[32], big[32];

	human(lim, sizeof lim, (double)run.limit);
	human(big, sizeof big, (double)run.largest);
	fprintf(stderr, "mig-check: preflight mail: %zu accounts\n", n);
	fprintf(stderr, "  %-28s %-10s %s\n", "REQUIREMENT", "STATE", "COUNTS / WHAT TO DO");
	fprintf(stderr, "  %-28s %-10s %s\n", "source server", src_up ? "ready" : "NOT READY",
	    src_up ? sides.srcurl : "see the server line: address, CA file (-C, --source-ca)");
	fprintf(stderr, "  %-28s %-10s %s\n", "destination server",
	    dst_up ? "ready" : "NOT READY",
	    dst_up ? sides.dsturl : "see the server line: address, CA file (-C, --dest-ca)");
	if (src_up)
		fprintf(stderr, "  %-28s %-10s %lu of %zu%s\n", "source logins",
		    srcok == n ? "ready" : "NOT READY", srcok, n,
		    srcok == n ? "" : ": check the accounts, -a/-y or -p");
	if (dst_admin_bad)
		fprintf(stderr, "  %-28s %-10s %s\n", "destination administrator", "NOT READY",
		    "its own login is refused: check -A and -Y (the 'admin' line)");
	else if (dst_up)
		fprintf(stderr, "  %-28s %-10s %lu there, %lu not yet%s\n", "destination accounts",
		    p->count[C_DST_NOTYET] ? "warning" : "ready", p->count[C_DST_THERE],
		    p->count[C_DST_NOTYET], p->count[C_DST_NOTYET] ?
		    ": provision them (prov-apply) before the copy" : "");
	if (!src_up)
		return;
	fprintf(stderr, "  %-28s %-10s %lu folders, %lu messages, %.1f MB\n", "source mail",
	    "ready", p->count[C_FOLDERS], p->count[C_MSGS], (double)p->count[C_BYTES] / 1e6);
	fprintf(stderr, "  %-28s %-10s largest %s, limit %s; %lu refused%s\n",
	    "messages the dest. accepts", p->count[C_REFUSED] ? "NOT READY" : "ready", big, lim,
	    p->count[C_REFUSED], p->count[C_REFUSED] ?
	    ": raise the limit, or move or delete them on the source (lines 'message')" : "");
	if (p->count[C_SKIPPED])
		fprintf(stderr, "  %-28s %-10s %lu over -L\n", "messages skipped by -L", "warning",
		    p->count[C_SKIPPED]);
	fprintf(stderr, "  %-28s %-10s %lu%s\n", "folders renamed or merged",
	    p->count[C_FOLDER_WARN] ? "warning" : "ready", p->count[C_FOLDER_WARN],
	    p->count[C_FOLDER_WARN] ? ": see the 'folder' lines; -M names another place" : "");
	fprintf(stderr, "  %-28s %-10s %s\n", "copy time", "estimate", est);
}

int
preflight_mail(int argc, char **argv)
{
	struct accounts acc = { 0 };
	struct pool pool;
	int ch, bad = 0;
	static const struct option longopts[] = {
		IMAPSIDE_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};

	sides_init(&sides);
	optind = 1;
	while ((ch = getopt_long(argc, argv, IMAPSIDE_OPTS FOLDERMAP_OPTS "v",
	    longopts, NULL)) != -1) {
		if (sides_option(&sides, ch, optarg) || foldermap_option(&fmap, ch, optarg))
			continue;
		switch (ch) {
		case 'v': verbose = 1; break;
		default:
			mig_check_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (!sides.srcurl || !sides.dsturl)
		die("preflight mail: -S and -D name the Source and the Destination");
	sides_finish(&sides, SRC_ENV, DST_ENV);
	if (accounts_read(&acc, argc, argv, sides.listfile)) {
		report_atomic("not-ready", "accounts", sides.listfile ? sides.listfile : "-",
		    "lines that are not accounts (each said on standard error)", NULL);
		bad = 1;
	}
	if (!acc.n) {
		report_atomic("not-ready", "accounts", sides.listfile ? sides.listfile : "-",
		    "no account to check", NULL);
		bad = 1;
	}

	src_up = server_check(&sides.src, sides.srcurl);
	dst_up = server_check(&sides.dst, sides.dsturl);
	int worst = pool_run(&pool, sides.jobs, acc.n, preflight_account, account_done, &acc);

	char est[512];
	double secs = src_up ? estimate(&pool, acc.n, est, sizeof est) : -1;
	if (src_up) {
		char b[24], s[24];
		snprintf(b, sizeof b, "%lu", pool.count[C_BYTES]);
		snprintf(s, sizeof s, "%.0f", secs < 0 ? 0 : secs);
		report_atomic(secs < 0 && pool.count[C_BYTES] ? "warning" : "ready", "estimate",
		    "mail", b, secs < 0 ? "-" : s, est, NULL);
	} else
		snprintf(est, sizeof est, "-");
	if (pool.tty || verbose)
		checklist(&pool, acc.n, est);
	accounts_free(&acc);
	sides_free(&sides);
	/* grep's style: 0 ready (warnings allowed), 1 something not ready */
	return bad || !src_up || !dst_up || dst_admin_bad || worst >= 2 || run.dead ?
	    ST_DIFF : ST_OK;
}
