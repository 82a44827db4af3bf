/* ldif2prov's emitter: at the end of the pass, the references resolved
 * against the index (alias targets, COS ids, signature owners, members)
 * and the stream written section by section, in dependency order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/diag.h"
#include "../../common/out.h"
#include "../../common/provline.h"
#include "../../common/strbuf.h"
#include "../../common/strmap.h"
#include "ldif2prov.h"

/* The finished lines ('L' records) of a record spool, in order. */
static void
emit_lines(FILE *f, struct sprec *rec)
{
	rewind(f);
	while (spool_get(f, rec))
		if (rec->kind == 'L') {
			out_puts(stdout, rec->f[0]);
			out_puts(stdout, "\n");
		}
}

/* Aliases: each alias given once, never an entry's own address. The
 * records are read AHEAD ahead of the one resolved, and the index slots
 * they will look up warmed meanwhile. */
static void
resolve_aliases(FILE *acct_aliases, FILE *list_aliases)
{
	enum { AHEAD = 16 };
	struct sprec ring[AHEAD], *rec;
	struct strbuf line = { 0 }, ren_alias = { 0 }, ren_target = { 0 };
	size_t head = 0, n = 0, i;
	int more = 1;

	memset(ring, 0, sizeof ring);
	rewind_spool(SP_ALIAS);
	for (;;) {
		const char *al, *ref, *dal, *dt;
		struct pos p;
		struct ival *t, *own;
		int isnew;

		while (more && n < AHEAD) {
			rec = &ring[(head + n) % AHEAD];
			if (!(more = spool_get(spool[SP_ALIAS], rec)))
				break;
			n++;
			idx_prefetch('a', rec->f[0], strlen(rec->f[0]));
			if (rec->target)
				__builtin_prefetch(idx_ptr(rec->target));
			else if (rec->f[1][0] == '#')
				idx_prefetch('i', rec->f[1] + 1, strlen(rec->f[1] + 1));
		}
		if (!n)
			break;
		rec = &ring[head];
		head = (head + 1) % AHEAD;
		n--;
		al = rec->f[0], ref = rec->f[1], p = rec->pos;

		t = rec->target ? idx_ptr(rec->target) :
		    idx_get(ref[0] == '=' ? "a:" : "i:", ref + 1);
		if (!t || t->kind == K_NONE || t->kind == K_ALIAS) {
			err_at(p, "alias %s: its target (zimbraId %s) is not in the export; "
			    "not carried", al, ref + 1);
			continue;
		}
		if (t->kind == K_SKIPPED) {
			note_at(p, "alias %s: its target %s is skipped", al, t->addr);
			continue;
		}
		if (!domain_selected(al)) {
			note_at(p, "alias %s: domain not selected (-d); skipped", al);
			continue;
		}
		/* one look-up says whether the address is an entry's own or
		 * an alias already given out */
		own = idx_set("a:", al, &isnew);
		if (!isnew && own->kind == K_ALIAS) {
			if (own->addr != t->addr)
				err_at(p, "alias %s of %s is already an alias of %s (%s:%lu); "
				    "not carried", al, t->addr, own->addr, fname(own->pos.file),
				    own->pos.line);
			continue;
		}
		if (!isnew && own->kind != K_NONE) {
			if (own->addr != t->addr)
				err_at(p, "alias %s of %s is the address of the entry at %s:%lu; "
				    "alias not carried", al, t->addr, fname(own->pos.file),
				    own->pos.line);
			else if (t->kind != K_LIST)
				err_at(p, "alias %s of %s is the entry's own address; not carried",
				    al, t->addr);
			continue;
		}
		own->kind = K_ALIAS;
		own->addr = t->addr;
		own->pos = p;
		dal = renamed(al, &ren_alias);
		dt = renamed(t->addr, &ren_target);
		want_domain(domain_of(dal));
		sb_reset(&line);
		prov_words(&line, t->kind == K_LIST ? "adla" : "aaa");
		prov_words(&line, dt);
		prov_words(&line, dal);
		sb_addc(&line, '\n');
		out_write(t->kind == K_LIST ? list_aliases : acct_aliases, line.s, line.len);
	}
	for (i = 0; i < AHEAD; i++)
		sb_free(&ring[i].b);
	sb_free(&line);
	sb_free(&ren_alias);
	sb_free(&ren_target);
}

