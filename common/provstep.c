/* provstep: each verb a short chain of idempotent steps (a switch on
 * c->state): a step issues one operation, whose answer calls pd_step again,
 * or finishes the command. An add that finds its entry there reads and
 * compares it, so a re-run finishes what is missing and duplicates nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "provdir-int.h"

/* A step that trusted this run's own knowledge of an entry found it wrong
 * (a value there already, or gone): start again the careful way. */
static int
retry_fresh(struct cmd *c, int rc)
{
	if (!c->fresh || (rc != LDAP_TYPE_OR_VALUE_EXISTS && rc != LDAP_NO_SUCH_ATTRIBUTE))
		return 0;
	/* for good: S_START asks for the run's own knowledge again otherwise,
	 * and the same answer comes round without end */
	c->careful = 1;
	c->fresh = 0;
	c->state = S_START;
	sb_reset(&c->detail);
	pd_step(c, LDAP_SUCCESS, NULL, NULL);
	return 1;
}

/* The end of a command whose last step was a modify. */
static void
modified(struct cmd *c, int rc, const char *err, enum result done)
{
	if (retry_fresh(c, rc))
		return;
	if (rc != LDAP_SUCCESS)
		pd_fail_ldap(c, rc, "modify", err);
	else
		pd_finish(c, done, NULL);
}

/* Change what differs between the line and the entry read, or say that
 * nothing does. */
static void
modify_to_line(struct cmd *c, int next)
{
	struct attrs m = { 0 };

	pd_diff(c, &c->la, &m, VERIFY);
	if (m.n == 0)
		pd_finish(c, RES_EXISTS, NULL);
	else {
		c->state = next;
		pd_op_modify(c, c->dn, &m, -1);
	}
	pd_attrs_free(&m);
}

static void
add_then(struct cmd *c, const char *dn, struct attrs *e, int next)
{
	c->state = next;
	pd_op_add(c, dn, e);
}

static void
search_then(struct cmd *c, const char *dn, char **attrs, int next)
{
	c->state = next;
	pd_op_search(c, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs);
}

/* -u on an entry that exists: set the attributes the line gives. */
static void
update_existing(struct cmd *c, int rc)
{
	struct attrs m = { 0 };

	if (rc != LDAP_SUCCESS) {
		pd_fail_ldap(c, rc, "read", NULL);
		return;
	}
	sb_reset(&c->detail);
	/* a clear password cannot be compared (it is stored hashed): it is
	 * left as it is */
	pd_diff(c, &c->la, &m, 1);
	if (m.n == 0) {
		pd_attrs_free(&m);
		pd_finish(c, RES_EXISTS, NULL);
		return;
	}
	c->state = S_UPDATED;
	pd_op_modify(c, c->dn, &m, -1);
	pd_attrs_free(&m);
}

