/* ldif2prov's Zimbra-only entries: COS, domains, alias entries, and the
 * signatures and identities below an account. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "../../common/diag.h"
#include "../../common/provline.h"
#include "../../common/strbuf.h"
#include "ldif2prov.h"

/* cn=zimbra holds the Source server's configuration and its admins outside
 * any domain (cn=admins, cn=appaccts): never carried, but for the COS. */
int
is_zimbra_internal(const char *dn)
{
	size_t n = strlen(dn);

	while (n && dn[n - 1] == ' ')
		n--;
	return n >= 9 && strncasecmp(dn + n - 9, "cn=zimbra", 9) == 0 &&
	    (n == 9 || dn[n - 10] == ',');
}

/* The COS section: `cc NAME attr value...`; the COS every Carbonio has
 * already (default, defaultExternal) is modified instead: `mc`. */
void
do_cos(const struct rec *r)
{
	struct strbuf line = { 0 };
	const char *name = firstval(r, "cn"), *zid = firstval(r, "zimbraId");
	size_t i;

	if (!name) {
		err_at(r->pos, "COS without cn; skipped");
		return;
	}
	if (zid) {
		struct ival *v = idx_set("c:", zid, NULL);

		v->addr = keep(name);
		v->pos = r->pos;
	}
	if (opt.account_list)
		return;
	prov_words(&line, strcasecmp(name, "default") == 0 ||
	    strcasecmp(name, "defaultExternal") == 0 ? "mc" : "cc");
	prov_words(&line, name);
	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];

		if ((a->an->flags & (F_OPERATIONAL | F_INTERNAL)) || attr_is(a, "cn") ||
		    a->tagged || !a->len)
			continue;
		add_attr(&line, a->type, a, r->pos);
	}
	spool_line(SP_COS, &line);
	sb_free(&line);
}

void
do_domain(const struct rec *r)
{
	struct strbuf line = { 0 };
	char *name = NULL;
	const char *zname = firstval(r, "zimbraDomainName"), *defcos;
	size_t i;

	name = zname ? xstrdup(zname) : dn_domain(r->dn);
	if (!name) {
		err_at(r->pos, "domain entry without a name; skipped");
		return;
	}
	for (i = 0; name[i]; i++)
		name[i] = (char)tolower((unsigned char)name[i]);
	if ((defcos = firstval(r, "zimbraDomainDefaultCOSId")) != NULL) {
		struct ival *v = idx_set("m:", name, NULL);

		v->addr = keep(defcos);
	}
	if (opt.ndomains) {
		struct strbuf probe = { 0 };

		sb_printf(&probe, "x@%s", name);
		if (!domain_selected(probe.s)) {
			sb_free(&probe);
			note_at(r->pos, "%s: domain not selected (-d); skipped", name);
			free(name);
			return;
		}
		sb_free(&probe);
	}
	{
		int isnew;
		struct ival *v = idx_set("D:", renamed_domain(name), &isnew);

		if (!isnew && v->kind == K_LIST) {
			err_at(r->pos, "%s: domain appears twice; skipped", name);
			free(name);
			return;
		}
		v->kind = K_LIST;	/* marks an explicit domain entry */
		v->addr = keep(renamed_domain(name));
	}
	if (!opt.account_list) {
		prov_words(&line, "cd");
		prov_words(&line, renamed_domain(name));
		for (i = 0; i < r->nav; i++) {
			const struct av *a = &r->av[i];
			const char *t = a->type;

			if (a->tagged || (a->an->flags & (F_OPERATIONAL | F_INTERNAL)) || !a->len)
				continue;
			if (attr_is(a, "zimbraDomainType") && strcasecmp(a->val, "alias") != 0)
				continue;
			if (attr_is(a, "zimbraDomainStatus") && strcasecmp(a->val, "active") == 0)
				continue;
			if (attr_is(a, "description") || attr_is(a, "zimbraNotes") ||
			    attr_is(a, "zimbraDomainType") || attr_is(a, "zimbraDomainStatus") ||
			    (a->an->flags & (F_CATCHALL | F_PREF | F_FEATURE)) ||
			    attr_is(a, "zimbraMailDomainQuota") ||
			    attr_is(a, "zimbraDomainMaxAccounts") || attr_is(a, "zimbraGalMode") ||
			    attr_is(a, "zimbraGalMaxResults"))
				add_attr(&line, t, a, r->pos);
		}
		spool_line(SP_DOMAIN, &line);
	}
	sb_free(&line);
	free(name);
}

/* Zimbra alias entries: uid=ALIAS,ou=people,dc=... pointing at the target's
 * zimbraId. Usually the target's zimbraMailAlias says the same. */
void
do_alias_entry(const struct rec *r)
{
	const char *target = firstval(r, "zimbraAliasTargetId");
	const char *uid = firstval(r, "uid");
	char *d = dn_domain(r->dn);
	struct strbuf ref = { 0 }, al = { 0 };
	struct av a;

	if (!target || !uid || !d) {
		err_at(r->pos, "%s: alias entry without uid, domain or target; skipped", r->dn);
		free(d);
		return;
	}
	sb_adds(&al, uid);
	sb_addc(&al, '@');
	sb_adds(&al, d);
	sb_addc(&ref, '#');
	sb_adds(&ref, target);
	a.type = "uid";
	a.val = al.s;
	a.len = al.len;
	a.line = r->pos.line;
	{
		char *n = addr_norm(al.s);

		if (n && !domain_selected(n))
			note_at(r->pos, "%s: domain not selected (-d); skipped", n);
		else
			add_alias(r, &a, n, 0, ref.s);
		free(n);
	}
	free(d);
	sb_free(&ref);
	sb_free(&al);
}

/* The address of the Zimbra account above a child entry:
 * zimbraSignatureName=X,uid=LOCAL,ou=people,dc=DOMAIN -> LOCAL@DOMAIN
 * (Zimbra keeps an account's DN in step with its address). */
char *
zimbra_dn_address(const char *k)
{
	char *d, *a = NULL;

	if (k && strncmp(k, "uid=", 4) == 0 && (d = dn_domain(k)) != NULL) {
		struct strbuf b = { 0 };

		sb_add(&b, k + 4, strcspn(k + 4, ","));
		sb_printf(&b, "@%s", d);
		a = addr_norm(b.s);
		sb_free(&b);
		free(d);
	}
	return a;
}

static char *
owner_address(const char *dn)
{
	char *k = parent_key(dn), *a = zimbra_dn_address(k);

	free(k);
	return a;
}

/* Signatures and identities: child entries of a Zimbra account. */
void
do_child(const struct rec *r, const char *verb, const char *name_attr)
{
	struct strbuf rest = { 0 };
	const char *name = firstval(r, name_attr);
	char *owner = owner_address(r->dn);
	size_t i;

	if (!name || !owner) {
		err_at(r->pos, "%s: without %s; skipped", r->dn, name_attr);
		free(owner);
		return;
	}
	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];

		/* an identity's id is the Destination's to give; a signature's
		 * is kept, since the account and its identities point at it */
		if (!a->len || a->tagged || (a->an->flags & F_OPERATIONAL) ||
		    attr_is(a, name_attr) || !(a->an->flags & F_ZIMBRA) ||
		    attr_is(a, "zimbraPrefIdentityId"))
			continue;
		add_attr(&rest, a->type, a, r->pos);
	}
	spool_put(SP_CHILD, 'C', r->pos, 4, owner, verb, name, rest.s ? rest.s : "");
	free(owner);
	sb_free(&rest);
}
