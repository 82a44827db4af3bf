/* provop: the LDAP operations of the commands' steps, one per step: sent
 * asynchronously when applying, done at once or only pretended (dry run,
 * verify); and the entries they read: found by address, compared with the
 * line. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "provdir-int.h"

void
pd_conn_lost(int rc)
{
	if (NOWRITE)
		pd_fatal("the directory connection failed: %s", ldap_err2string(rc));
	pd.broken = 1;
}

int
pd_ldap_errno(void)
{
	int rc = LDAP_OTHER;

	ldap_get_option(pd.ld, LDAP_OPT_RESULT_CODE, &rc);
	return rc;
}

/* The crash tests stop the run dead right after the Nth operation sent. */
static void
sent(void)
{
	if (pd.crash_after >= 0 && --pd.crash_after < 0)
		raise(SIGKILL);
}

void
pd_keep_result(struct cmd *c, LDAPMessage *res)
{
	if (c->res)
		ldap_msgfree(c->res);
	c->res = res;
	c->ent = res ? ldap_first_entry(pd.ld, res) : NULL;
	c->virt = 0;
}

/* Search; the next step sees rc and c->ent. */
void
pd_op_search(struct cmd *c, const char *base, int scope, const char *filter,
    char **attrs)
{
	int rc;

	if (NOWRITE) {
		LDAPMessage *res = NULL;
		rc = ldap_search_ext_s(pd.ld, base, scope, filter, attrs, 0, NULL,
		    NULL, NULL, 2, &res);
		if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR)
			pd_conn_lost(rc);
		pd_keep_result(c, res);
		if (rc == LDAP_SIZELIMIT_EXCEEDED)
			rc = LDAP_SUCCESS;
		pd_step(c, rc, NULL, NULL);
		return;
	}
	rc = ldap_search_ext(pd.ld, base, scope, filter, attrs, 0, NULL, NULL, NULL,
	    2, &c->msgid);
	if (rc != LDAP_SUCCESS)
		c->msgid = -1, pd_conn_lost(rc);
	sent();
}

static int
dry_exists(const char *dn)
{
	LDAPMessage *res = NULL;
	char *none[] = { LDAP_NO_ATTRS, NULL };
	int rc;

	if (strmap_get(&pd.virtmap, dn, strlen(dn)))
		return 1;
	rc = ldap_search_ext_s(pd.ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", none,
	    0, NULL, NULL, NULL, 1, &res);
	if (res)
		ldap_msgfree(res);
	if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR)
		pd_conn_lost(rc);
	return rc == LDAP_SUCCESS;
}

static LDAPMod **
mods_of(struct attrs *as, int op)
{
	LDAPMod **m = xcalloc(as->n + 1, sizeof *m);
	size_t k = 0;

	for (size_t i = 0; i < as->n; i++) {
		struct attr *a = &as->a[i];
		if (op == LDAP_MOD_ADD && a->n == 0)
			continue;
		m[k] = xcalloc(1, sizeof **m);
		m[k]->mod_op = (op >= 0 ? op : a->op == '+' ? LDAP_MOD_ADD :
		    a->op == '-' ? LDAP_MOD_DELETE : LDAP_MOD_REPLACE) | LDAP_MOD_BVALUES;
		m[k]->mod_type = a->name;
		m[k]->mod_bvalues = a->vals;
		k++;
	}
	return m;
}

static void
mods_free(LDAPMod **m)
{
	for (size_t i = 0; m[i]; i++)
		free(m[i]);
	free(m);
}

/* A dry run checks what the schema and the tree allow. */
static const char *
dry_schema(struct attrs *as)
{
	if (!pd.schema.n)
		return NULL;
	for (size_t i = 0; i < as->n; i++) {
		char *n = pd_lowdup(as->a[i].name), *semi = strchr(n, ';');
		if (semi)
			*semi = '\0';
		int known = strmap_get(&pd.schema, n, strlen(n)) != NULL;
		free(n);
		if (!known)
			return as->a[i].name;
	}
	return NULL;
}

