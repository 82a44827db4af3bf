/* mailbox: message identity, listing and matching, one definition for
 * imap-copy and mig-check (see mailbox.h; the folders are in folders.c,
 * the flags in msgflags.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gnutls/crypto.h>

#include "diag.h"
#include "imapside.h"
#include "mailbox.h"

#define LIST_CHUNK 1000		/* messages listed per FETCH */
/* ---- messages: what identifies one ---- */

int64_t
msg_date_secs(const struct mailimap_date_time *d)
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

uint64_t
msg_header_key(const char *h, size_t n, int *has_id)
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

void
msg_parts(struct mailimap_msg_att *ma, struct msg_parts *p)
{
	memset(p, 0, sizeof *p);
	for (clistiter *a = clist_begin(ma->att_list); a; a = clist_next(a)) {
		struct mailimap_msg_att_item *item = clist_content(a);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			p->dyn = item->att_data.att_dyn;
			p->has_flags = 1;
			continue;
		}
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		struct mailimap_msg_att_static *st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID: p->uid = st->att_data.att_uid; break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE: p->size = st->att_data.att_rfc822_size; break;
		case MAILIMAP_MSG_ATT_INTERNALDATE: p->date = st->att_data.att_internal_date; break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			p->body = st->att_data.att_body_section->sec_body_part;
			p->len = st->att_data.att_body_section->sec_length;
			break;
		}
	}
}

/* The listing asks for the Message-ID only: a second, rarer fetch gets the
 * other fields for the messages that have none. */
static struct mailimap_fetch_type *
list_fetch_type(int flags, int digest, int bare)
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
	if (bare) {
		for (clistiter *it = clist_begin(hdrs); it; it = clist_next(it))
			free(clist_content(it));
		clist_free(hdrs);
	} else
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

struct msg *
msgs_find(struct msgs *ms, uint32_t uid)
{
	return ms->n ? bsearch(&uid, ms->m, ms->n, sizeof *ms->m, cmp_uid_key) : NULL;
}

/* The messages without a Message-ID: their key from the other fields. */
static int
digest_keys(mailimap *s, struct msgs *ms)
{
	struct mailimap_fetch_type *ft = list_fetch_type(0, 1, 0);
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
			r = mailimap_uid_fetch(s, set, ft, &res);
		mailimap_set_free(set);
		if (!k || r != MAILIMAP_NO_ERROR)
			break;
		for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
			struct msg_parts p;
			msg_parts(clist_content(it), &p);
			struct msg *m = msgs_find(ms, p.uid);
			if (m)
				m->key = msg_header_key(p.body ? p.body : "", p.body ? p.len : 0, &has_id);
		}
		mailimap_fetch_list_free(res);
	}
	mailimap_fetch_type_free(ft);
	return r;
}

static const char *
intern_flags(struct msgs *ms, const struct strbuf *f)
{
	int isnew;
	const char *s = f->s ? f->s : "";
	struct strmap_ent *e = strmap_put(&ms->flagset, s, strlen(s), &isnew);

	return e->key;
}

static int
cmp_uid(const void *a, const void *b)
{
	uint32_t x = ((const struct msg *)a)->uid, y = ((const struct msg *)b)->uid;

	return x < y ? -1 : x > y;
}

int
msgs_list(mailimap *s, uint32_t exists, struct msgs *ms, unsigned what,
    struct kwnote *kn)
{
	int want_flags = (what & MSGS_FLAGS) != 0;
	struct mailimap_fetch_type *ft = list_fetch_type(want_flags || kn, 0, what & MSGS_BARE);
	int r = MAILIMAP_NO_ERROR, has_id, sorted = 1;
	size_t noid = 0;
	struct strbuf fl = { 0 };

	ms->n = 0;
	for (uint32_t lo = 1; lo <= exists; lo += LIST_CHUNK) {
		uint32_t hi = lo + LIST_CHUNK - 1 > exists ? exists : lo + LIST_CHUNK - 1;
		struct mailimap_set *set = mailimap_set_new_interval(lo, hi);
		clist *res = NULL;
		r = mailimap_fetch(s, set, ft, &res);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR)
			break;
		for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
			struct msg_parts p;
			struct msg m = { 0 };
			msg_parts(clist_content(it), &p);
			if (!p.uid)
				continue;
			m.uid = p.uid;
			m.size = p.size;
			m.date = msg_date_secs(p.date);
			m.key = msg_header_key(p.body ? p.body : "", p.body ? p.len : 0, &has_id);
			m.noid = !has_id;
			/* FLAGS () comes from libetpan with no list at all */
			if (p.has_flags)
				msg_flags(p.dyn, &fl, kn);
			else
				sb_reset(&fl);
			if (want_flags)
				m.flags = intern_flags(ms, &fl);
			noid += m.noid;
			if (ms->n == ms->cap) {
				ms->cap = ms->cap ? 2 * ms->cap : 1024;
				ms->m = xrealloc(ms->m, ms->cap * sizeof *ms->m);
			}
			if (ms->n && m.uid < ms->m[ms->n - 1].uid)
				sorted = 0;
			ms->m[ms->n++] = m;
		}
		mailimap_fetch_list_free(res);
	}
	mailimap_fetch_type_free(ft);
	sb_free(&fl);
	if (!sorted)
		qsort(ms->m, ms->n, sizeof *ms->m, cmp_uid);
	/* a bare listing has no identity to complete: nothing is matched */
	if (r == MAILIMAP_NO_ERROR && noid && !(what & MSGS_BARE))
		r = digest_keys(s, ms);
	return r;
}

