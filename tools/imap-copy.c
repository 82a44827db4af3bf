/* imap-copy: every folder, message, flag and internal date of each account
 * from the Source IMAP server to the Destination's. The Source is only read
 * (EXAMINE, BODY.PEEK). Nothing is remembered between runs: each folder is
 * compared anew, a message known by its Message-ID (or a digest of its
 * headers), internal date and size, so a re-run, or a run after kill -9,
 * copies only what is missing and never the same message twice. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <libetpan/libetpan.h>

#include "../common/diag.h"
#include "../common/foldermap.h"
#include "../common/imapconn.h"
#include "../common/lineio.h"
#include "../common/out.h"
#include "../common/report.h"
#include "../common/secret.h"
#include "../common/strbuf.h"
#include "../common/strmap.h"

#define SRC_ENV "IMAP_COPY_SOURCE_PASSWORD"
#define DST_ENV "IMAP_COPY_DEST_PASSWORD"
#define LIST_CHUNK 1000		/* messages listed per FETCH */
#define COPY_MSGS 64		/* messages fetched per FETCH ... */
#define COPY_BYTES (8 << 20)	/* ... and at most this many bytes */
#define RETRIES 5
#define SPLIT_MIN 100		/* missing messages per extra connection */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: imap-copy [-nv] -S url -D url [-C cafile] [--insecure]\n"
	    "                 [-a admin] [-y passfile] [-p passwords]\n"
	    "                 [-A admin] [-Y passfile] [-P passwords]\n"
	    "                 [-j jobs] [-J conns] [-L maxsize] [-i pattern]... [-x pattern]...\n"
	    "                 [-M src=dst]... [-l accountlist] [account[=destaccount] ...]\n");
	exit(2);
}

/* ---- one side of the copy ---- */

struct side {
	const char *what;		/* "source", "destination" */
	struct imap_endpoint ep;
	const char *admin;		/* SASL PLAIN authcid, or NULL */
	char *admin_pw;
	struct strmap pwmap;		/* login -> password (-p, -P) */
	int has_pwmap;
	const char *login;		/* the account on this side */
	mailimap *s;
	char sep;			/* hierarchy separator */
};

static struct side src = { .what = "source" }, dst = { .what = "destination" };
static struct foldermap fmap;
static int dry_run, verbose, jobs = 1, conns = 1;
static unsigned long max_size;
static int progress_tty;

/* What the children tell the parent: counts, and what they work on. */
struct slot {
	pid_t pid;
	unsigned long copied, skipped, failed, already, bytes, total, done;
	int bad;
	char account[128], folder[256];
};
static struct slot *slots, *me;

static const char *account;	/* the Source login of the current account */

/* ---- report lines: one write each, so parallel accounts never mix ---- */

static void
report(const char *status, ...)
{
	struct strbuf b = { 0 };
	va_list ap;

	va_start(ap, status);
	report_vformat(&b, status, ap);
	va_end(ap);
	fflush(stdout);
	for (size_t off = 0; off < b.len;) {
		ssize_t w = write(1, b.s + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("stdout:");
		off += (size_t)w;
	}
	sb_free(&b);
}

/* ---- connecting, with back-off ---- */

static void
side_close(struct side *sd)
{
	if (sd->s) {
		imap_close(sd->s);
		sd->s = NULL;
	}
}

/* Returns 0, or -1 with the reason; a refused login is not retried. */
static int
side_open(struct side *sd, char *err, size_t errlen)
{
	const char *pw = sd->admin_pw;
	struct strmap_ent *e;

	side_close(sd);
	if (!sd->admin) {
		e = sd->has_pwmap ? strmap_get(&sd->pwmap, sd->login, strlen(sd->login)) : NULL;
		if (!e) {
			snprintf(err, errlen, "no %s password for %s", sd->what, sd->login);
			return -1;
		}
		pw = e->val;
	}
	for (int attempt = 0;; attempt++) {
		sd->s = imap_open(&sd->ep, err, errlen);
		if (sd->s)
			break;
		/* a certificate that does not verify will not verify later */
		if (attempt >= RETRIES || strstr(err, "certificate"))
			return -1;
		sleep(1u << attempt > 16 ? 16 : 1u << attempt);
	}
	if (imap_login(sd->s, sd->login, sd->admin, pw, err, errlen) < 0) {
		side_close(sd);
		return -1;
	}
	return 0;
}

/* ---- folders ---- */

struct folder {
	char *name;		/* as on the wire (modified UTF-7) */
	char *utf8;
	char sep;
	int noselect, subscribed;
	enum special su;
};

struct folders {
	struct folder *f;
	size_t n, cap;
};

static void
folders_free(struct folders *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->f[i].name);
		free(fs->f[i].utf8);
	}
	free(fs->f);
	memset(fs, 0, sizeof *fs);
}

static int
cmp_folder(const void *a, const void *b)
{
	return strcmp(((const struct folder *)a)->utf8, ((const struct folder *)b)->utf8);
}

/* LIST (and LSUB) "" "*". Returns 0, or the libetpan error. */
static int
list_folders(struct side *sd, struct folders *fs)
{
	clist *l = NULL, *sub = NULL;
	int r;
	struct strbuf u = { 0 };

	if ((r = mailimap_list(sd->s, "", "*", &l)) != MAILIMAP_NO_ERROR)
		return r;
	for (clistiter *it = clist_begin(l); it; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);
		struct folder f = { 0 };
		if (fs->n == fs->cap) {
			fs->cap = fs->cap ? 2 * fs->cap : 32;
			fs->f = xrealloc(fs->f, fs->cap * sizeof *fs->f);
		}
		f.name = xstrdup(mb->mb_name);
		f.sep = mb->mb_delimiter;
		if (f.sep)
			sd->sep = f.sep;
		mutf7_decode(mb->mb_name, &u);
		f.utf8 = xstrdup(u.s);
		if (mb->mb_flag) {
			if (mb->mb_flag->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
			    mb->mb_flag->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
				f.noselect = 1;
			for (clistiter *o = clist_begin(mb->mb_flag->mbf_oflags); o; o = clist_next(o)) {
				struct mailimap_mbx_list_oflag *of = clist_content(o);
				if (of->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT)
					continue;
				char fl[64];
				snprintf(fl, sizeof fl, "%s%s", of->of_flag_ext[0] == '\\' ? "" : "\\",
				    of->of_flag_ext);
				if (strcasecmp(fl, "\\Noselect") == 0 || strcasecmp(fl, "\\NonExistent") == 0)
					f.noselect = 1;
				else if (special_of_flag(fl) != SP_NONE)
					f.su = special_of_flag(fl);
			}
		}
		fs->f[fs->n++] = f;
	}
	mailimap_list_result_free(l);
	if (mailimap_lsub(sd->s, "", "*", &sub) == MAILIMAP_NO_ERROR) {
		for (clistiter *it = clist_begin(sub); it; it = clist_next(it)) {
			struct mailimap_mailbox_list *mb = clist_content(it);
			for (size_t i = 0; i < fs->n; i++)
				if (strcmp(fs->f[i].name, mb->mb_name) == 0)
					fs->f[i].subscribed = 1;
		}
		mailimap_list_result_free(sub);
	}
	sb_free(&u);
	qsort(fs->f, fs->n, sizeof *fs->f, cmp_folder);
	return 0;
}