static void
step_cos(struct cmd *c, int rc, const char *err)
{
	const char *name = c->av.argv[1];
	struct attrs e = { 0 };
	char **names;

	switch (c->state) {
	case S_START:
		free(c->dn);
		{
			struct strbuf b = { 0 };
			sb_adds(&b, "cn=");
			pd_dn_value(&b, name);
			sb_adds(&b, "," COS_BASE);
			c->dn = b.s;
		}
		if (c->vi->v == V_MC) {
			names = pd_names_of(&c->la, NULL, NULL);
			search_then(c, c->dn, names, S_EXISTING);
			free(names);
			return;
		}
		pd_entry_cos(c, &e);
		free(c->tid);
		c->tid = xstrdup(pd_attrs_find(&e, "zimbraId", '=')->vals[0]->bv_val);
		add_then(c, c->dn, &e, S_ADDED);
		pd_attrs_free(&e);
		return;
	case S_ADDED:
		if (rc == LDAP_SUCCESS) {
			int isnew;
			char *k = pd_lowdup(name);
			strmap_put(&pd.cosmap, k, strlen(k), &isnew)->val =
			    strmap_strdup(&pd.cosmap, c->tid, strlen(c->tid));
			free(k);
			pd_finish(c, RES_OK, NULL);
		} else if (rc == LDAP_ALREADY_EXISTS && pd.update) {
			names = pd_names_of(&c->la, NULL, NULL);
			search_then(c, c->dn, names, S_EXISTING);
			free(names);
		} else if (rc == LDAP_ALREADY_EXISTS)
			pd_finish(c, RES_EXISTS, NULL);
		else
			pd_fail_ldap(c, rc, "add", err);
		return;
	case S_EXISTING:
		if (c->vi->v == V_MC) {
			if (rc == LDAP_NO_SUCH_OBJECT) {
				pd_finish(c, RES_NOTHERE, "no such COS: %s", name);
				return;
			}
			if (rc != LDAP_SUCCESS) {
				pd_fail_ldap(c, rc, "read", err);
				return;
			}
			modify_to_line(c, S_MODIFIED);
			return;
		}
		update_existing(c, rc);
		return;
	case S_UPDATED:
	case S_MODIFIED:
		modified(c, rc, err, c->state == S_UPDATED ? RES_UPDATED : RES_OK);
		return;
	}
}

/* modify (ma mcr mdl md sac): find, compare, change what differs */
static void
step_modify(struct cmd *c, int rc, const char *err)
{
	const char *name = c->av.argv[1];
	char **names;

	switch (c->state) {
	case S_START:
		if (c->vi->v == V_SAC) {
			char *k = pd_lowdup(c->av.argv[2]);
			struct strmap_ent *ce = strmap_get(&pd.cosmap, k, strlen(k));
			free(k);
			if (!ce) {
				pd_finish(c, RES_NOTHERE, "no such COS: %s", c->av.argv[2]);
				return;
			}
			pd_attrs_set(&c->la, "zimbraCOSId", ce->val);
		}
		names = pd_names_of(&c->la, "zimbraId", NULL);
		c->state = S_TARGET;
		if (c->vi->v == V_MD) {
			free(c->dn);
			c->dn = pd_domain_dn(name);
			if (DRYRUN && strmap_get(&pd.virtmap, c->dn, strlen(c->dn))) {
				c->virt = 1;
				pd_step(c, LDAP_SUCCESS, NULL, NULL);
			} else
				pd_op_search(c, c->dn, LDAP_SCOPE_BASE,
				    "(objectClass=zimbraDomain)", names);
		} else {
			c->fresh = !c->careful;
			pd_resolve(c, name, c->vi->v == V_MDL ? "zimbraDistributionList" :
			    c->vi->v == V_MCR ? "zimbraCalendarResource" : "zimbraAccount",
			    names);
		}
		free(names);
		return;
	case S_TARGET:
		if (c->vi->v == V_MD) {
			if (!c->virt && (rc == LDAP_NO_SUCH_OBJECT || (rc == LDAP_SUCCESS && !c->ent))) {
				pd_finish(c, RES_NOTHERE, "no such domain: %s", name);
				return;
			}
			if (rc != LDAP_SUCCESS) {
				pd_fail_ldap(c, rc, "read", err);
				return;
			}
		} else if (!pd_resolved(c, rc, c->vi->v == V_MDL ? "list" :
		    c->vi->v == V_MCR ? "calendar resource" : "account", name))
			return;
		modify_to_line(c, S_MODIFIED);
		return;
	case S_MODIFIED:
		modified(c, rc, err, RES_OK);
		return;
	}
}

/* The domain's entry is there already: read it (S_EXISTING checks whether
 * it is a domain or a plain parent to make one). */
static void
domain_there(struct cmd *c)
{
	char *names[] = { "objectClass", "zimbraDomainName", NULL };
	char **n = pd.update ? pd_names_of(&c->la, names[0], names[1]) : names;

	search_then(c, c->dn, n, S_EXISTING);
	if (n != names)
		free(n);
}