void
pd_op_add(struct cmd *c, const char *dn, struct attrs *as)
{
	int rc;

	if (VERIFY) {
		/* only whether it is there: an entry there is read and compared
		 * by the next step, one not there is the answer */
		if (dry_exists(dn)) {
			pd_keep_result(c, NULL);
			pd_step(c, LDAP_ALREADY_EXISTS, NULL, NULL);
		} else if (c->dn && strcmp(dn, c->dn) == 0)
			pd_finish(c, RES_MISSING, NULL);
		else
			pd_finish(c, RES_MISSING, "no %s", dn);
		return;
	}
	if (DRYRUN) {
		const char *bad = dry_schema(as);
		const char *parent = strchr(dn, ',');
		if (dry_exists(dn))
			rc = LDAP_ALREADY_EXISTS;
		else if (bad) {
			pd_step(c, LDAP_UNDEFINED_TYPE, bad, NULL);
			return;
		} else if (parent && !dry_exists(parent + 1))
			rc = LDAP_NO_SUCH_OBJECT;
		else {
			int isnew;
			strmap_put(&pd.virtmap, dn, strlen(dn), &isnew);
			rc = LDAP_SUCCESS;
		}
		pd_keep_result(c, NULL);
		pd_step(c, rc, NULL, NULL);
		return;
	}
	LDAPMod **m = mods_of(as, LDAP_MOD_ADD);
	rc = ldap_add_ext(pd.ld, dn, m, NULL, NULL, &c->msgid);
	mods_free(m);
	if (rc != LDAP_SUCCESS)
		c->msgid = -1, pd_conn_lost(rc);
	sent();
}

/* Modify with the attribute list's own operations (op -1) or one op. */
void
pd_op_modify(struct cmd *c, const char *dn, struct attrs *as, int op)
{
	int rc;

	if (VERIFY) {
		/* a change the line would make: what the line says is not there */
		enum verb v = c->vi->v;
		pd_finish(c, v == V_SAC || v == V_AAA || v == V_ADLA || v == V_ADLM ?
		    RES_MISSING : RES_DIFFERS, NULL);
		return;
	}
	if (DRYRUN) {
		const char *bad = dry_schema(as);
		pd_step(c, bad ? LDAP_UNDEFINED_TYPE : LDAP_SUCCESS, bad, NULL);
		return;
	}
	LDAPMod **m = mods_of(as, op);
	rc = ldap_modify_ext(pd.ld, dn, m, NULL, NULL, &c->msgid);
	mods_free(m);
	if (rc != LDAP_SUCCESS)
		c->msgid = -1, pd_conn_lost(rc);
	sent();
}

/* ---- reading entries ---- */

struct berval **
pd_ent_vals(struct cmd *c, const char *attr)
{
	return c->ent ? ldap_get_values_len(pd.ld, c->ent, attr) : NULL;
}

int
pd_ent_has(struct cmd *c, const char *attr, const char *v)
{
	struct berval **vals = pd_ent_vals(c, attr);
	struct berval bv = { strlen(v), (char *)v };
	int r = pd_has_value(vals, &bv, 1);

	ldap_value_free_len(vals);
	return r;
}

char *
pd_ent_first(struct cmd *c, const char *attr)
{
	struct berval **vals = pd_ent_vals(c, attr);
	char *s = vals && vals[0] ? xstrndup(vals[0]->bv_val, vals[0]->bv_len) : NULL;

	ldap_value_free_len(vals);
	return s;
}

/* The attribute names of a list, for a search. */
char **
pd_names_of(struct attrs *as, const char *extra1, const char *extra2)
{
	char **v = xcalloc(as->n + 3, sizeof *v);
	size_t k = 0;

	for (size_t i = 0; i < as->n; i++)
		v[k++] = as->a[i].name;
	if (extra1)
		v[k++] = (char *)extra1;
	if (extra2)
		v[k++] = (char *)extra2;
	return v;
}

/* Find the account or list called addr (by its address or an alias). */
void
pd_resolve(struct cmd *c, const char *addr, const char *oc, char **attrs)
{
	struct strbuf f = { 0 };
	struct strmap_ent *v;
	char *esc;

	char *k = pd_lowdup(addr);
	v = strmap_get(&pd.made, k, strlen(k));
	free(k);
	if (v && c->fresh) {
		/* made by this very run: its DN and zimbraId are known, and
		 * the caller asked for the step that needs no comparison */
		pd_keep_result(c, NULL);
		free(c->dn);
		c->dn = xstrdup(v->val);
		free(c->tid);
		c->tid = xstrdup((const char *)v->aux);
		pd_step(c, LDAP_SUCCESS, NULL, NULL);
		return;
	}
	c->fresh = 0;
	if (DRYRUN && (v = strmap_get(&pd.virtmap, addr, strlen(addr))) != NULL) {
		pd_keep_result(c, NULL);
		c->virt = 1;
		free(c->dn);
		c->dn = xstrdup(v->val);
		pd_step(c, LDAP_SUCCESS, NULL, NULL);
		return;
	}
	/* the filter value escaped by libldap (RFC 4515) */
	struct berval in = { strlen(addr), (char *)addr }, out = { 0, NULL };
	if (ldap_bv2escaped_filter_value(&in, &out) != LDAP_SUCCESS)
		pd_fatal("out of memory");
	esc = out.bv_val;
	sb_printf(&f, "(&(objectClass=%s)(|(zimbraMailDeliveryAddress=%s)"
	    "(zimbraMailAlias=%s)))", oc, esc, esc);
	ber_memfree(esc);
	pd_op_search(c, "", LDAP_SCOPE_SUBTREE, f.s, attrs);
	sb_free(&f);
}

