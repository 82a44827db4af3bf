/* delta: what a re-run of imap-copy changes on the Destination besides
 * copying: the flags of messages already there follow the Source's, and in
 * mirror mode what the Source no longer has is removed (never what is newer
 * than the cut-off). The flags are compared as Carbonio stores them
 * (msg_flags, the same for both sides and for mig-check), so that what is
 * equal is left alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../../common/diag.h"
#include "../../common/imapconn.h"
#include "../../common/imapside.h"
#include "../../common/report.h"
#include "../../common/strmap.h"
#include "imap-copy.h"

#define STORE_RUNS 1000		/* UID runs per STORE: the command line stays short */

/* One message's flags to add, or to remove. */
struct change {
	const char *flags;	/* interned */
	uint32_t duid;
	uint32_t six;		/* its Source message, in sm */
	uint8_t add;
};

static int
cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c;

	if (x->add != y->add)
		return x->add ? -1 : 1;
	if ((c = strcmp(x->flags, y->flags)))
		return c;
	return x->duid < y->duid ? -1 : x->duid > y->duid;
}

/* One UID STORE for v[0..n) (the same change, UIDs ascending). Returns 0,
 * -1 refused (the server's words stay in dst), or the libetpan error. */
static int
store(mailimap *dst, const struct change *v, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	struct mailimap_flag_list *fl = msg_flag_list(v[0].flags);
	struct mailimap_store_att_flags *sa = v[0].add ?
	    mailimap_store_att_flags_new_add_flags_silent(fl) :
	    mailimap_store_att_flags_new_remove_flags_silent(fl);
	int r;

	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && v[j].duid == v[j - 1].duid + 1)
			j++;
		mailimap_set_add_interval(set, v[i].duid, v[j - 1].duid);
		i = j;
	}
	r = mailimap_uid_store(dst, set, sa);
	sent();
	mailimap_store_att_flags_free(sa);
	mailimap_set_free(set);
	if (r == MAILIMAP_NO_ERROR || imap_broken(r))
		return r;
	return -1;
}

int
flags_follow(mailimap *dst, const char *account, const char *sfolder, struct msgs *sm,
    struct msgs *dm, int dry_run, unsigned long *updated, unsigned long *failed)
{
	struct strmap seen = { 0 };
	struct strbuf add = { 0 }, rem = { 0 };
	struct change *v = NULL;
	size_t n = 0, cap = 0;
	char *bad = NULL;
	int r = MAILIMAP_NO_ERROR, isnew;

	for (size_t i = 0; i < sm->n; i++) {
		struct msg *m = &sm->m[i], *d;
		if (m->matched != 1 || !m->flags || !(d = msgs_find(dm, m->peer)) || !d->flags ||
		    strcmp(m->flags, d->flags) == 0)
			continue;
		++*updated;
		flags_diff(m->flags, d->flags, &add, &rem);
		if (n + 2 > cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof *v);
		}
		for (int a = 1; a >= 0; a--) {
			const struct strbuf *f = a ? &add : &rem;
			if (!f->len)
				continue;
			v[n++] = (struct change){ strmap_put(&seen, f->s, f->len, &isnew)->key,
			    d->uid, (uint32_t)i, (uint8_t)a };
		}
	}
	if (dry_run || !n)
		goto out;
	qsort(v, n, sizeof *v, cmp_change);
	bad = xcalloc(sm->n, 1);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1, runs = 1;
		for (; j < n && v[j].add == v[i].add && strcmp(v[j].flags, v[i].flags) == 0; j++)
			if (v[j].duid != v[j - 1].duid + 1 && ++runs > STORE_RUNS)
				break;
		r = store(dst, v + i, j - i);
		if (r > 0)
			goto out;
		if (r < 0) {
			const char *words = imap_last_text(dst);
			struct strbuf why = { 0 };
			sb_printf(&why, "flags not updated (%s%s): %s", v[i].add ? "+" : "-",
			    v[i].flags, *words ? words : "the destination refused them");
			for (size_t k = i; k < j; k++) {
				char uid[16];
				if (bad[v[k].six])
					continue;
				bad[v[k].six] = 1;
				snprintf(uid, sizeof uid, "%u", sm->m[v[k].six].uid);
				report_atomic("failed", account, sfolder, uid, why.s, NULL);
				++*failed;
				--*updated;
			}
			sb_free(&why);
			r = MAILIMAP_NO_ERROR;
		}
		i = j;
	}
out:
	free(bad);
	free(v);
	sb_free(&add);
	sb_free(&rem);
	strmap_free(&seen);
	return r;
}

/* The UIDs of v[lo..hi) (ascending) as a set. */
static struct mailimap_set *
uid_set_of(const struct msg_info *v, size_t lo, size_t hi)
{
	struct mailimap_set *set = mailimap_set_new_empty();

	for (size_t i = lo; i < hi;) {
		size_t j = i + 1;
		while (j < hi && v[j].uid == v[j - 1].uid + 1)
			j++;
		mailimap_set_add_interval(set, v[i].uid, v[j - 1].uid);
		i = j;
	}
	return set;
}

static void
report_removal(const char *status, const char *account, const char *sfolder,
    const char *dfolder, const struct msg *d, const struct msg_info *in)
{
	char uid[16], size[16], date[32];

	snprintf(uid, sizeof uid, "%u", d->uid);
	snprintf(size, sizeof size, "%u", d->size);
	msg_iso_date(date, sizeof date, d->date);
	report_atomic(status, account, sfolder, dfolder, uid, in->msgid ? in->msgid : "",
	    date, size, in->subject ? in->subject : "", NULL);
}

