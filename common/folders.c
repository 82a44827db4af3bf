/* folders: each side's folders listed, found and named, one definition
 * for imap-copy and mig-check (see mailbox.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "imapside.h"
#include "mailbox.h"

/* ---- folders ---- */

void
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

static void
folder_attrs(struct folder *f, const struct mailimap_mbx_list_flags *fl)
{
	if (!fl)
		return;
	if (fl->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    fl->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		f->noselect = 1;
	/* libetpan has no SPECIAL-USE: the attributes come as extensions */
	for (clistiter *o = clist_begin(fl->mbf_oflags); o; o = clist_next(o)) {
		struct mailimap_mbx_list_oflag *of = clist_content(o);
		if (of->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT)
			continue;
		char name[64];
		snprintf(name, sizeof name, "%s%s", of->of_flag_ext[0] == '\\' ? "" : "\\",
		    of->of_flag_ext);
		if (strcasecmp(name, "\\Noselect") == 0 || strcasecmp(name, "\\NonExistent") == 0)
			f->noselect = 1;
		else if (strcasecmp(name, "\\Subscribed") == 0)
			f->subscribed = 1;	/* LIST-EXTENDED's RETURN (SUBSCRIBED) */
		else if (special_of_flag(name) != SP_NONE)
			f->su = special_of_flag(name);
	}
}

/* LIST "" "*" RETURN (SUBSCRIBED): what LIST and LSUB say, in one round
 * trip. */
static int
list_extended(mailimap *s, clist **l)
{
	static const char cmd[] = "LIST \"\" \"*\" RETURN (SUBSCRIBED)\r\n";
	int r;

	*l = NULL;
	if ((r = imap_command(s, cmd, sizeof cmd - 1)) != MAILIMAP_NO_ERROR ||
	    ((r = imap_answer(s, 0)) != MAILIMAP_NO_ERROR && r != IMAP_NO))
		return r;
	*l = s->imap_response_info->rsp_mailbox_list;
	s->imap_response_info->rsp_mailbox_list = NULL;
	return r == IMAP_NO ? MAILIMAP_ERROR_LIST : MAILIMAP_NO_ERROR;
}

int
folders_list(mailimap *s, struct folders *fs)
{
	clist *l = NULL, *sub = NULL;
	int r, ext = imap_has_cap(s, "LIST-EXTENDED");
	struct strbuf u = { 0 };

	folders_free(fs);
	r = ext ? list_extended(s, &l) : mailimap_list(s, "", "*", &l);
	if (r != MAILIMAP_NO_ERROR) {
		if (l)
			mailimap_list_result_free(l);
		return r;
	}
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
			fs->sep = f.sep;
		mutf7_decode(mb->mb_name, &u);
		f.utf8 = xstrdup(u.s);
		folder_attrs(&f, mb->mb_flag);
		fs->f[fs->n++] = f;
	}
	mailimap_list_result_free(l);
	if (!ext && mailimap_lsub(s, "", "*", &sub) == MAILIMAP_NO_ERROR) {
		for (clistiter *it = clist_begin(sub); it; it = clist_next(it)) {
			struct mailimap_mailbox_list *mb = clist_content(it);
			for (size_t i = 0; i < fs->n; i++)
				if (strcmp(fs->f[i].name, mb->mb_name) == 0)
					fs->f[i].subscribed = 1;
		}
		mailimap_list_result_free(sub);
	}
	sb_free(&u);
	if (fs->n)
		qsort(fs->f, fs->n, sizeof *fs->f, cmp_folder);
	return 0;
}

struct folders_job { mailimap *s; struct folders *fs; int r; };

static void
folders_one(void *p)
{
	struct folders_job *j = p;

	j->r = folders_list(j->s, j->fs);
}

int
folders_list_both(mailimap *src, struct folders *sfs, mailimap *dst, struct folders *dfs)
{
	struct folders_job a = { src, sfs, 0 }, b = { dst, dfs, 0 };

	run_both(folders_one, &b, folders_one, &a);
	return a.r != MAILIMAP_NO_ERROR ? a.r : b.r;
}

const struct folder *
folders_find(const struct folders *fs, const char *wire)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].name, wire) == 0 ||
		    (strcasecmp(wire, "INBOX") == 0 && strcasecmp(fs->f[i].name, "INBOX") == 0))
			return &fs->f[i];
	return NULL;
}

void
folders_prepare_map(struct foldermap *fm, const struct folders *src,
    const struct folders *dst, struct strbuf *prefix)
{
	/* the Destination's own special folders */
	for (size_t i = 0; i < dst->n; i++)
		if (dst->f[i].su != SP_NONE && !fm->special[dst->f[i].su]) {
			struct strbuf p = { 0 };
			folder_path(dst->f[i].utf8, dst->f[i].sep, &p);
			fm->special[dst->f[i].su] = p.s;	/* kept for the run */
		}
	/* a Source whose folders all live under INBOX. (Courier, Cyrus) */
	sb_reset(prefix);
	fm->prefix = NULL;
	if (src->sep && src->sep != '/') {
		size_t under = 0, others = 0;
		char pre[8];
		snprintf(pre, sizeof pre, "INBOX%c", src->sep);
		for (size_t i = 0; i < src->n; i++) {
			if (strcasecmp(src->f[i].name, "INBOX") == 0)
				continue;
			if (strncasecmp(src->f[i].name, pre, 6) == 0)
				under++;
			else
				others++;
		}
		if (under && !others) {
			sb_adds(prefix, pre);
			fm->prefix = prefix->s;
		}
	}
}

void
folders_dest_name(const char *dpath, char dsep, struct strbuf *wire)
{
	struct strbuf name = { 0 };

	for (const char *p = dpath; *p; p++)
		sb_addc(&name, *p == '/' ? (dsep ? dsep : '/') : *p);
	sb_reset(wire);
	mutf7_encode(name.s ? name.s : "", wire);
	sb_free(&name);
}