/* ---- messages: what identifies one ---- */

struct msg {
	uint64_t key;		/* Message-ID, or a digest of the headers */
	int64_t date;		/* internal date, seconds */
	uint32_t size, uid;
	int matched;
	int noid;		/* no Message-ID: key still to make from the headers */
};

struct msgs {
	struct msg *m;
	size_t n, cap;
};

static int64_t
date_secs(const struct mailimap_date_time *d)
{
	struct tm tm = { 0 };
	int zone, zsec;

	if (!d)
		return 0;
	tm.tm_year = d->dt_year - 1900;
	tm.tm_mon = d->dt_month - 1;
	tm.tm_mday = d->dt_day;
	tm.tm_hour = d->dt_hour;
	tm.tm_min = d->dt_min;
	tm.tm_sec = d->dt_sec;
	zone = d->dt_zone;
	zsec = (abs(zone) / 100 * 3600 + abs(zone) % 100 * 60) * (zone < 0 ? -1 : 1);
	return (int64_t)timegm(&tm) - zsec;
}

/* The identity of a message from its header fields: the Message-ID when
 * there is one, else all the fields fetched; whitespace and line ends
 * normalised, so that a copy whose line ends were rewritten still matches. */
static uint64_t
header_key(const char *h, size_t n, int *has_id)
{
	struct strbuf norm = { 0 }, id = { 0 };
	unsigned char dig[20];
	uint64_t k = 0;
	const char *p = h, *end = h + n;

	/* unfold and squeeze white space */
	int sp = 0;
	for (; p < end; p++) {
		char c = *p;
		if (c == '\r')
			continue;
		if (c == '\n') {
			if (p + 1 < end && (p[1] == ' ' || p[1] == '\t')) {
				sp = 1;
				continue;
			}
			sb_addc(&norm, '\n');
			sp = 0;
			continue;
		}
		if (c == ' ' || c == '\t') {
			sp = 1;
			continue;
		}
		if (sp && norm.len && norm.s[norm.len - 1] != '\n' &&
		    norm.s[norm.len - 1] != ':')
			sb_addc(&norm, ' ');
		sp = 0;
		sb_addc(&norm, c);
	}
	if (!norm.s)
		sb_adds(&norm, "");
	for (char *l = norm.s; *l;) {
		char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l) : strlen(l);
		if (ll > 11 && strncasecmp(l, "message-id:", 11) == 0) {
			sb_adds(&id, "id:");
			sb_add(&id, l + 11, ll - 11);
			break;
		}
		l += ll + (nl != NULL);
	}
	const struct strbuf *what = id.len > 4 ? &id : &norm;
	*has_id = id.len > 4;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, what->s, what->len, dig) == 0)
		memcpy(&k, dig, sizeof k);
	sb_free(&norm);
	sb_free(&id);
	return k;
}

/* The listing asks for the Message-ID only: a second, rarer fetch gets the
 * other fields for the messages that have none. */
static struct mailimap_fetch_type *
list_fetch_type(int flags, int digest)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	clist *hdrs = clist_new();
	static const char *const names[] = { "MESSAGE-ID", "DATE", "FROM", "TO", "CC", "SUBJECT" };

	for (size_t i = 0; i < (digest ? sizeof names / sizeof names[0] : 1); i++)
		clist_append(hdrs, xstrdup(names[i]));
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	if (!digest) {
		mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_internaldate());
		mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_rfc822_size());
	}
	if (flags)
		mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_flags());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_body_peek_section(
	    mailimap_section_new_header_fields(mailimap_header_list_new(hdrs))));
	return ft;
}

static int
cmp_uid_key(const void *k, const void *m)
{
	uint32_t a = *(const uint32_t *)k, b = ((const struct msg *)m)->uid;

	return a < b ? -1 : a > b;
}

/* The messages without a Message-ID: their key from the other fields. */
static int
digest_keys(struct side *sd, struct msgs *ms)
{
	struct mailimap_fetch_type *ft = list_fetch_type(0, 1);
	int r = MAILIMAP_NO_ERROR, has_id;
	size_t i = 0;

	while (i < ms->n && r == MAILIMAP_NO_ERROR) {
		struct mailimap_set *set = mailimap_set_new_empty();
		size_t k = 0;
		for (; i < ms->n && k < LIST_CHUNK; i++)
			if (ms->m[i].noid) {
				mailimap_set_add_single(set, ms->m[i].uid);
				k++;
			}
		clist *res = NULL;
		if (k)
			r = mailimap_uid_fetch(sd->s, set, ft, &res);
		mailimap_set_free(set);
		if (!k || r != MAILIMAP_NO_ERROR)
			break;
		for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
			struct mailimap_msg_att *ma = clist_content(it);
			uint32_t uid = 0;
			const char *h = NULL;
			size_t hl = 0;
			for (clistiter *a = clist_begin(ma->att_list); a; a = clist_next(a)) {
				struct mailimap_msg_att_item *item = clist_content(a);
				if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
					continue;
				struct mailimap_msg_att_static *st = item->att_data.att_static;
				if (st->att_type == MAILIMAP_MSG_ATT_UID)
					uid = st->att_data.att_uid;
				else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION) {
					h = st->att_data.att_body_section->sec_body_part;
					hl = st->att_data.att_body_section->sec_length;
				}
			}
			/* the listing is in UID order */
			struct msg *m = bsearch(&uid, ms->m, ms->n, sizeof *ms->m, cmp_uid_key);
			if (m)
				m->key = header_key(h ? h : "", h ? hl : 0, &has_id);
		}
		mailimap_fetch_list_free(res);
	}
	mailimap_fetch_type_free(ft);
	return r;
}