/* The domain entry is there: add its ou=people (S_PEOPLE), then its
 * cn=groups (S_GROUPS). */
static void
domain_add_people(struct cmd *c)
{
	struct attrs e = { 0 };
	struct strbuf b = { 0 };

	sb_printf(&b, "ou=people,%s", c->dn);
	free(c->dn2);
	c->dn2 = b.s;
	pd_add_oc(&e, "organizationalRole");
	pd_attrs_set(&e, "ou", "people");
	pd_attrs_set(&e, "cn", "people");
	add_then(c, c->dn2, &e, S_PEOPLE);
	pd_attrs_free(&e);
}

static void
domain_add_groups(struct cmd *c)
{
	struct attrs e = { 0 };
	struct strbuf b = { 0 };

	free(c->dn2);
	c->dn2 = NULL;
	sb_printf(&b, "cn=groups,%s", c->dn);
	c->dn2 = b.s;
	pd_add_oc(&e, "organizationalRole");
	pd_attrs_set(&e, "cn", "groups");
	add_then(c, c->dn2, &e, S_GROUPS);
	pd_attrs_free(&e);
}

/* The add found no parent: count the dc= parents that may be missing
 * (S_ANCESTOR creates them top-down). */
static void
domain_ancestors(struct cmd *c, const char *d)
{
	c->nanc = 0;
	for (const char *p = d; (p = strchr(p, '.')); p++)
		c->nanc++;
	c->anc = c->nanc;
	c->state = S_ANCESTOR;
	pd_step(c, LDAP_SUCCESS, NULL, NULL);
}

/* S_ANCESTOR: add the next dc= parent down (one there already is fine), or,
 * with all of them there, the domain again (S_RETRY). */
static void
domain_next_ancestor(struct cmd *c, const char *d)
{
	struct attrs e = { 0 };

	if (c->anc > 0) {
		/* the ancestor with anc labels dropped from the front */
		const char *p = d;
		for (int i = 0; i < c->anc; i++)
			p = strchr(p, '.') + 1;
		c->anc--;
		free(c->dn2);
		c->dn2 = pd_domain_dn(p);
		char *label = xstrndup(p, strcspn(p, "."));
		pd_add_oc(&e, "dcObject");
		pd_add_oc(&e, "organization");
		pd_attrs_set(&e, "dc", label);
		pd_attrs_set(&e, "o", p);
		free(label);
		add_then(c, c->dn2, &e, S_ANCESTOR);
		pd_attrs_free(&e);
		return;
	}
	pd_entry_domain(c, &e, 0);
	add_then(c, c->dn, &e, S_RETRY);
	pd_attrs_free(&e);
}

/* S_EXISTING, the entry read: a plain dc= parent becomes the domain, a
 * domain is updated under -u (both through S_CONVERTED). Returns 1 when
 * the domain is as it should be and its children are next. */
static int
domain_existing(struct cmd *c)
{
	if (VERIFY && !pd_has_oc(c, "zimbraDomain")) {
		pd_finish(c, RES_MISSING, "%s is a plain parent entry, not a domain",
		    c->dn);
		return 0;
	}
	if (!c->virt && !pd_has_oc(c, "zimbraDomain")) {
		/* a plain dc= parent made earlier: it becomes the domain */
		struct attrs e = { 0 };
		pd_entry_domain(c, &e, 1);
		c->state = S_CONVERTED;
		pd_op_modify(c, c->dn, &e, LDAP_MOD_ADD);
		pd_attrs_free(&e);
		return 0;
	}
	if (pd.update) {
		struct attrs m = { 0 };
		sb_reset(&c->detail);
		pd_diff(c, &c->la, &m, VERIFY);
		if (m.n) {
			c->changed = 2;
			c->state = S_CONVERTED;
			pd_op_modify(c, c->dn, &m, -1);
			pd_attrs_free(&m);
			return 0;
		}
	}
	return 1;
}