/* Accounts, then their COS by name: `sac ACCOUNT COSNAME`, which both
 * `carbonio prov` and prov-apply resolve on the Destination. */
static void
emit_accounts(struct sprec *rec)
{
	emit_text(SP_ACCOUNT);
	rewind_spool(SP_COSREF);
	while (spool_get(spool[SP_COSREF], rec)) {
		const char *cosid, *name = NULL;
		struct ival *c;
		struct strbuf line = { 0 };

		cosid = rec->f[1];
		if (!*cosid) {
			/* none of its own: its domain's default, when not "default" */
			struct ival *m = idx_get("m:", rec->f[2]);

			if (!m || !(c = idx_get("c:", m->addr)) ||
			    strcasecmp(c->addr, "default") == 0)
				continue;
			name = c->addr;
		} else if ((c = idx_get("c:", cosid)) != NULL)
			name = c->addr;
		else {
			warnmsg("%s: its COS (zimbraId %s) is not in the export; "
			    "it gets its domain's default COS", rec->f[0], cosid);
			nerrors++;
			continue;
		}
		prov_words(&line, "sac");
		prov_words(&line, rec->f[0]);
		prov_words(&line, name);
		out_write(stdout, line.s, line.len);
		out_write(stdout, "\n", 1);
		sb_free(&line);
	}
}

/* Signatures and identities once every account exists, then the accounts'
 * pointers to them. */
static void
emit_children(struct sprec *rec)
{
	rewind_spool(SP_CHILD);
	struct strbuf line = { 0 }, ren = { 0 };

	while (spool_get(spool[SP_CHILD], rec)) {
		struct ival *o;

		if (rec->kind != 'C')
			continue;
		o = idx_get("a:", rec->f[0]);
		if (!o || (o->kind != K_ACCOUNT && o->kind != K_RESOURCE)) {
			if (!o || o->kind != K_SKIPPED)
				err_at(rec->pos, "%s %s: its account (%s) is "
				    "not in the export; not carried", rec->f[1], rec->f[2], rec->f[0]);
			continue;
		}
		sb_reset(&line);
		prov_words(&line, rec->f[1]);
		prov_words(&line, renamed(o->addr, &ren));
		prov_words(&line, rec->f[2]);
		if (*rec->f[3]) {
			sb_addc(&line, ' ');
			sb_adds(&line, rec->f[3]);
		}
		sb_addc(&line, '\n');
		out_write(stdout, line.s, line.len);
	}
	sb_free(&line);
	sb_free(&ren);
	emit_lines(spool[SP_CHILD], rec);
}

/* Members of groups without an address, by group DN, for expansion. */
struct members {
	char **ref;
	struct pos *pos;
	size_t n, cap;
};

static struct strmap groups;

static void
load_groups(struct sprec *rec)
{
	rewind_spool(SP_GROUP);
	while (spool_get(spool[SP_GROUP], rec)) {
		struct strmap_ent *e = strmap_put(&groups, rec->f[0], strlen(rec->f[0]), NULL);
		struct members *m = e->val;

		if (!m)
			m = e->val = xcalloc(1, sizeof *m);
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 8;
			m->ref = xrealloc(m->ref, m->cap * sizeof *m->ref);
			m->pos = xrealloc(m->pos, m->cap * sizeof *m->pos);
		}
		m->ref[m->n] = xstrdup(rec->f[1]);
		m->pos[m->n++] = rec->pos;
	}
}

struct adlm {
	const char *list;	/* renamed list address */
	struct strbuf ren_list, ren;	/* renamed()'s room for both */
	struct strbuf line;
	int n;
	struct strmap seen;
};

enum { MEMBERS_PER_LINE = 100 };

static void
adlm_flush(struct adlm *a)
{
	if (a->n) {
		out_write(stdout, a->line.s, a->line.len);
		out_write(stdout, "\n", 1);
	}
	sb_reset(&a->line);
	a->n = 0;
}