int
mirror_remove(mailimap *dst, const char *account, const char *sfolder,
    const char *dfolder, struct msgs *dm, int64_t cutoff, int dry_run,
    unsigned long *removed, char *err, size_t errlen)
{
	struct msg_info *v = NULL;
	size_t n = 0;
	int r = MAILIMAP_NO_ERROR;

	/* a message whose internal date is unknown (0) is never taken for
	 * one older than the cut-off */
	for (size_t j = 0; j < dm->n; j++)
		n += !dm->m[j].matched && dm->m[j].date > 0 && dm->m[j].date < cutoff;
	if (!n)
		return 0;
	/* a plain EXPUNGE would take the messages users marked \Deleted too */
	if (!imap_has_cap(dst, "UIDPLUS")) {
		snprintf(err, errlen, "not mirrored: the destination has no UIDPLUS (UID EXPUNGE), "
		    "%zu messages not removed", n);
		return -1;
	}
	v = xcalloc(n, sizeof *v);
	n = 0;
	for (size_t j = 0; j < dm->n; j++)
		if (!dm->m[j].matched && dm->m[j].date > 0 && dm->m[j].date < cutoff)
			v[n++].uid = dm->m[j].uid;
	if ((r = msgs_fetch_info(dst, v, n)) != MAILIMAP_NO_ERROR)
		goto out;
	for (size_t lo = 0; lo < n;) {
		size_t hi = lo + 1, runs = 1;
		for (; hi < n; hi++)
			if (v[hi].uid != v[hi - 1].uid + 1 && ++runs > STORE_RUNS)
				break;
		if (!dry_run) {
			struct mailimap_set *set = uid_set_of(v, lo, hi);
			struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
			mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
			struct mailimap_store_att_flags *sa =
			    mailimap_store_att_flags_new_add_flags_silent(fl);
			r = mailimap_uid_store(dst, set, sa);
			mailimap_store_att_flags_free(sa);
			if (r == MAILIMAP_NO_ERROR) {
				sent();
				r = mailimap_uid_expunge(dst, set);
				if (r == MAILIMAP_NO_ERROR)
					sent();
			}
			mailimap_set_free(set);
			if (imap_broken(r))
				goto out;
			if (r != MAILIMAP_NO_ERROR) {
				snprintf(err, errlen, "not mirrored: the destination refused to remove "
				    "messages: %s", imap_last_text(dst));
				r = -1;
				goto out;
			}
		}
		for (size_t k = lo; k < hi; k++) {
			struct msg *d = msgs_find(dm, v[k].uid);
			report_removal(dry_run ? "remove" : "removed", account, sfolder, dfolder,
			    d, &v[k]);
			++*removed;
		}
		lo = hi;
	}
out:
	msg_info_free(v, n);
	return r;
}

/* Mirror mode: the Destination folders holding mail that no Source folder
 * goes to (the Source folder was deleted or renamed) are reported, never
 * removed: a folder is a user's work, and mail delivered after the switch
 * may be in it. The special folders are the Destination's own. */
void
extra_folders(mailimap *dst, const char *account, const struct folders *dfs,
    struct strmap *targets)
{
	struct strbuf p = { 0 };

	for (size_t i = 0; i < dfs->n; i++) {
		const struct folder *f = &dfs->f[i];
		if (f->noselect || f->su != SP_NONE || strcasecmp(f->name, "INBOX") == 0)
			continue;
		folder_path(f->utf8, f->sep, &p);
		if (strmap_get(targets, p.s, p.len))
			continue;
		if (mailimap_examine(dst, f->name) != MAILIMAP_NO_ERROR)
			continue;
		uint32_t n = dst->imap_selection_info ?
		    dst->imap_selection_info->sel_exists : 0;
		if (!n)
			continue;
		char c[24];
		snprintf(c, sizeof c, "%u", n);
		report_atomic("extra", account, "-", p.s, c, "", "", "", "", "", "", "",
		    "the source has no folder that goes here: not removed", NULL);
	}
	sb_free(&p);
}

/* --mirror-before: YYYY-MM-DD[THH:MM[:SS]] (local time), then Z or +HH:MM
 * or -HH:MM for another zone; or @SECONDS since the epoch. Returns 0 when
 * it is none of these. */
int64_t
cutoff_parse(const char *s)
{
	struct tm tm = { 0 };
	char *end;
	int off = 0, hh, mm;

	if (*s == '@') {
		long long t = strtoll(s + 1, &end, 10);
		return *end || end == s + 1 || t <= 0 ? 0 : (int64_t)t;
	}
	if (!(end = strptime(s, "%Y-%m-%d", &tm)))
		return 0;
	if ((*end == 'T' || *end == ' ') && end[1]) {
		char *e2 = strptime(end + 1, "%H:%M", &tm);
		if (!e2)
			return 0;
		end = e2;
		if (*end == ':' && !(end = strptime(end + 1, "%S", &tm)))
			return 0;
	}
	if (!*end) {
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		return t == (time_t)-1 ? 0 : (int64_t)t;
	}
	if (strcmp(end, "Z") == 0)
		off = 0;
	else if ((*end == '+' || *end == '-') &&
	    (sscanf(end + 1, "%2d:%2d", &hh, &mm) == 2 || sscanf(end + 1, "%2d%2d", &hh, &mm) == 2) &&
	    hh < 24 && mm < 60)
		off = (hh * 3600 + mm * 60) * (*end == '-' ? -1 : 1);
	else
		return 0;
	return (int64_t)timegm(&tm) - off;
}