/* cd: the domain entry (and its missing dc= parents), then ou=people and
 * cn=groups under it */
static void
step_domain(struct cmd *c, int rc, const char *err)
{
	const char *d = c->av.argv[1];
	struct attrs e = { 0 };

	switch (c->state) {
	case S_START:
		c->dn = pd_domain_dn(d);
		pd_entry_domain(c, &e, 0);
		add_then(c, c->dn, &e, S_ADDED);
		pd_attrs_free(&e);
		return;
	case S_ADDED:
		if (rc == LDAP_SUCCESS) {
			c->changed = 1;
			break;
		}
		if (rc == LDAP_NO_SUCH_OBJECT) {
			domain_ancestors(c, d);
			return;
		}
		if (rc == LDAP_ALREADY_EXISTS) {
			domain_there(c);
			return;
		}
		pd_fail_ldap(c, rc, "add", err);
		return;
	case S_ANCESTOR:
		if (rc != LDAP_SUCCESS && rc != LDAP_ALREADY_EXISTS) {
			pd_fail_ldap(c, rc, "add a parent", err);
			return;
		}
		domain_next_ancestor(c, d);
		return;
	case S_RETRY:
		if (rc == LDAP_ALREADY_EXISTS) {
			/* made meanwhile by another run, as a plain parent (this
			 * run's own subdomains wait for it: cmd_keys) */
			domain_there(c);
			return;
		}
		if (rc != LDAP_SUCCESS) {
			pd_fail_ldap(c, rc, "add", err);
			return;
		}
		c->changed = 1;
		break;
	case S_EXISTING:
		if (rc != LDAP_SUCCESS) {
			pd_fail_ldap(c, rc, "read", err);
			return;
		}
		if (!domain_existing(c))
			return;
		break;
	case S_CONVERTED:
		if (rc != LDAP_SUCCESS) {
			pd_fail_ldap(c, rc, "modify", err);
			return;
		}
		if (!c->changed)
			c->changed = 1;
		break;
	case S_PEOPLE:
	case S_GROUPS:
		if (rc == LDAP_SUCCESS)
			c->changed = c->changed ? c->changed : 1;
		else if (rc != LDAP_ALREADY_EXISTS) {
			pd_fail_ldap(c, rc, "add", err);
			return;
		}
		if (c->state == S_GROUPS)
			pd_finish(c, c->changed == 2 ? RES_UPDATED : c->changed ? RES_OK :
			    RES_EXISTS, NULL);
		else
			domain_add_groups(c);
		return;
	}
	domain_add_people(c);
}

/* S_PARENT, the account resolved: signatures and identities are child
 * entries of the account. */
static void
create_child(struct cmd *c)
{
	enum verb v = c->vi->v;
	const char *sub = c->av.argv[2];
	struct attrs e = { 0 };
	struct strbuf b = { 0 };
	char id[37];
	char ts[16];

	pd_new_uuid(id);
	sb_adds(&b, v == V_CSIG ? "zimbraSignatureName=" : "zimbraPrefIdentityName=");
	pd_dn_value(&b, sub);
	sb_printf(&b, ",%s", c->dn);
	free(c->dn);
	c->dn = b.s;
	pd_gentime(ts);
	if (v == V_CSIG) {
		pd_add_oc(&e, "zimbraSignature");
		pd_attrs_set(&e, "zimbraSignatureName", sub);
		pd_attrs_set(&e, "zimbraSignatureId", id);
	} else {
		pd_add_oc(&e, "zimbraIdentity");
		pd_attrs_set(&e, "zimbraPrefIdentityName", sub);
		pd_attrs_set(&e, "zimbraPrefIdentityId", id);
	}
	pd_attrs_set(&e, "zimbraCreateTimestamp", ts);
	pd_apply_line(&e, &c->la);
	add_then(c, c->dn, &e, S_ADDED);
	pd_attrs_free(&e);
}