void
msgs_free(struct msgs *ms)
{
	free(ms->m);
	strmap_free(&ms->flagset);
	memset(ms, 0, sizeof *ms);
}

/* ---- matching ---- */

static int
cmp3(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* Orders for matching: all of the identity; without the date. The UID
 * last, so that equal messages pair in UID order. */
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

size_t
msgs_match(struct msgs *s, struct msgs *d)
{
	size_t n = 0;

	for (int pass = 0; pass < 3; pass++) {
		int (*cmp)(const void *, const void *) = pass == 2 ? cmp_nodate : cmp_full;
		if (s->n)
			qsort(s->m, s->n, sizeof *s->m, cmp);
		if (d->n)
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
				a->peer = b->uid;
				b->peer = a->uid;
				n++;
				i++;
				j++;
			} else if (c < 0)
				i++;
			else
				j++;
		}
	}
	if (s->n)
		qsort(s->m, s->n, sizeof *s->m, cmp_uid);
	if (d->n)
		qsort(d->m, d->n, sizeof *d->m, cmp_uid);
	return n;
}

/* One side's part of folder_pair_list. */
struct list_job {
	mailimap *s;
	const char *wire;
	int write;
	unsigned what;
	struct msgs *ms;
	struct kwnote *kn;
	int opened, r;
};

static void
list_side(void *p)
{
	struct list_job *j = p;
	uint32_t n;

	j->r = j->write ? mailimap_select(j->s, j->wire) : mailimap_examine(j->s, j->wire);
	if (j->r != MAILIMAP_NO_ERROR)
		return;
	j->opened = 1;
	n = j->s->imap_selection_info ? j->s->imap_selection_info->sel_exists : 0;
	j->r = msgs_list(j->s, n, j->ms, j->what, j->kn);
}

/* The Destination's part: its first step, then its listing. */
struct dst_job {
	struct list_job l;
	int (*first)(void *);
	void *arg;
	int first_r;
};

static void
dst_side(void *p)
{
	struct dst_job *j = p;

	if (j->first && (j->first_r = j->first(j->arg)) != MAILIMAP_NO_ERROR)
		return;
	if (j->l.wire)
		list_side(&j->l);
}

int
folder_pair_list(mailimap *src, const char *swire, mailimap *dst, const char *dwire,
    unsigned how, struct msgs *sm, struct msgs *dm, struct kwnote *kn,
    char *err, size_t errlen)
{
	return folder_pair_list_after(NULL, NULL, src, swire, dst, dwire, how, sm, dm, kn,
	    err, errlen);
}

int
folder_pair_list_after(int (*first)(void *), void *arg, mailimap *src, const char *swire,
    mailimap *dst, const char *dwire, unsigned how, struct msgs *sm, struct msgs *dm,
    struct kwnote *kn, char *err, size_t errlen)
{
	unsigned what = how & PAIR_FLAGS ? MSGS_FLAGS : 0;
	struct list_job sj = { src, swire, 0, what | (!dwire && how & PAIR_SRC_BARE ? MSGS_BARE : 0),
	    sm, kn, 0, 0 };
	struct dst_job dj = { { dst, dwire, (how & PAIR_DST_WRITE) != 0, what, dm, NULL, 0, 0 },
	    first, arg, MAILIMAP_NO_ERROR };

	sm->n = dm->n = 0;
	/* both sides listed at once: each server works while the other does */
	if (dwire || first)
		run_both(dst_side, &dj, list_side, &sj);
	else
		list_side(&sj);
	if (dj.first_r != MAILIMAP_NO_ERROR)
		return dj.first_r;
	if (!sj.opened) {
		if (imap_broken(sj.r))
			return sj.r;
		if (dwire && imap_broken(dj.l.r))
			return dj.l.r;
		snprintf(err, errlen, "cannot open the source folder: %s", imap_last_text(src));
		return -1;
	}
	if (sj.r != MAILIMAP_NO_ERROR)
		return sj.r;
	if (dwire && (dj.l.opened ? dj.l.r != MAILIMAP_NO_ERROR : imap_broken(dj.l.r)))
		return dj.l.r;
	/* a Destination folder that cannot be opened is an empty one */
	if (!dj.l.opened || (!sm->n && !(how & PAIR_DST_ALWAYS)))
		dm->n = 0;
	msgs_match(sm, dm);
	return MAILIMAP_NO_ERROR;
}