/* After resolve(): 1 when the target was found (c->dn set). */
int
pd_resolved(struct cmd *c, int rc, const char *what, const char *addr)
{
	if (c->virt || c->fresh)
		return 1;
	if (rc != LDAP_SUCCESS) {
		pd_fail_ldap(c, rc, "search", NULL);
		return 0;
	}
	if (!c->ent) {
		pd_finish(c, RES_NOTHERE, "no such %s: %s", what, addr);
		return 0;
	}
	if (ldap_next_entry(pd.ld, c->ent)) {
		pd_finish(c, RES_FAILED, "%s is the address of more than one entry", addr);
		return 0;
	}
	char *dn = ldap_get_dn(pd.ld, c->ent);
	free(c->dn);
	c->dn = xstrdup(dn);
	ldap_memfree(dn);
	free(c->tid);
	c->tid = pd_ent_first(c, "zimbraId");
	return 1;
}

/* A userPassword value in clear text (not {SCHEME}...). */
static int
clear_password(const struct attr *a)
{
	if (strcasecmp(a->name, "userPassword") != 0)
		return 0;
	for (size_t j = 0; j < a->n; j++)
		if (a->vals[j]->bv_len && a->vals[j]->bv_val[0] != '{')
			return 1;
	return 0;
}

/* The changes that make the entry (c->ent) hold what the line says, zmprov's
 * way: `attr v` sets the values, `+attr v` adds one, `-attr v` removes one;
 * an empty value removes the attribute. Names the changed attributes in
 * c->detail. */
void
pd_diff(struct cmd *c, struct attrs *want, struct attrs *mods,
    int skip_clear_pw)
{
	for (size_t i = 0; i < want->n; i++) {
		struct attr *w = &want->a[i], *m = NULL;

		if (skip_clear_pw && clear_password(w)) {
			c->pw_clear = 1;	/* stored hashed: cannot be compared */
			continue;
		}
		struct berval **cur = c->virt ? NULL : pd_ent_vals(c, w->name);
		size_t ncur = 0;

		while (cur && cur[ncur])
			ncur++;
		if (w->op == '=') {
			size_t n = 0, same = 1;
			for (size_t j = 0; j < w->n; j++)
				if (w->vals[j]->bv_len)
					n++;
			if (n != ncur)
				same = 0;
			for (size_t j = 0; same && j < w->n; j++)
				if (w->vals[j]->bv_len && !pd_has_value(cur, w->vals[j], 0))
					same = 0;
			if (!same || c->virt) {
				m = pd_attrs_get(mods, w->name, '=');
				for (size_t j = 0; j < w->n; j++)
					if (w->vals[j]->bv_len)
						pd_attr_add(m, w->vals[j]->bv_val, w->vals[j]->bv_len);
			}
		} else {
			for (size_t j = 0; j < w->n; j++) {
				int has = pd_has_value(cur, w->vals[j], 0);
				if ((w->op == '+') != has) {
					m = pd_attrs_get(mods, w->name, w->op);
					pd_attr_add(m, w->vals[j]->bv_val, w->vals[j]->bv_len);
				}
			}
		}
		ldap_value_free_len(cur);
		if (m) {
			if (c->detail.len)
				sb_addc(&c->detail, ' ');
			sb_printf(&c->detail, "%s%s", w->op == '=' ? "" : (char[]){ w->op, 0 },
			    w->name);
		}
	}
}

static int
ocname_is(const char *v, const char *oc)
{
	return strcasecmp(v, oc) == 0;
}

int
pd_has_oc(struct cmd *c, const char *oc)
{
	struct berval **v = pd_ent_vals(c, "objectClass");
	int r = 0;

	for (size_t i = 0; v && v[i]; i++)
		if (ocname_is(v[i]->bv_val, oc))
			r = 1;
	ldap_value_free_len(v);
	return r;
}