/* An address entry added: remember its DN and zimbraId for this run's later
 * commands (and, in a dry run, that it now "exists"). */
static void
remember_made(struct cmd *c, const char *name)
{
	int isnew;

	if (pd.mode == PROVDIR_APPLY) {
		char *k = pd_lowdup(name);
		struct strmap_ent *me = strmap_put(&pd.made, k, strlen(k), &isnew);
		me->val = strmap_strdup(&pd.made, c->dn, strlen(c->dn));
		me->aux = (uintptr_t)strmap_strdup(&pd.made, c->tid, strlen(c->tid));
		free(k);
	}
	if (DRYRUN)
		strmap_put(&pd.virtmap, name, strlen(name), &isnew)->val =
		    strmap_strdup(&pd.virtmap, c->dn, strlen(c->dn));
}

/* S_ADDED: done, or the domain (or its ou=people) is missing, or the entry
 * is there already: read it (S_EXISTING). */
static void
create_added(struct cmd *c, int rc, const char *err, const char *matched)
{
	const char *name = c->av.argv[1];
	enum verb v = c->vi->v;
	int child = v == V_CSIG || v == V_CID;
	char **names;

	if (rc == LDAP_SUCCESS) {
		if (!child)
			remember_made(c, name);
		pd_finish(c, RES_OK, NULL);
		return;
	}
	if (rc == LDAP_NO_SUCH_OBJECT && !child) {
		const char *at = strrchr(name, '@');
		char *ddn = pd_domain_dn(at + 1);
		if (matched && strcasecmp(matched, ddn) == 0)
			pd_finish(c, RES_FAILED, "domain %s has no ou=people", at + 1);
		else
			pd_finish(c, RES_FAILED, "no such domain: %s", at + 1);
		free(ddn);
		return;
	}
	if (rc != LDAP_ALREADY_EXISTS) {
		pd_fail_ldap(c, rc, "add", err);
		return;
	}
	names = pd_names_of(&c->la, "objectClass", "mail");
	search_then(c, c->dn, names, S_EXISTING);
	free(names);
}

/* ca ccr cdl csig cid: add the entry; one already there is checked */
static void
step_create(struct cmd *c, int rc, const char *err, const char *matched)
{
	const char *name = c->av.argv[1];
	enum verb v = c->vi->v;
	struct attrs e = { 0 };
	char **names;

	switch (c->state) {
	case S_START:
		if (v == V_CSIG || v == V_CID) {
			names = pd_names_of(&c->la, "zimbraId", NULL);
			c->state = S_PARENT;
			c->fresh = !c->careful;
			pd_resolve(c, name, "zimbraAccount", names);
			free(names);
			return;
		}
		c->dn = pd_addr_dn(name);
		if (VERIFY && (v == V_CA || v == V_CCR) && *c->av.argv[2])
			c->pw_clear = 1;	/* stored hashed: cannot be compared */
		if (v == V_CDL)
			pd_entry_list(c, &e);
		else {
			const char *why = pd_entry_account(c, &e);
			if (why) {
				pd_attrs_free(&e);
				pd_finish(c, RES_FAILED, "%s", why);
				return;
			}
		}
		free(c->tid);
		c->tid = xstrdup(pd_attrs_find(&e, "zimbraId", '=')->vals[0]->bv_val);
		add_then(c, c->dn, &e, S_ADDED);
		pd_attrs_free(&e);
		return;
	case S_PARENT:
		if (pd_resolved(c, rc, "account", name))
			create_child(c);
		return;
	case S_ADDED:
		create_added(c, rc, err, matched);
		return;
	case S_EXISTING:
		if (rc != LDAP_SUCCESS) {
			pd_fail_ldap(c, rc, "read", err);
			return;
		}
		if (!c->virt && v != V_CSIG && v != V_CID) {
			const char *oc = v == V_CDL ? "zimbraDistributionList" :
			    v == V_CCR ? "zimbraCalendarResource" : "zimbraAccount";
			if (!pd_has_oc(c, oc) || !pd_ent_has(c, "mail", name)) {
				pd_finish(c, RES_TAKEN, "%s is already taken by another %s",
				    name, pd_has_oc(c, "zimbraAlias") ? "alias" :
				    pd_has_oc(c, "zimbraDistributionList") ? "list" : "entry");
				return;
			}
		}
		if (!pd.update) {
			pd_finish(c, RES_EXISTS, NULL);
			return;
		}
		update_existing(c, rc);
		return;
	case S_UPDATED:
		modified(c, rc, err, RES_UPDATED);
		return;
	}
}