/* ---- what a report line says of a message ---- */

#define INFO_CHUNK 500		/* messages whose headers are fetched at once */


static int
cmp_info(const void *a, const void *b)
{
	uint32_t x = ((const struct msg_info *)a)->uid, y = ((const struct msg_info *)b)->uid;

	return x < y ? -1 : x > y;
}

/* The unfolded value of header field name in h (NULL if none). */
static char *
header_value(const char *h, size_t n, const char *name)
{
	size_t nl = strlen(name);
	const char *end = h + n;

	for (const char *p = h; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			struct strbuf v = { 0 };
			const char *q = p + nl + 1;
			for (;;) {
				for (; q < eol; q++)
					if (*q != '\r')
						sb_addc(&v, *q == '\t' ? ' ' : *q);
				/* a folded continuation line */
				if (eol < end && eol + 1 < end && (eol[1] == ' ' || eol[1] == '\t')) {
					q = eol + 1;
					eol = memchr(q, '\n', (size_t)(end - q));
					if (!eol)
						eol = end;
					continue;
				}
				break;
			}
			const char *s = v.s ? v.s : "";
			size_t a = strspn(s, " "), l = strlen(s);
			while (l > a && s[l - 1] == ' ')
				l--;
			char *r = xstrndup(s + a, l - a);
			sb_free(&v);
			return r;
		}
		p = eol + 1;
	}
	return NULL;
}

int
msgs_fetch_info(mailimap *s, struct msg_info *v, size_t n)
{
	int r = MAILIMAP_NO_ERROR;

	for (size_t lo = 0; lo < n && r == MAILIMAP_NO_ERROR; lo += INFO_CHUNK) {
		size_t hi = lo + INFO_CHUNK < n ? lo + INFO_CHUNK : n;
		struct mailimap_set *set = mailimap_set_new_empty();
		clist *hdrs = clist_new(), *res = NULL;
		clist_append(hdrs, xstrdup("MESSAGE-ID"));
		clist_append(hdrs, xstrdup("SUBJECT"));
		struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
		mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_body_peek_section(
		    mailimap_section_new_header_fields(mailimap_header_list_new(hdrs))));
		for (size_t i = lo; i < hi; i++)
			mailimap_set_add_single(set, v[i].uid);
		r = mailimap_uid_fetch(s, set, ft, &res);
		mailimap_set_free(set);
		mailimap_fetch_type_free(ft);
		if (r != MAILIMAP_NO_ERROR)
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
			struct msg_info key = { .uid = uid }, *in;
			in = bsearch(&key, v + lo, hi - lo, sizeof *v, cmp_info);
			if (!in || !h)
				continue;
			free(in->msgid);
			free(in->subject);
			in->msgid = header_value(h, hl, "Message-ID");
			in->subject = header_value(h, hl, "Subject");
		}
		mailimap_fetch_list_free(res);
	}
	return r;
}

void
msg_info_free(struct msg_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].msgid);
		free(v[i].subject);
	}
	free(v);
}

void
msg_iso_date(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm))
		snprintf(out, n, "-");
	else
		strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- a FETCH in flight while the other side works ---- */

int
uid_fetch_send(mailimap *s, const char *set, const char *items)
{
	struct strbuf b = { 0 };
	int r;

	sb_printf(&b, "UID FETCH %s (%s)\r\n", set, items);
	r = imap_command(s, b.s, b.len);
	sb_free(&b);
	return r;
}

int
uid_fetch_recv(mailimap *s, clist **res)
{
	return uid_fetch_recv_tag(s, 0, res);
}

int
uid_fetch_recv_tag(mailimap *s, int tag, clist **res)
{
	int r = imap_answer(s, tag);

	*res = NULL;
	if (r != MAILIMAP_NO_ERROR && r != IMAP_NO)
		return r;
	*res = s->imap_response_info->rsp_fetch_list;
	s->imap_response_info->rsp_fetch_list = NULL;
	if (r == IMAP_NO || !*res) {
		if (*res)
			mailimap_fetch_list_free(*res);
		*res = NULL;
		return MAILIMAP_ERROR_UID_FETCH;
	}
	return MAILIMAP_NO_ERROR;
}

void
uid_set_add(struct strbuf *set, uint32_t *run_lo, uint32_t *run_hi, uint32_t uid, int last)
{
	if (uid && *run_hi && uid == *run_hi + 1) {
		*run_hi = uid;
	} else {
		if (*run_hi)
			sb_printf(set, *run_lo == *run_hi ? "%s%u" : "%s%u:%u",
			    set->len ? "," : "", *run_lo, *run_hi);
		*run_lo = *run_hi = uid;
	}
	if (last && *run_hi) {
		sb_printf(set, *run_lo == *run_hi ? "%s%u" : "%s%u:%u", set->len ? "," : "",
		    *run_lo, *run_hi);
		*run_lo = *run_hi = 0;
	}
}
