/* msgflags: a message's flags as Carbonio stores them, and what changes
 * one set into another, one definition for imap-copy and mig-check (see
 * mailbox.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "mailbox.h"

/* ---- flags: what Carbonio stores ---- */

static const char *const dropped_kw[] = {
	"$Junk", "$NotJunk", "Junk", "NonJunk", "NotJunk", "JunkRecorded"
};

void
kwnote_free(struct kwnote *kn)
{
	sb_free(&kn->renamed);
	sb_free(&kn->dropped);
}

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

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
msg_flags(struct mailimap_msg_att_dynamic *dyn, struct strbuf *out, struct kwnote *kn)
{
	static const char *const sys[] = { "\\Answered", "\\Flagged", "\\Deleted", "\\Seen",
	    "\\Draft" };
	unsigned has = 0;
	char *kw[64];
	size_t nkw = 0;

	sb_reset(out);
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
		case MAILIMAP_FLAG_ANSWERED: has |= 1; break;
		case MAILIMAP_FLAG_FLAGGED: has |= 2; break;
		case MAILIMAP_FLAG_DELETED: has |= 4; break;
		case MAILIMAP_FLAG_SEEN: has |= 8; break;
		case MAILIMAP_FLAG_DRAFT: has |= 16; break;
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
			if (nkw == sizeof kw / sizeof kw[0])
				break;	/* more keywords than any server keeps */
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
			kw[nkw++] = c;
			break;
		}
		default:
			break;	/* \Recent and extensions cannot be set */
		}
	}
	for (size_t i = 0; i < sizeof sys / sizeof sys[0]; i++)
		if (has & 1u << i)
			sb_printf(out, "%s%s", out->len ? " " : "", sys[i]);
	qsort(kw, nkw, sizeof *kw, cmp_str);
	for (size_t i = 0; i < nkw; i++) {
		/* the same keyword twice (after the ':' rewrite) is one */
		if (!i || strcmp(kw[i], kw[i - 1]) != 0)
			sb_printf(out, "%s%s", out->len ? " " : "", kw[i]);
	}
	for (size_t i = 0; i < nkw; i++)
		free(kw[i]);
	if (!out->s)
		sb_adds(out, "");
}

/* 1 when the space-separated words of set hold w (of length n). */
static int
has_word(const char *set, const char *w, size_t n)
{
	for (const char *p = set; *p;) {
		size_t l = strcspn(p, " ");
		if (l == n && strncmp(p, w, n) == 0)
			return 1;
		p += l;
		p += *p == ' ';
	}
	return 0;
}

static void
words_missing(const char *from, const char *in, struct strbuf *out)
{
	sb_reset(out);
	for (const char *p = from; *p;) {
		size_t l = strcspn(p, " ");
		if (l && !has_word(in, p, l)) {
			if (out->len)
				sb_addc(out, ' ');
			sb_add(out, p, l);
		}
		p += l;
		p += *p == ' ';
	}
	if (!out->s)
		sb_adds(out, "");
}

void
flags_diff(const char *want, const char *have, struct strbuf *add, struct strbuf *rem)
{
	words_missing(want, have, add);
	words_missing(have, want, rem);
}

struct mailimap_flag_list *
msg_flag_list(const char *flags)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	char *copy = xstrdup(flags), *save = NULL;

	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		struct mailimap_flag *f =
		    strcmp(w, "\\Answered") == 0 ? mailimap_flag_new_answered() :
		    strcmp(w, "\\Flagged") == 0 ? mailimap_flag_new_flagged() :
		    strcmp(w, "\\Deleted") == 0 ? mailimap_flag_new_deleted() :
		    strcmp(w, "\\Seen") == 0 ? mailimap_flag_new_seen() :
		    strcmp(w, "\\Draft") == 0 ? mailimap_flag_new_draft() :
		    mailimap_flag_new_flag_keyword(xstrdup(w));
		mailimap_flag_list_add(fl, f);
	}
	free(copy);
	return fl;
}
