/* ldif2prov's entries: which kind of entry a record is (its object
 * classes, for every dialect), and what all kinds share: an entry's
 * attribute values, its claim on its address, its aliases and members. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/diag.h"
#include "../../common/provline.h"
#include "../../common/strbuf.h"
#include "../../common/utf8.h"
#include "ldif2prov.h"

/* Append "name value" to a command line; values of address attributes are
 * renamed; a value that is not UTF-8 text is reported, not carried. */
void
add_attr(struct strbuf *line, const char *name, const struct av *a, struct pos p)
{
	static struct strbuf ren;

	if (!utf8_valid(a->val, a->len, UTF8_NO_NUL)) {
		struct pos ap = { p.file, a->line };

		err_at(ap, "%s: value is not UTF-8 text; not carried", a->type);
		return;
	}
	prov_words(line, name);
	if (a->an->flags & F_ADDRESS)
		prov_words(line, renamed(a->val, &ren));
	else
		prov_word(line, a->val, a->len);
}

/* ---- entries ------------------------------------------------------------ */

/* Register an entry's primary address: its value, NULL when another entry
 * has it. */
struct ival *
claim(const char *addr, enum kind kind, struct pos p, const char *dnkey, const char *zid)
{
	int isnew;
	struct ikey *e = idx_link_key("a:", addr, &isnew, NULL);
	struct ival *v = e->val;

	if (!isnew && v->kind != K_SKIPPED && kind != K_SKIPPED) {
		err_at(p, "%s: address already belongs to the entry at %s:%lu; entry skipped",
		    addr, fname(v->pos.file), v->pos.line);
		return NULL;
	}
	if (!isnew && kind == K_SKIPPED)
		return v;
	if (kind != K_SKIPPED)
		ncarried++;
	v->kind = kind;
	v->pos = p;
	if (isnew)
		v->addr = e->key + 2;
	if (dnkey)
		idx_link("d:", dnkey, NULL, v);
	if (zid)
		idx_link("i:", zid, NULL, v);
	return v;
}

void
skip_entry(const struct rec *r, const char *addr, const char *why)
{
	char *k = dn_key(r->dn);
	const char *zid = firstval(r, "zimbraId");

	if (addr)
		claim(addr, K_SKIPPED, r->pos, k, zid);
	else if (k) {
		struct ival *d = idx_set("d:", k, NULL);

		if (d->kind == K_NONE)
			d->kind = K_SKIPPED;
	}
	note_at(r->pos, "%s: %s; skipped", addr ? addr : r->dn, why);
	free(k);
}

/* An alias of an entry, checked at the end: al is a->val normalised, NULL
 * when it is not an address. The target is the value whose handle is given,
 * else target_ref ("#ZIMBRAID"). */
void
add_alias(const struct rec *r, const struct av *a, const char *al, uint32_t target,
    const char *target_ref)
{
	struct pos p = { r->pos.file, a->line };

	if (!al) {
		err_at(p, "alias \"%s\" is not a mail address; not carried", a->val);
		return;
	}
	spool_put_target(SP_ALIAS, 'A', p, target, 2, al, target_ref);
}

void
add_member(int sp, const char *list, const char *ref, struct pos p)
{
	spool_put(sp, sp == SP_GROUP ? 'G' : 'M', p, 2, list, ref);
}

void
do_contact(const struct rec *r)
{
	const char *m = firstval(r, "mail");
	char *a = m ? addr_norm(m) : NULL, *k = dn_key(r->dn);

	/* an AD contact is no account, but lists may name it as a member */
	if (a && k) {
		struct ival *d = idx_set("d:", k, NULL);

		d->kind = K_CONTACT;
		d->addr = keep(a);
	}
	free(a);
	free(k);
}

/* An entry with a mail address that no rule converts: named with -v. */
void
not_a_mail_user(const struct rec *r, const char *why)
{
	struct strbuf b = { 0 };
	size_t i;

	if (!opt.verbose)
		return;
	if (!why) {
		for (i = 0; i < r->nav; i++)
			if (r->av[i].an == an_objectclass) {
				if (b.len)
					sb_addc(&b, ' ');
				sb_adds(&b, r->av[i].val);
			}
	}
	note_at(r->pos, "%s: mail address %s, but %s%s%s; not carried", r->dn,
	    firstval(r, "mail"), why ? why : "no object class ldif2prov converts (",
	    why ? "" : b.len ? b.s : "none", why ? "" : ")");
	sb_free(&b);
}

void
do_entry(const struct rec *r)
{
	int zimbra = has_class(r, C_ZACCOUNT) || has_class(r, C_ZRECIPIENT) ||
	    has_class(r, C_ZLIST) || has_class(r, C_ZRESOURCE);
	int mail = first(r, "mail") != NULL;

	nmail += mail;

	if (has_class(r, C_ZCOS)) {
		do_cos(r);
		return;
	}
	if (is_zimbra_internal(r->dn)) {
		if (has_class(r, C_ZACCOUNT))
			note_at(r->pos, "%s: Source server account outside any domain; skipped", r->dn);
		return;
	}
	if (has_class(r, C_ZDOMAIN)) {
		do_domain(r);
		return;
	}
	if (has_class(r, C_ZSIGNATURE)) {
		do_child(r, "csig", "zimbraSignatureName");
		return;
	}
	if (has_class(r, C_ZIDENTITY)) {
		do_child(r, "cid", "zimbraPrefIdentityName");
		return;
	}
	if (has_class(r, C_ZALIAS)) {
		do_alias_entry(r);
		return;
	}
	if (has_class(r, C_ZGROUP)) {
		err_at(r->pos, "%s: dynamic group not carried (its members are a query)", r->dn);
		return;
	}
	if (has_class(r, C_ZLIST)) {
		do_list(r, 1);
		return;
	}
	if (has_class(r, C_ZRESOURCE)) {
		do_account(r, 1, 1);
		return;
	}
	if (has_class(r, C_ZACCOUNT)) {
		do_account(r, 1, 0);
		return;
	}
	if (has_class(r, C_ZDATASOURCE) || has_class(r, C_ZSERVER) ||
	    zimbra)
		return;
	if (has_class(r, C_COMPUTER)) {
		if (mail)
			not_a_mail_user(r, "a computer object");
		return;
	}
	if (has_class(r, C_CONTACT)) {
		if (mail)
			not_a_mail_user(r, "an Active Directory contact (only a list member)");
		do_contact(r);
		return;
	}
	if (has_class(r, C_USER)) {	/* Active Directory */
		const char *t = firstval(r, "msExchRecipientTypeDetails");

		char *pa = primary_address(r, 0);

		free(pa);
		if (!pa && !first(r, "mail")) {
			skip_entry(r, NULL, "user without mail address: not a mail user");
			return;
		}
		do_account(r, 0, t && (!strcmp(t, "16") || !strcmp(t, "32")));
		return;
	}
	if (has_class(r, C_GROUP) || has_class(r, C_GROUPOFNAMES) ||
	    has_class(r, C_GROUPOFUNIQUENAMES) || has_class(r, C_POSIXGROUP)) {
		do_list(r, 0);
		return;
	}
	if (has_class(r, C_PERSON)) {
		if (!first(r, "mail")) {
			skip_entry(r, NULL, "person without mail address: not a mail user");
			return;
		}
		do_account(r, 0, 0);
		return;
	}
	if (mail)
		not_a_mail_user(r, NULL);
}