/* aaa adla: the alias entry, then the address on its target */
static void
step_alias(struct cmd *c, int rc, const char *err)
{
	const char *target = c->av.argv[1], *alias = c->av.argv[2];
	int list = c->vi->v == V_ADLA;
	struct attrs e = { 0 };
	char *names[] = { "zimbraId", "mail", "zimbraMailAlias", NULL };
	char *anames[] = { "objectClass", "zimbraAliasTargetId", NULL };

	switch (c->state) {
	case S_START:
		c->state = S_TARGET;
		c->fresh = !c->careful;
		pd_resolve(c, target, list ? "zimbraDistributionList" : "zimbraAccount", names);
		return;
	case S_TARGET: {
		if (!pd_resolved(c, rc, list ? "list" : "account", target))
			return;
		if (!c->virt && !c->tid) {
			pd_finish(c, RES_FAILED, "%s has no zimbraId", target);
			return;
		}
		/* what the target holds already, before c->res is reused */
		c->has_mail = !c->virt && pd_ent_has(c, "mail", alias);
		c->has_alias = !c->virt && pd_ent_has(c, "zimbraMailAlias", alias);
		char *local = NULL;
		const char *domain;
		if (!pd_split_addr(alias, &local, &domain)) {	/* checked when read */
			pd_finish(c, RES_FAILED, "not an address: %s", alias);
			return;
		}
		free(c->dn2);	/* a command sent back (retry_fresh) had one */
		c->dn2 = pd_addr_dn(alias);
		pd_add_oc(&e, "zimbraAlias");
		pd_attrs_set(&e, "uid", local);
		pd_common_new(&e);
		pd_attrs_set(&e, "zimbraAliasTargetId", c->tid ? c->tid : "pending");
		free(local);
		add_then(c, c->dn2, &e, S_ALIAS_ADDED);
		pd_attrs_free(&e);
		return;
	}
	case S_ALIAS_ADDED:
		if (rc == LDAP_SUCCESS) {
			c->changed = 1;
			if (DRYRUN) {
				int isnew;
				strmap_put(&pd.virtmap, alias, strlen(alias), &isnew)->val =
				    strmap_strdup(&pd.virtmap, c->dn, strlen(c->dn));
			}
			break;
		}
		if (rc == LDAP_NO_SUCH_OBJECT) {
			pd_finish(c, RES_FAILED, "no such domain: %s", strrchr(alias, '@') + 1);
			return;
		}
		if (rc != LDAP_ALREADY_EXISTS) {
			pd_fail_ldap(c, rc, "add", err);
			return;
		}
		if (DRYRUN && strmap_get(&pd.virtmap, c->dn2, strlen(c->dn2)))
			break;	/* made by an earlier line of this dry run */
		/* an entry with that address: ours, from an earlier run? */
		search_then(c, c->dn2, anames, S_ALIAS_EXISTING);
		return;
	case S_ALIAS_EXISTING: {
		if (rc != LDAP_SUCCESS) {
			pd_fail_ldap(c, rc, "read", err);
			return;
		}
		char *to = pd_ent_first(c, "zimbraAliasTargetId");
		int ours = pd_has_oc(c, "zimbraAlias") && to && c->tid &&
		    strcasecmp(to, c->tid) == 0;
		int alias_entry = pd_has_oc(c, "zimbraAlias");
		free(to);
		if (!ours && !c->virt) {
			pd_finish(c, RES_TAKEN, "%s is already %s", alias, alias_entry ?
			    "an alias of another account or list" :
			    "the address of an account or list");
			return;
		}
		break;
	}
	case S_TARGET_DONE:
		modified(c, rc, err, RES_OK);
		return;
	}
	/* mail and zimbraMailAlias of the target gain the alias */
	struct attrs m = { 0 };
	if (!c->has_mail)
		pd_attr_add(pd_attrs_get(&m, "mail", '+'), alias, strlen(alias));
	if (!c->has_alias)
		pd_attr_add(pd_attrs_get(&m, "zimbraMailAlias", '+'), alias, strlen(alias));
	if (m.n == 0)
		pd_finish(c, c->changed ? RES_OK : RES_EXISTS, NULL);
	else {
		if (VERIFY)
			sb_printf(&c->detail, "%s%s%s not in the target's", alias,
			    c->has_mail ? "" : " mail", c->has_alias ? "" : " zimbraMailAlias");
		c->state = S_TARGET_DONE;
		pd_op_modify(c, c->dn, &m, -1);
	}
	pd_attrs_free(&m);
}