struct kwnote;
static void note_flags(struct mailimap_msg_att_dynamic *dyn, struct kwnote *kn);

/* Every message of the selected folder, chunk by chunk; with kn, what its
 * keywords will become is noted. */
static int
list_messages(struct side *sd, uint32_t exists, struct msgs *ms, struct kwnote *kn)
{
	struct mailimap_fetch_type *ft = list_fetch_type(kn != NULL, 0);
	int r = MAILIMAP_NO_ERROR, has_id;
	size_t noid = 0;

	ms->n = 0;
	for (uint32_t lo = 1; lo <= exists; lo += LIST_CHUNK) {
		uint32_t hi = lo + LIST_CHUNK - 1 > exists ? exists : lo + LIST_CHUNK - 1;
		struct mailimap_set *set = mailimap_set_new_interval(lo, hi);
		clist *res = NULL;
		r = mailimap_fetch(sd->s, set, ft, &res);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR)
			break;
		for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
			struct mailimap_msg_att *ma = clist_content(it);
			struct msg m = { 0 };
			for (clistiter *a = clist_begin(ma->att_list); a; a = clist_next(a)) {
				struct mailimap_msg_att_item *item = clist_content(a);
				if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC && kn)
					note_flags(item->att_data.att_dyn, kn);
				if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
					continue;
				struct mailimap_msg_att_static *st = item->att_data.att_static;
				switch (st->att_type) {
				case MAILIMAP_MSG_ATT_UID: m.uid = st->att_data.att_uid; break;
				case MAILIMAP_MSG_ATT_RFC822_SIZE: m.size = st->att_data.att_rfc822_size; break;
				case MAILIMAP_MSG_ATT_INTERNALDATE:
					m.date = date_secs(st->att_data.att_internal_date);
					break;
				case MAILIMAP_MSG_ATT_BODY_SECTION: {
					struct mailimap_msg_att_body_section *bs = st->att_data.att_body_section;
					m.key = header_key(bs->sec_body_part ? bs->sec_body_part : "",
					    bs->sec_body_part ? bs->sec_length : 0, &has_id);
					m.noid = !has_id;
					break;
				}
				}
			}
			if (!m.uid)
				continue;
			noid += m.noid;
			if (ms->n == ms->cap) {
				ms->cap = ms->cap ? 2 * ms->cap : 1024;
				ms->m = xrealloc(ms->m, ms->cap * sizeof *ms->m);
			}
			ms->m[ms->n++] = m;
		}
		mailimap_fetch_list_free(res);
	}
	mailimap_fetch_type_free(ft);
	if (r == MAILIMAP_NO_ERROR && noid)
		r = digest_keys(sd, ms);
	return r;
}

/* Orders for matching: all of the identity; without the size; without
 * the date. The UID last, so that equal messages pair in UID order. */
static int
cmp3(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_full(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;
	int c;

	if ((c = cmp3(x->key, y->key)) || (c = cmp3((uint64_t)x->date, (uint64_t)y->date)) ||
	    (c = cmp3(x->size, y->size)))
		return c;
	return cmp3(x->uid, y->uid);
}

static int
cmp_nodate(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;
	int c;

	if ((c = cmp3(x->key, y->key)) || (c = cmp3(x->size, y->size)))
		return c;
	return cmp3(x->uid, y->uid);
}

static int
cmp_uid(const void *a, const void *b)
{
	return cmp3(((const struct msg *)a)->uid, ((const struct msg *)b)->uid);
}

/* Mark the Source messages that the Destination has. First the same
 * identity; then, among those left, the same Message-ID (or header digest)
 * and date with another size (a copy whose line ends were rewritten on the
 * way); then the same Message-ID and size with another date (a server that
 * would not keep the internal date, as Dovecot does with a future one).
 * Two identical messages need two copies. */
static size_t
match(struct msgs *s, struct msgs *d)
{
	size_t n = 0;

	for (int pass = 0; pass < 3; pass++) {
		int (*cmp)(const void *, const void *) = pass == 2 ? cmp_nodate : cmp_full;
		qsort(s->m, s->n, sizeof *s->m, cmp);
		qsort(d->m, d->n, sizeof *d->m, cmp);
		for (size_t i = 0, j = 0; i < s->n && j < d->n;) {
			struct msg *a = &s->m[i], *b = &d->m[j];
			int c;
			if (a->matched) { i++; continue; }
			if (b->matched) { j++; continue; }
			if ((c = cmp3(a->key, b->key)) == 0) {
				if (pass == 0)
					c = cmp3((uint64_t)a->date, (uint64_t)b->date) ?:
					    cmp3(a->size, b->size);
				else if (pass == 1)
					c = cmp3((uint64_t)a->date, (uint64_t)b->date);
				else
					c = cmp3(a->size, b->size);
			}
			if (c == 0) {
				a->matched = b->matched = 1;
				n++;
				i++;
				j++;
			} else if (c < 0)
				i++;
			else
				j++;
		}
	}
	qsort(s->m, s->n, sizeof *s->m, cmp_uid);
	return n;
}

/* ---- flags: what Carbonio stores ---- */

static const char *const dropped_kw[] = {
	"$Junk", "$NotJunk", "Junk", "NonJunk", "NotJunk", "JunkRecorded"
};

struct kwnote {
	struct strbuf renamed, dropped;
};

static void
note_once(struct strbuf *b, const char *s)
{
	if (b->s) {
		for (char *p = b->s; (p = strstr(p, s)); p++)
			if ((p == b->s || p[-1] == ' ') &&
			    (p[strlen(s)] == '\0' || p[strlen(s)] == ' '))
				return;
		sb_addc(b, ' ');
	}
	sb_adds(b, s);
}

static struct mailimap_flag_list *
append_flags(struct mailimap_msg_att_dynamic *dyn, struct kwnote *kn)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();

	/* FLAGS () (a message no one has read, no longer \Recent) comes
	 * from libetpan with no list at all */
	for (clistiter *it = dyn && dyn->att_list ? clist_begin(dyn->att_list) : NULL; it;
	    it = clist_next(it)) {
		struct mailimap_flag_fetch *ff = clist_content(it);
		struct mailimap_flag *f;
		if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER || !ff->fl_flag)
			continue;
		f = ff->fl_flag;
		switch (f->fl_type) {
		case MAILIMAP_FLAG_ANSWERED: mailimap_flag_list_add(fl, mailimap_flag_new_answered()); break;
		case MAILIMAP_FLAG_FLAGGED: mailimap_flag_list_add(fl, mailimap_flag_new_flagged()); break;
		case MAILIMAP_FLAG_DELETED: mailimap_flag_list_add(fl, mailimap_flag_new_deleted()); break;
		case MAILIMAP_FLAG_SEEN: mailimap_flag_list_add(fl, mailimap_flag_new_seen()); break;
		case MAILIMAP_FLAG_DRAFT: mailimap_flag_list_add(fl, mailimap_flag_new_draft()); break;
		case MAILIMAP_FLAG_KEYWORD: {
			const char *k = f->fl_data.fl_keyword;
			int drop = 0;
			for (size_t i = 0; i < sizeof dropped_kw / sizeof dropped_kw[0]; i++)
				if (strcasecmp(k, dropped_kw[i]) == 0)
					drop = 1;
			if (drop) {
				if (kn)
					note_once(&kn->dropped, k);
				break;
			}
			char *c = xstrdup(k);
			if (strchr(c, ':')) {
				/* Carbonio fails the whole APPEND on a ':' */
				for (char *p = c; *p; p++)
					if (*p == ':')
						*p = '_';
				if (kn) {
					struct strbuf t = { 0 };
					sb_printf(&t, "%s->%s", k, c);
					note_once(&kn->renamed, t.s);
					sb_free(&t);
				}
			}
			mailimap_flag_list_add(fl, mailimap_flag_new_flag_keyword(c));
			break;
		}
		default:
			break;	/* \Recent and extensions cannot be set */
		}
	}
	return fl;
}