static void
adlm_add(struct adlm *a, const char *member)
{
	const char *m = renamed(member, &a->ren);
	int isnew;

	strmap_put(&a->seen, m, strlen(m), &isnew);
	if (isnew && strcmp(m, a->list) != 0) {
		if (!a->n) {
			prov_words(&a->line, "adlm");
			prov_words(&a->line, a->list);
		}
		prov_words(&a->line, m);
		if (++a->n == MEMBERS_PER_LINE)
			adlm_flush(a);
	}
}

/* Resolve a member reference to addresses (a group without address gives
 * its own members, recursively) and add them to the list. */
static void
resolve_member(struct adlm *a, const char *ref, struct pos p, int depth)
{
	struct ival *v;

	if (ref[0] == '=') {
		adlm_add(a, ref + 1);
		return;
	}
	v = strncmp(ref, "uid:", 4) == 0 ? idx_get("u:", ref + 4) : idx_get("d:", ref + 3);
	if (!v && ref[0] == 'd') {
		/* a Zimbra account, indexed by address only */
		char *za = zimbra_dn_address(ref + 3);

		v = za ? idx_get("a:", za) : NULL;
		if (v && v->kind == K_ALIAS)
			v = NULL;
		free(za);
	}
	if (!v || v->kind == K_NONE) {
		err_at(p, "%s: member %s \"%s\" resolves to no entry of the export; "
		    "not carried", a->list, ref[0] == 'u' ? "uid" : "DN", strchr(ref, ':') + 1);
		return;
	}
	switch (v->kind) {
	case K_SKIPPED:
		note_at(p, "%s: member \"%s\" is skipped", a->list, strchr(ref, ':') + 1);
		return;
	case K_GROUP: {
		struct strmap_ent *e = strmap_get(&groups, ref + 3, strlen(ref + 3));
		struct members *m = e ? e->val : NULL;
		size_t i;

		if (depth > 32) {
			err_at(p, "%s: member groups loop, or nest more than 32 deep, at \"%s\"; "
			    "not expanded further", a->list, ref + 3);
			return;
		}
		for (i = 0; m && i < m->n; i++)
			resolve_member(a, m->ref[i], m->pos[i], depth + 1);
		return;
	}
	default:
		adlm_add(a, v->addr);
	}
}

static void
emit_members(struct sprec *rec)
{
	struct adlm a = { 0 };
	char *cur = NULL;

	load_groups(rec);
	rewind_spool(SP_MEMBER);
	while (spool_get(spool[SP_MEMBER], rec)) {
		if (!cur || strcmp(cur, rec->f[0]) != 0) {
			adlm_flush(&a);
			free(cur);
			strmap_free(&a.seen);
			cur = xstrdup(rec->f[0]);
			a.list = renamed(cur, &a.ren_list);
		}
		resolve_member(&a, rec->f[1], rec->pos, 0);
	}
	adlm_flush(&a);
	free(cur);
	strmap_free(&a.seen);
	sb_free(&a.line);
	sb_free(&a.ren_list);
	sb_free(&a.ren);
}

void
emit(void)
{
	struct sprec rec = { 0 };
	FILE *acct_aliases = spool_file(), *list_aliases = spool_file();
	size_t i;

	if (opt.account_list) {
		emit_text(SP_LOGIN);
		goto out;
	}
	/* aliases first: they may add domains */
	resolve_aliases(acct_aliases, list_aliases);
	emit_text(SP_COS);
	emit_text(SP_DOMAIN);
	for (i = 0; i < ndomains_seen; i++) {
		struct ival *d = idx_get("D:", domains_seen[i]);

		if (d->kind != K_LIST) {
			struct strbuf line = { 0 };

			prov_words(&line, "cd");
			prov_words(&line, domains_seen[i]);
			out_write(stdout, line.s, line.len);
			out_write(stdout, "\n", 1);
			sb_free(&line);
		}
	}
	emit_accounts(&rec);
	emit_children(&rec);
	rewind(acct_aliases);
	out_copy(stdout, acct_aliases, "temporary file");
	emit_text(SP_LIST);
	rewind(list_aliases);
	out_copy(stdout, list_aliases, "temporary file");
	emit_members(&rec);
out:
	sb_free(&rec.b);
	fclose(acct_aliases);
	fclose(list_aliases);
}