static void
step_members(struct cmd *c, int rc, const char *err)
{
	const char *list = c->av.argv[1];
	char *names[] = { "zimbraId", "zimbraMailForwardingAddress", NULL };
	struct attrs m = { 0 };
	size_t added = 0;

	switch (c->state) {
	case S_START:
		c->state = S_TARGET;
		c->fresh = !c->careful;
		pd_resolve(c, list, "zimbraDistributionList", names);
		return;
	case S_TARGET: {
		if (!pd_resolved(c, rc, "list", list))
			return;
		struct berval **cur = c->virt ? NULL :
		    pd_ent_vals(c, "zimbraMailForwardingAddress");
		struct attr *a = pd_attrs_get(&m, "zimbraMailForwardingAddress", '+');
		for (size_t i = 2; i < c->av.argc; i++) {
			struct berval bv = { c->av.len[i], c->av.argv[i] };
			if (!pd_has_value(cur, &bv, 1) && !pd_has_value(a->vals, &bv, 1)) {
				pd_attr_add(a, bv.bv_val, bv.bv_len);
				added++;
			}
		}
		ldap_value_free_len(cur);
		if (!added) {
			pd_attrs_free(&m);
			pd_finish(c, RES_EXISTS, NULL);
			return;
		}
		if (VERIFY) {
			sb_printf(&c->detail, "%zu of %zu members missing:", added,
			    c->av.argc - 2);
			for (size_t i = 0; i < a->n; i++)
				sb_printf(&c->detail, " %s", a->vals[i]->bv_val);
		} else
			sb_printf(&c->detail, "%zu of %zu members added", added,
			    c->av.argc - 2);
		c->state = S_MODIFIED;
		pd_op_modify(c, c->dn, &m, -1);
		pd_attrs_free(&m);
		return;
	}
	case S_MODIFIED:
		modified(c, rc, err, RES_OK);
		return;
	}
}

void
pd_step(struct cmd *c, int rc, const char *err, const char *matched)
{
	switch (c->vi->v) {
	case V_CC: case V_MC:
		step_cos(c, rc, err);
		break;
	case V_CD:
		step_domain(c, rc, err);
		break;
	case V_MD: case V_MA: case V_MCR: case V_MDL: case V_SAC:
		step_modify(c, rc, err);
		break;
	case V_CA: case V_CCR: case V_CDL: case V_CSIG: case V_CID:
		step_create(c, rc, err, matched);
		break;
	case V_AAA: case V_ADLA:
		step_alias(c, rc, err);
		break;
	case V_ADLM:
		step_members(c, rc, err);
		break;
	}
}