static void
note_flags(struct mailimap_msg_att_dynamic *dyn, struct kwnote *kn)
{
	mailimap_flag_list_free(append_flags(dyn, kn));
}

/* ---- copying one folder ---- */

struct fstats {
	unsigned long count, copied, already, failed, skipped, bytes;
};

static void
progress(const char *folder, unsigned long done, unsigned long total)
{
	if (!me)
		return;
	snprintf(me->folder, sizeof me->folder, "%s", folder);
	me->done = done;
	me->total = total;
}

/* A message fetched, to append. */
struct item {
	uint32_t uid;
	struct mailimap_msg_att_dynamic *dyn;
	struct mailimap_date_time *date;
	const char *body;
	size_t len;
};

/* A batch fetched from the Source, kept until the Destination answered. */
struct batch {
	clist *res;		/* the FETCH answer the items point into */
	struct item v[COPY_MSGS];
	size_t n;
	int pending;		/* its MULTIAPPEND sent, not yet answered */
	int tag;		/* the tag it was sent with */
};

static int multiappend;		/* the Destination takes MULTIAPPEND and LITERAL+ */
static long crash_after = -1;	/* IMAP_COPY_CRASH_AFTER: the crash tests only */

/* The crash tests stop the run dead right after the Nth append is sent. */
static void
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
	struct mailimap_flag_list *fl = append_flags(dyn, NULL);
	int first = 1;

	sb_adds(b, " (");
	for (clistiter *it = clist_begin(fl->fl_list); it; it = clist_next(it)) {
		struct mailimap_flag *f = clist_content(it);
		const char *name = f->fl_type == MAILIMAP_FLAG_ANSWERED ? "\\Answered" :
		    f->fl_type == MAILIMAP_FLAG_FLAGGED ? "\\Flagged" :
		    f->fl_type == MAILIMAP_FLAG_DELETED ? "\\Deleted" :
		    f->fl_type == MAILIMAP_FLAG_SEEN ? "\\Seen" :
		    f->fl_type == MAILIMAP_FLAG_DRAFT ? "\\Draft" :
		    f->fl_type == MAILIMAP_FLAG_KEYWORD ? f->fl_data.fl_keyword : NULL;
		if (!name)
			continue;
		if (!first)
			sb_addc(b, ' ');
		sb_adds(b, name);
		first = 0;
	}
	sb_addc(b, ')');
	mailimap_flag_list_free(fl);
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
append_send(const char *mailbox, struct item *v, size_t n)
{
	struct strbuf b = { 0 };
	mailstream *st = dst.s->imap_stream;
	int r;

	if (mailimap_send_current_tag(dst.s) != MAILIMAP_NO_ERROR)
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
	struct mailimap_response *resp = NULL;
	int r, now = dst.s->imap_tag;

	/* libetpan expects the answer to the last tag it sent; this one
	 * answers an earlier command */
	dst.s->imap_tag = tag;
	r = !mailimap_read_line(dst.s) ||
	    mailimap_parse_response(dst.s, &resp) != MAILIMAP_NO_ERROR;
	dst.s->imap_tag = now;
	if (r) {
		if (resp)
			mailimap_response_free(resp);
		return -2;
	}
	r = resp->rsp_resp_done->rsp_type == MAILIMAP_RESP_DONE_TYPE_TAGGED &&
	    resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type ==
	    MAILIMAP_RESP_COND_STATE_OK ? 0 : -1;
	mailimap_response_free(resp);
	return r;
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
		if (max_size && m->size > max_size) {
			char why[64];
			snprintf(uidbuf, sizeof uidbuf, "%u", m->uid);
			snprintf(why, sizeof why, "larger than -L %lu: %u bytes", max_size, m->size);
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

/* UID FETCH of a batch's bodies, sent without waiting for the answer, so
 * that the Source reads the next batch while the Destination stores this
 * one. libetpan has one command in flight; here are two, on two sessions. */
static int
fetch_send(const struct strbuf *set)
{
	mailstream *st = src.s->imap_stream;
	struct strbuf b = { 0 };
	int r;

	if (mailimap_send_current_tag(src.s) != MAILIMAP_NO_ERROR)
		return MAILIMAP_ERROR_STREAM;
	sb_printf(&b, "UID FETCH %s (UID FLAGS INTERNALDATE BODY.PEEK[])\r\n", set->s);
	r = mailstream_write(st, b.s, b.len) < 0 || mailstream_flush(st) < 0;
	sb_free(&b);
	return r ? MAILIMAP_ERROR_STREAM : MAILIMAP_NO_ERROR;
}

/* Its answer: the messages, as mailimap_uid_fetch gives them. */
static int
fetch_recv(clist **res)
{
	struct mailimap_response *resp = NULL;
	int r, ok;

	*res = NULL;
	if (!mailimap_read_line(src.s))
		return MAILIMAP_ERROR_STREAM;
	if ((r = mailimap_parse_response(src.s, &resp)) != MAILIMAP_NO_ERROR)
		return r;
	*res = src.s->imap_response_info->rsp_fetch_list;
	src.s->imap_response_info->rsp_fetch_list = NULL;
	ok = resp->rsp_resp_done->rsp_type == MAILIMAP_RESP_DONE_TYPE_TAGGED &&
	    resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type ==
	    MAILIMAP_RESP_COND_STATE_OK;
	mailimap_response_free(resp);
	if (!ok || !*res) {
		if (*res)
			mailimap_fetch_list_free(*res);
		*res = NULL;
		return MAILIMAP_ERROR_UID_FETCH;
	}
	return MAILIMAP_NO_ERROR;
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
		struct mailimap_flag_list *fl = append_flags(b->v[j].dyn, NULL);
		sent();
		int ar = mailimap_append(dst.s, dname, fl, b->v[j].date,
		    b->v[j].body, b->v[j].len);
		mailimap_flag_list_free(fl);
		if (ar == MAILIMAP_NO_ERROR)
			copied(st, b->v[j].len);
		else if (ar == MAILIMAP_ERROR_STREAM || ar == MAILIMAP_ERROR_PARSE)
			return ar;
		else {
			const char *why = imap_last_text(dst.s);
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
static int
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

/* Copy the messages not yet there. Returns 0, or a libetpan error that
 * broke a connection (the caller reconnects and starts the folder again). */
static int
copy_missing(const struct folder *sf, const char *dname, struct msgs *sm,
    struct fstats *st)
{
	size_t i = 0, k = 0;
	int r = MAILIMAP_NO_ERROR, pending = 0;
	char uidbuf[16];
	struct strbuf set = { 0 };
	struct batch bt[2];		/* the batch in hand, the one before */

	memset(bt, 0, sizeof bt);

	if (next_batch(sf, sm, &i, st, &set)) {
		if ((r = fetch_send(&set)) != MAILIMAP_NO_ERROR)
			goto out;
		pending = 1;
	}
	while (pending) {
		clist *res = NULL;
		if ((r = fetch_recv(&res)) != MAILIMAP_NO_ERROR)
			break;
		pending = 0;
		if (next_batch(sf, sm, &i, st, &set)) {
			if ((r = fetch_send(&set)) != MAILIMAP_NO_ERROR) {
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
			struct mailimap_msg_att *ma = clist_content(it);
			struct item *b = &cur->v[cur->n];
			memset(b, 0, sizeof *b);
			for (clistiter *a = clist_begin(ma->att_list); a; a = clist_next(a)) {
				struct mailimap_msg_att_item *item = clist_content(a);
				if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
					b->dyn = item->att_data.att_dyn;
					continue;
				}
				if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
					continue;
				struct mailimap_msg_att_static *sa = item->att_data.att_static;
				if (sa->att_type == MAILIMAP_MSG_ATT_UID)
					b->uid = sa->att_data.att_uid;
				else if (sa->att_type == MAILIMAP_MSG_ATT_INTERNALDATE)
					b->date = sa->att_data.att_internal_date;
				else if (sa->att_type == MAILIMAP_MSG_ATT_BODY_SECTION) {
					b->body = sa->att_data.att_body_section->sec_body_part;
					b->len = sa->att_data.att_body_section->sec_length;
				}
			}
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
		if (multiappend && cur->n > 1) {
			if (append_send(dname, cur->v, cur->n) < 0) {
				r = MAILIMAP_ERROR_STREAM;
				break;
			}
			cur->pending = 1;
			cur->tag = dst.s->imap_tag;
		}
		/* the batch before is answered now, while this one is stored */
		if ((r = settle(sf, dname, prev, cur, st)) != MAILIMAP_NO_ERROR)
			break;
		if (!cur->pending && (r = store_singly(sf, dname, cur, st)) != MAILIMAP_NO_ERROR)
			break;
		progress(sf->utf8, st->copied + st->failed + st->skipped + st->already, st->count);
	}
	/* the last batch's answer */
	if (r == MAILIMAP_NO_ERROR && k)
		r = settle(sf, dname, &bt[(k - 1) % 2], NULL, st);
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
static int
copy_split(const struct folder *sf, const char *dname, struct msgs *sm,
    struct fstats *st)
{
	size_t todo = 0, k;
	int n = 1, broke = 0;

	for (size_t i = 0; i < sm->n; i++)
		todo += !sm->m[i].matched;
	if (conns > 1 && todo >= 2 * SPLIT_MIN)
		n = todo / SPLIT_MIN < (size_t)conns ? (int)(todo / SPLIT_MIN) : conns;
	if (n == 1)
		return copy_missing(sf, dname, sm, st) != MAILIMAP_NO_ERROR;

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
			src.s = dst.s = NULL;
			if (side_open(&src, err, sizeof err) < 0 ||
			    side_open(&dst, err, sizeof err) < 0 ||
			    mailimap_examine(src.s, sf->name) != MAILIMAP_NO_ERROR)
				_exit(3);
		}
		r = copy_missing(sf, dname, sm, &part[w]);
		if (w > 0) {
			side_close(&src);
			side_close(&dst);
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

static int
broken(int r)
{
	return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
	    r == MAILIMAP_ERROR_CONNECTION_REFUSED;
}

/* One Source folder into its Destination folder. Returns 0 when done (even
 * with failed messages), 1 when a connection broke (try again). */
static int
copy_folder(const struct folder *sf, const char *dpath, struct folders *dfs,
    const char *note, struct fstats *st)
{
	struct strbuf dname = { 0 }, wire = { 0 };
	struct msgs sm = { 0 }, dm = { 0 };
	struct kwnote kn = { { 0 }, { 0 } };
	int r, exists_there = 0, ret = 1;
	uint32_t n;
	char fail_why[300] = "";

	memset(st, 0, sizeof *st);
	/* the Destination's separator between the path's components */
	for (const char *p = dpath; *p; p++)
		sb_addc(&dname, *p == '/' ? (dst.sep ? dst.sep : '/') : *p);
	mutf7_encode(dname.s, &wire);
	for (size_t i = 0; i < dfs->n; i++)
		if (strcmp(dfs->f[i].name, wire.s) == 0 ||
		    (strcasecmp(wire.s, "INBOX") == 0 && strcasecmp(dfs->f[i].name, "INBOX") == 0))
			exists_there = 1;
	progress(sf->utf8, 0, 0);
	if (!exists_there && !dry_run) {
		r = mailimap_create(dst.s, wire.s);
		if (broken(r))
			goto broke;
		if (r != MAILIMAP_NO_ERROR) {
			/* perhaps made meanwhile: only a failed SELECT later counts */
			if (mailimap_examine(dst.s, wire.s) != MAILIMAP_NO_ERROR) {
				snprintf(fail_why, sizeof fail_why, "cannot create the folder: %s",
				    imap_last_text(dst.s));
				st->failed++;
				goto done;
			}
		}
		exists_there = 1;
	}
	if (sf->subscribed && !dry_run)
		mailimap_subscribe(dst.s, wire.s);
	r = mailimap_examine(src.s, sf->name);
	if (broken(r))
		goto broke;
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(fail_why, sizeof fail_why, "cannot open the source folder: %s",
		    imap_last_text(src.s));
		st->failed++;
		goto done;
	}
	n = src.s->imap_selection_info ? src.s->imap_selection_info->sel_exists : 0;
	if ((r = list_messages(&src, n, &sm, &kn)) != MAILIMAP_NO_ERROR)
		goto broke;
	st->count = sm.n;
	if (exists_there && sm.n) {
		r = mailimap_examine(dst.s, wire.s);
		if (broken(r))
			goto broke;
		if (r == MAILIMAP_NO_ERROR) {
			uint32_t dn = dst.s->imap_selection_info ?
			    dst.s->imap_selection_info->sel_exists : 0;
			if ((r = list_messages(&dst, dn, &dm, NULL)) != MAILIMAP_NO_ERROR)
				goto broke;
		}
	}
	st->already = match(&sm, &dm);
	progress(sf->utf8, st->already, st->count);
	if (dry_run)
		st->copied = sm.n - st->already;
	else if (copy_split(sf, wire.s, &sm, st))
		goto broke;
done: {
		char c[6][24];
		struct strbuf nb = { 0 };
		if (*fail_why)
			sb_adds(&nb, fail_why);
		if (note)
			sb_printf(&nb, "%s%s", nb.len ? "; " : "", note);
		if (kn.renamed.s) {
			sb_printf(&nb, "%skeywords renamed: %s", nb.len ? "; " : "", kn.renamed.s);
		}
		if (kn.dropped.s)
			sb_printf(&nb, "%skeywords dropped: %s", nb.len ? "; " : "", kn.dropped.s);
		snprintf(c[0], 24, "%lu", st->count);
		snprintf(c[1], 24, "%lu", st->copied);
		snprintf(c[2], 24, "%lu", st->already);
		snprintf(c[3], 24, "%lu", st->failed);
		snprintf(c[4], 24, "%lu", st->skipped);
		snprintf(c[5], 24, "%lu", st->bytes);
		report(dry_run ? "plan" : st->failed ? "failed" : "ok", account,
		    sf->utf8, dpath, c[0], c[1], c[2], c[3], c[4], c[5],
		    nb.s ? nb.s : "", NULL);
		sb_free(&nb);
	}
	ret = 0;
broke:
	free(sm.m);
	free(dm.m);
	sb_free(&dname);
	sb_free(&wire);
	sb_free(&kn.renamed);
	sb_free(&kn.dropped);
	return ret;
}

/* ---- one account ---- */

/* Returns 1 when anything failed. */
static int
copy_account(const char *slogin, const char *dlogin)
{
	char err[512];
	struct folders sfs = { 0 }, dfs = { 0 };
	struct strbuf dpath = { 0 }, prefix = { 0 };
	int bad = 0;

	account = slogin;
	src.login = slogin;
	dst.login = dlogin;
	if (me)
		snprintf(me->account, sizeof me->account, "%s", slogin);
	if (side_open(&src, err, sizeof err) < 0 || side_open(&dst, err, sizeof err) < 0) {
		report("failed", slogin, "-", "-", "", "", "", "", "", "", err, NULL);
		side_close(&src);
		side_close(&dst);
		return 1;
	}
	multiappend = imap_has_cap(dst.s, "MULTIAPPEND") && imap_has_cap(dst.s, "LITERAL+");
	for (int attempt = 0;; attempt++) {
		folders_free(&sfs);
		folders_free(&dfs);
		if (list_folders(&src, &sfs) == MAILIMAP_NO_ERROR &&
		    list_folders(&dst, &dfs) == MAILIMAP_NO_ERROR)
			break;
		if (attempt >= RETRIES || side_open(&src, err, sizeof err) < 0 ||
		    side_open(&dst, err, sizeof err) < 0) {
			report("failed", slogin, "-", "-", "", "", "", "", "", "",
			    "cannot list the folders", NULL);
			bad = 1;
			goto out;
		}
	}
	/* the Destination's own special folders */
	for (size_t i = 0; i < dfs.n; i++)
		if (dfs.f[i].su != SP_NONE && !fmap.special[dfs.f[i].su]) {
			struct strbuf p = { 0 };
			folder_path(dfs.f[i].utf8, dfs.f[i].sep, &p);
			fmap.special[dfs.f[i].su] = p.s;	/* kept for the run */
		}
	/* a Source whose folders all live under INBOX. (Courier, Cyrus) */
	if (src.sep && src.sep != '/') {
		size_t under = 0, others = 0;
		char pre[8];
		snprintf(pre, sizeof pre, "INBOX%c", src.sep);
		for (size_t i = 0; i < sfs.n; i++) {
			if (strcasecmp(sfs.f[i].name, "INBOX") == 0)
				continue;
			if (strncasecmp(sfs.f[i].name, pre, 6) == 0)
				under++;
			else
				others++;
		}
		if (under && !others)
			sb_adds(&prefix, pre);
	}
	fmap.prefix = prefix.s;
	for (size_t i = 0; i < sfs.n; i++) {
		const struct folder *sf = &sfs.f[i];
		const char *note;
		struct fstats st;
		if (sf->noselect)
			continue;
		if (!folder_map(&fmap, sf->utf8, sf->sep, sf->su, &dpath, &note))
			continue;
		int attempt = 0;
		while (copy_folder(sf, dpath.s, &dfs, note, &st)) {
			/* a connection broke: open both again and start the
			 * folder over; what was copied is found there */
			if (++attempt > RETRIES) {
				report("failed", slogin, sf->utf8, dpath.s, "", "", "", "", "", "",
				    "the connection broke again and again", NULL);
				st.failed++;
				break;
			}
			sleep(1u << (attempt - 1) > 16 ? 16 : 1u << (attempt - 1));
			if (side_open(&src, err, sizeof err) < 0 ||
			    side_open(&dst, err, sizeof err) < 0) {
				report("failed", slogin, sf->utf8, dpath.s, "", "", "", "", "", "",
				    err, NULL);
				st.failed++;
				break;
			}
			/* the new session must know which folders exist now */
			folders_free(&dfs);
			list_folders(&dst, &dfs);
		}
		if (st.failed)
			bad = 1;
		if (me) {
			me->copied += st.copied;
			me->already += st.already;
			me->failed += st.failed;
			me->skipped += st.skipped;
		}
	}
out:
	side_close(&src);
	side_close(&dst);
	folders_free(&sfs);
	folders_free(&dfs);
	sb_free(&dpath);
	sb_free(&prefix);
	fmap.prefix = NULL;
	return bad;
}

/* ---- options, the account list, the workers ---- */

static void
read_pwmap(struct side *sd, const char *path)
{
	const char *why;
	char *text = secret_read(path, NULL, &why);

	if (!text)
		die("%s: %s", path, why);
	sd->has_pwmap = 1;
	for (char *line = text, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		int isnew;
		struct strmap_ent *e = strmap_put(&sd->pwmap, line, strlen(line), &isnew);
		e->val = strmap_strdup(&sd->pwmap, tab + 1, strlen(tab + 1));
	}
	secret_free(text);
}

struct account { char *src, *dst; };

static void
add_account(struct account **v, size_t *n, const char *s, const char *d)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].src = xstrdup(s);
	(*v)[*n].dst = xstrdup(d && *d ? d : s);
	(*n)++;
}

static void
show_progress(size_t naccounts, size_t nstarted, size_t nfinished,
    unsigned long finished_bytes, time_t t0)
{
	unsigned long bytes = finished_bytes, done = 0, total = 0;
	char line[400] = "", eta[32] = "--";

	for (int i = 0; i < jobs; i++)
		if (slots[i].pid) {
			bytes += slots[i].bytes;
			done += slots[i].done;
			total += slots[i].total;
		}
	double secs = difftime(time(NULL), t0);
	for (int i = 0; i < jobs; i++)
		if (slots[i].pid) {
			snprintf(line, sizeof line, "%s %s", slots[i].account, slots[i].folder);
			break;
		}
	/* from the accounts finished so far */
	if (nfinished) {
		long left = (long)(secs / (double)nfinished * (double)(naccounts - nfinished));
		snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", left / 3600, left / 60 % 60, left % 60);
	}
	fprintf(stderr, "\r\033[K%zu/%zu accounts  %.60s  %lu/%lu  %.1f MB/s  ETA %s",
	    nstarted, naccounts, line, done, total,
	    secs > 0 ? (double)bytes / 1e6 / secs : 0.0, eta);
}

int
main(int argc, char **argv)
{
	const char *srcurl = NULL, *dsturl = NULL, *cafile = NULL, *listfile = NULL;
	const char *srcca = NULL, *dstca = NULL, *ypath = NULL, *Ypath = NULL;
	struct account *acc = NULL;
	size_t nacc = 0;
	int ch, insecure = 0, status = 0;
	const char *why;
	static const struct option longopts[] = {
		{ "insecure", no_argument, NULL, 'K' },
		{ "source-ca", required_argument, NULL, 's' },
		{ "dest-ca", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};

	diag_init(argv[0]);
	out_init();
	while ((ch = getopt_long(argc, argv, "A:a:C:D:i:J:j:L:l:M:nP:p:S:vx:Y:y:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': src.admin = optarg; break;
		case 'A': dst.admin = optarg; break;
		case 'C': cafile = optarg; break;
		case 's': srcca = optarg; break;
		case 'd': dstca = optarg; break;
		case 'D': dsturl = optarg; break;
		case 'S': srcurl = optarg; break;
		case 'i':
			fmap.include = xrealloc(fmap.include, (fmap.ninc + 1) * sizeof *fmap.include);
			fmap.include[fmap.ninc++] = optarg;
			break;
		case 'x':
			fmap.exclude = xrealloc(fmap.exclude, (fmap.nexc + 1) * sizeof *fmap.exclude);
			fmap.exclude[fmap.nexc++] = optarg;
			break;
		case 'M': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1])
				die("-M %s: give SOURCE=DESTINATION folder paths", optarg);
			fmap.map = xrealloc(fmap.map, (fmap.nmap + 1) * sizeof *fmap.map);
			fmap.map[fmap.nmap].src = xstrndup(optarg, (size_t)(eq - optarg));
			fmap.map[fmap.nmap++].dst = xstrdup(eq + 1);
			break;
		}
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1 || jobs > 64)
				die("-j: from 1 to 64 accounts at once");
			break;
		case 'J':
			conns = atoi(optarg);
			if (conns < 1 || conns > 16)
				die("-J: from 1 to 16 connections for one folder");
			break;
		case 'K': insecure = 1; break;
		case 'L': {
			char *end;
			max_size = strtoul(optarg, &end, 10);
			if (*end == 'k' || *end == 'K') max_size <<= 10, end++;
			else if (*end == 'm' || *end == 'M') max_size <<= 20, end++;
			if (*end || !max_size)
				die("-L %s: a size in bytes (k and M suffixes)", optarg);
			break;
		}
		case 'l': listfile = optarg; break;
		case 'n': dry_run = 1; break;
		case 'p': read_pwmap(&src, optarg); break;
		case 'P': read_pwmap(&dst, optarg); break;
		case 'v': verbose = 1; break;
		case 'y': ypath = optarg; break;
		case 'Y': Ypath = optarg; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (getenv("IMAP_COPY_CRASH_AFTER"))
		crash_after = atol(getenv("IMAP_COPY_CRASH_AFTER"));
	if (!srcurl || !dsturl)
		usage();
	if (imap_parse_url(srcurl, &src.ep, &why) < 0)
		die("-S %s: %s", srcurl, why);
	if (imap_parse_url(dsturl, &dst.ep, &why) < 0)
		die("-D %s: %s", dsturl, why);
	src.ep.cafile = srcca ? srcca : cafile;
	dst.ep.cafile = dstca ? dstca : cafile;
	src.ep.insecure = dst.ep.insecure = insecure;
	if (insecure)
		warnmsg("--insecure: the servers' certificates are NOT verified");
	if (src.admin && !(src.admin_pw = secret_read(ypath, SRC_ENV, &why)))
		die("source admin password: %s", why);
	if (dst.admin && !(dst.admin_pw = secret_read(Ypath, DST_ENV, &why)))
		die("destination admin password: %s", why);
	if (!src.admin && !src.has_pwmap)
		die("the source needs -a admin (with -y) or -p passwords");
	if (!dst.admin && !dst.has_pwmap)
		die("the destination needs -A admin (with -Y) or -P passwords");

	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		char *s = eq ? xstrndup(argv[i], (size_t)(eq - argv[i])) : xstrdup(argv[i]);
		add_account(&acc, &nacc, s, eq ? eq + 1 : NULL);
		free(s);
	}
	if (argc == 0 || listfile) {
		struct lineio lr;
		size_t len;
		char *line;
		if (lineio_open(&lr, listfile) < 0)
			die("%s:", listfile ? listfile : "<stdin>");
		while ((line = lineio_next(&lr, &len, 1)) != NULL) {
			if (len == 0)
				continue;
			char *tab = strchr(line, '\t');
			if (tab)
				*tab++ = '\0';
			if (!*line || strchr(line, ' ')) {
				warn_at(lr.name, lr.lineno, "not an account: %s", line);
				status = 1;
				continue;
			}
			add_account(&acc, &nacc, line, tab);
		}
		lineio_close(&lr);
	}

	mailstream_network_delay.tv_sec = 120;
	slots = mmap(NULL, (size_t)jobs * sizeof *slots, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED)
		die("mmap:");
	memset(slots, 0, (size_t)jobs * sizeof *slots);
	progress_tty = isatty(2);
	fflush(stdout);

	time_t t0 = time(NULL), last = 0;
	size_t next = 0, running = 0, finished = 0;
	unsigned long copied = 0, skipped = 0, failed = 0, already = 0, bytes = 0;
	while (next < nacc || running) {
		while (running < (size_t)jobs && next < nacc) {
			int k = 0;
			while (slots[k].pid)
				k++;
			struct slot *sl = &slots[k];
			memset(sl, 0, sizeof *sl);
			pid_t pid = fork();
			if (pid < 0)
				die("fork:");
			if (pid == 0) {
				me = sl;
				_exit(copy_account(acc[next].src, acc[next].dst));
			}
			sl->pid = pid;
			next++;
			running++;
		}
		int wst;
		pid_t pid = progress_tty ? waitpid(-1, &wst, WNOHANG) : waitpid(-1, &wst, 0);
		if (pid == 0) {
			if (time(NULL) != last) {
				show_progress(nacc, next, finished, bytes, t0);
				last = time(NULL);
			}
			usleep(200000);
			continue;
		}
		if (pid < 0)
			die("waitpid:");
		for (int k = 0; k < jobs; k++)
			if (slots[k].pid == pid) {
				struct slot *sl = &slots[k];
				copied += sl->copied;
				skipped += sl->skipped;
				failed += sl->failed;
				already += sl->already;
				bytes += sl->bytes;
				if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0)
					status = 1;
				if (WIFSIGNALED(wst)) {
					warnmsg("the worker for %s died of signal %d", sl->account,
					    WTERMSIG(wst));
				}
				sl->pid = 0;
				running--;
				finished++;
			}
	}
	double secs = difftime(time(NULL), t0);
	if (progress_tty || verbose) {
		if (progress_tty)
			fprintf(stderr, "\r\033[K");
		fprintf(stderr, "imap-copy: %zu accounts: %lu messages %s, %lu already there, "
		    "%lu skipped, %lu failed, %.1f MB in %.0f s (%.0f messages/s)\n",
		    nacc, copied, dry_run ? "to copy" : "copied", already, skipped, failed,
		    (double)bytes / 1e6, secs, secs > 0 ? (double)copied / secs : (double)copied);
	}
	for (size_t i = 0; i < nacc; i++) {
		free(acc[i].src);
		free(acc[i].dst);
	}
	free(acc);
	secret_free(src.admin_pw);
	secret_free(dst.admin_pw);
	out_close_stdout();
	return status;
}
