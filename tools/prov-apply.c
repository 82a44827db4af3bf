/* prov-apply: the provisioning stream (carbonio prov batch lines) applied to
 * the Destination's directory over LDAP, laid out as `carbonio prov -l`
 * writes it. Each command is a short chain of idempotent LDAP steps (an add
 * that finds its entry already there checks it and goes on), so a re-run, or
 * a run after kill -9, ends with the directory an uninterrupted run makes.
 * Many commands are in flight at once; a command waits only for those that
 * touch the same object. The report comes out in input order. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>
#include <gnutls/crypto.h>

#include "../common/diag.h"
#include "../common/lineio.h"
#include "../common/out.h"
#include "../common/provline.h"
#include "../common/report.h"
#include "../common/secret.h"
#include "../common/strbuf.h"
#include "../common/strmap.h"

#define PASSWORD_ENV "PROV_APPLY_PASSWORD"
#define COS_BASE "cn=cos,cn=zimbra"
#define SERVER_BASE "cn=servers,cn=zimbra"

static void
usage(void)
{
	fprintf(stderr, "usage: prov-apply [-nu] -H uri [-D binddn] [-y passfile] "
	    "[-C cafile] [--insecure]\n"
	    "                  [-m mailhost] [-j jobs] [-S rejectfile] [file ...]\n");
	exit(2);
}

/* ---- the commands ---- */

enum verb {
	V_CC, V_MC, V_CD, V_MD, V_CA, V_CCR, V_MA, V_MCR, V_SAC, V_CSIG,
	V_CID, V_AAA, V_CDL, V_MDL, V_ADLA, V_ADLM
};

struct verbinfo {
	const char *name, *longname;
	enum verb v;
	int args;		/* operands before the attr value pairs */
	int more;		/* 1: any number of further operands (adlm) */
	int pairs;		/* 0: no pairs; 1: optional; 2: at least one */
	int creates;		/* creates an object (dry run says "create") */
};

static const struct verbinfo verbs[] = {
	{ "cc", "createCos", V_CC, 1, 0, 1, 1 },
	{ "mc", "modifyCos", V_MC, 1, 0, 2, 0 },
	{ "cd", "createDomain", V_CD, 1, 0, 1, 1 },
	{ "md", "modifyDomain", V_MD, 1, 0, 2, 0 },
	{ "ca", "createAccount", V_CA, 2, 0, 1, 1 },
	{ "ccr", "createCalendarResource", V_CCR, 2, 0, 1, 1 },
	{ "ma", "modifyAccount", V_MA, 1, 0, 2, 0 },
	{ "mcr", "modifyCalendarResource", V_MCR, 1, 0, 2, 0 },
	{ "sac", "setAccountCos", V_SAC, 2, 0, 0, 0 },
	{ "csig", "createSignature", V_CSIG, 2, 0, 1, 1 },
	{ "cid", "createIdentity", V_CID, 2, 0, 1, 1 },
	{ "aaa", "addAccountAlias", V_AAA, 2, 0, 0, 1 },
	{ "cdl", "createDistributionList", V_CDL, 1, 0, 1, 1 },
	{ "mdl", "modifyDistributionList", V_MDL, 1, 0, 2, 0 },
	{ "adla", "addDistributionListAlias", V_ADLA, 2, 0, 0, 1 },
	{ "adlm", "addDistributionListMember", V_ADLM, 2, 1, 0, 0 },
};

enum result { RES_NONE, RES_OK, RES_EXISTS, RES_UPDATED, RES_FAILED };

/* One attribute of a line or of an entry being built: its values. */
struct attr {
	char op;		/* '=' set, '+' add a value, '-' remove one */
	char *name;
	struct berval **vals;	/* NULL-terminated, ldap's own layout */
	size_t n, cap;
};

struct attrs {
	struct attr *a;
	size_t n, cap;
};

struct cmdkey {
	char *name;		/* kind:name, lower case */
	int write;		/* 1: touches it; 0: needs it unchanged */
};

struct cmd {
	unsigned long line;
	const struct verbinfo *vi;
	struct prov_argv av;
	struct attrs la;	/* the line's attr value pairs */
	int state;
	int msgid;		/* the step in flight, or -1 */
	int started, finished;
	enum result result;
	int changed;		/* something was created or changed */
	struct strbuf detail;
	char *dn, *dn2;		/* the target entry; a second one */
	char *tid;		/* the target's zimbraId */
	LDAPMessage *res;	/* the last search's result chain */
	LDAPMessage *ent;	/* its first entry, or NULL */
	int virt;		/* dry run: the target is one created earlier */
	int has_mail, has_alias;	/* aaa: the target has the alias already */
	int fresh;		/* the target was made by this run: nothing to compare */
	int nanc, anc;		/* domain ancestors to create, the next one */
	struct cmdkey *key;	/* the objects it touches (cmd_keys) */
	int nkeys;
};

/* ---- options and global state ---- */

static LDAP *ld;
static int dry_run, update, jobs = 8;
static const char *mail_host;
static int mail_hosts;			/* mailbox servers found */
static struct strmap cosmap;		/* lower-case COS name -> zimbraId */
static struct strmap keymap;		/* object key -> readers (aux), writer (val) */
static struct strmap virtmap;		/* dry run: DNs and addresses "created" */
static struct strmap made;		/* address -> DN, aux -> zimbraId: made by this run */
static struct strmap schema;		/* dry run: attribute names the server knows */
static LDAPMessage *default_cos;	/* cn=default's entry chain, for cc */
static struct cmd *ring;		/* the window, in input order */
static size_t ring_cap, ring_head, ring_n, inflight;
static FILE *reject;
static char *reject_tmp;
static const char *reject_path;
static int any_failed;

static long crash_after = -1;		/* PROV_APPLY_CRASH_AFTER: tests only */

static const char *const status_real[] = { "", "ok", "exists", "updated", "failed" };

/* ---- small helpers ---- */

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static char *
lowdup(const char *s)
{
	char *d = xstrdup(s);

	lower(d);
	return d;
}

/* RFC 4514 escaping of an attribute value inside a DN. */
static void
dn_value(struct strbuf *b, const char *v)
{
	size_t n = strlen(v);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == 0 || c < 0x20 || c == 0x7f)
			sb_printf(b, "\\%02x", c);
		else if (strchr(",+\"\\<>;=", c) || (i == 0 && (c == ' ' || c == '#')) ||
		    (i == n - 1 && c == ' ')) {
			sb_addc(b, '\\');
			sb_addc(b, (char)c);
		} else
			sb_addc(b, (char)c);
	}
}

/* dc=a,dc=b for domain a.b */
static char *
domain_dn(const char *domain)
{
	struct strbuf b = { 0 };
	const char *p = domain, *dot;

	for (;;) {
		dot = strchr(p, '.');
		char *label = xstrndup(p, dot ? (size_t)(dot - p) : strlen(p));
		sb_adds(&b, b.len ? ",dc=" : "dc=");
		dn_value(&b, label);
		free(label);
		if (!dot)
			break;
		p = dot + 1;
	}
	return b.s;
}

static int
domain_ok(const char *d)
{
	size_t n = strlen(d);

	if (n == 0 || d[0] == '.' || d[n - 1] == '.' || strstr(d, ".."))
		return 0;
	for (; *d; d++)
		if (!isalnum((unsigned char)*d) && *d != '-' && *d != '.' &&
		    *d != '_' && !((unsigned char)*d & 0x80))
			return 0;
	return 1;
}

/* Split an address; returns 0 when it is not local@domain. */
static int
split_addr(const char *addr, char **local, const char **domain)
{
	const char *at = strrchr(addr, '@');

	if (!at || at == addr || !domain_ok(at + 1))
		return 0;
	*local = xstrndup(addr, (size_t)(at - addr));
	*domain = at + 1;
	return 1;
}

/* uid=LOCAL,ou=people,dc=... */
static char *
addr_dn(const char *addr)
{
	char *local, *ddn;
	const char *domain;
	struct strbuf b = { 0 };

	if (!split_addr(addr, &local, &domain))
		return NULL;
	ddn = domain_dn(domain);
	sb_adds(&b, "uid=");
	dn_value(&b, local);
	sb_printf(&b, ",ou=people,%s", ddn);
	free(local);
	free(ddn);
	return b.s;
}

static void
new_uuid(char out[37])
{
	unsigned char r[16];

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		die("getrandom:");
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

static void
gentime(char out[16])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y%m%d%H%M%SZ", &tm);
}

static void
base64(struct strbuf *b, const unsigned char *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n) v |= p[i + 2];
		sb_addc(b, tab[v >> 18 & 63]);
		sb_addc(b, tab[v >> 12 & 63]);
		sb_addc(b, i + 1 < n ? tab[v >> 6 & 63] : '=');
		sb_addc(b, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* {SSHA512}, the scheme Carbonio itself stores: base64(SHA512(pw salt) salt). */
static char *
ssha512(const char *pw, size_t n)
{
	unsigned char buf[64 + 8], *in;
	struct strbuf b = { 0 };

	if (getrandom(buf + 64, 8, 0) != 8)
		die("getrandom:");
	in = xmalloc(n + 8);
	memcpy(in, pw, n);
	memcpy(in + n, buf + 64, 8);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA512, in, n + 8, buf) < 0)
		die("SHA-512 is not available");
	explicit_bzero(in, n + 8);
	free(in);
	sb_adds(&b, "{SSHA512}");
	base64(&b, buf, sizeof buf);
	return b.s;
}

/* ---- attribute lists ---- */

static struct attr *
attrs_find(struct attrs *as, const char *name, char op)
{
	for (size_t i = 0; i < as->n; i++)
		if (as->a[i].op == op && strcasecmp(as->a[i].name, name) == 0)
			return &as->a[i];
	return NULL;
}

static struct attr *
attrs_get(struct attrs *as, const char *name, char op)
{
	struct attr *a = attrs_find(as, name, op);

	if (a)
		return a;
	if (as->n == as->cap) {
		as->cap = as->cap ? 2 * as->cap : 16;
		as->a = xrealloc(as->a, as->cap * sizeof *as->a);
	}
	a = &as->a[as->n++];
	memset(a, 0, sizeof *a);
	a->op = op;
	a->name = xstrdup(name);
	a->vals = xcalloc(1, sizeof *a->vals);
	return a;
}

static void
attr_add(struct attr *a, const char *v, size_t n)
{
	struct berval *bv;

	if (a->n + 1 >= a->cap) {
		a->cap = a->cap ? 2 * a->cap : 4;
		a->vals = xrealloc(a->vals, (a->cap + 1) * sizeof *a->vals);
	}
	bv = xmalloc(sizeof *bv);
	bv->bv_val = xmalloc(n + 1);
	memcpy(bv->bv_val, v, n);
	bv->bv_val[n] = '\0';
	bv->bv_len = n;
	a->vals[a->n++] = bv;
	a->vals[a->n] = NULL;
}

static void
attr_clear(struct attr *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->vals[i]->bv_val);
		free(a->vals[i]);
	}
	a->n = 0;
	a->vals[0] = NULL;
}

/* Set name to exactly one value (replacing what the entry had). */
static void
attrs_set(struct attrs *as, const char *name, const char *v)
{
	struct attr *a = attrs_get(as, name, '=');

	attr_clear(a);
	attr_add(a, v, strlen(v));
}

static void
attrs_free(struct attrs *as)
{
	for (size_t i = 0; i < as->n; i++) {
		attr_clear(&as->a[i]);
		free(as->a[i].vals);
		free(as->a[i].name);
	}
	free(as->a);
	memset(as, 0, sizeof *as);
}

static int
attr_name_ok(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (s++; *s && *s != ';'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-')
			return 0;
	return 1;
}

static int
has_value(struct berval **vals, const struct berval *v, int nocase)
{
	for (; vals && *vals; vals++)
		if ((*vals)->bv_len == v->bv_len &&
		    (nocase ? strncasecmp((*vals)->bv_val, v->bv_val, v->bv_len) :
		    memcmp((*vals)->bv_val, v->bv_val, v->bv_len)) == 0)
			return 1;
	return 0;
}

/* ---- the window and its keys ---- */

static struct strmap_ent *
key_ent(const char *k)
{
	int isnew;

	return strmap_put(&keymap, k, strlen(k), &isnew);
}

static void
cmd_key(struct cmd *c, char kind, const char *name, int write)
{
	struct strbuf b = { 0 };

	sb_addc(&b, kind);
	sb_addc(&b, ':');
	sb_adds(&b, name);
	lower(b.s);
	c->key = xrealloc(c->key, (size_t)(c->nkeys + 1) * sizeof *c->key);
	c->key[c->nkeys].name = b.s;
	c->key[c->nkeys++].write = write;
}

static int
keys_free(struct cmd *c)
{
	for (int i = 0; i < c->nkeys; i++) {
		const char *k = c->key[i].name;
		struct strmap_ent *e = strmap_get(&keymap, k, strlen(k));
		if (!e)
			continue;
		if (e->val || (c->key[i].write && e->aux))
			return 0;
	}
	return 1;
}

static void
keys_take(struct cmd *c, int take)
{
	for (int i = 0; i < c->nkeys; i++) {
		struct strmap_ent *e = key_ent(c->key[i].name);
		if (c->key[i].write)
			e->val = take ? (void *)1 : NULL;
		else
			e->aux += take ? 1 : -1;
	}
}

static void
cmd_free(struct cmd *c)
{
	prov_argv_free(&c->av);
	attrs_free(&c->la);
	sb_free(&c->detail);
	free(c->dn);
	free(c->dn2);
	free(c->tid);
	if (c->res)
		ldap_msgfree(c->res);
	for (int i = 0; i < c->nkeys; i++)
		free(c->key[i].name);
	free(c->key);
	memset(c, 0, sizeof *c);
}

static void finish(struct cmd *c, enum result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
finish(struct cmd *c, enum result r, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		sb_reset(&c->detail);
		va_start(ap, fmt);
		char *s;
		if (vasprintf(&s, fmt, ap) < 0)
			die("out of memory");
		va_end(ap);
		sb_adds(&c->detail, s);
		free(s);
	}
	c->result = r;
	c->finished = 1;
	c->msgid = -1;
	if (c->started) {
		keys_take(c, 0);
		inflight--;
	}
}

/* The failure in the directory's own words. */
static void
fail_ldap(struct cmd *c, int rc, const char *what, const char *err)
{
	if (err && *err)
		finish(c, RES_FAILED, "%s: %s: %s", what, ldap_err2string(rc), err);
	else
		finish(c, RES_FAILED, "%s: %s", what, ldap_err2string(rc));
}

/* ---- steps: one LDAP operation each, real or (dry run) pretended ---- */

static void step(struct cmd *c, int rc, const char *err, const char *matched);

static int broken;		/* the connection failed: open it again */

static void
conn_lost(int rc)
{
	if (dry_run)
		die("the directory connection failed: %s", ldap_err2string(rc));
	broken = 1;
}

static int
ldap_errno(void)
{
	int rc = LDAP_OTHER;

	ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &rc);
	return rc;
}

/* The crash tests stop the run dead right after the Nth operation sent. */
static void
sent(void)
{
	if (crash_after >= 0 && --crash_after < 0)
		raise(SIGKILL);
}

static void
keep_result(struct cmd *c, LDAPMessage *res)
{
	if (c->res)
		ldap_msgfree(c->res);
	c->res = res;
	c->ent = res ? ldap_first_entry(ld, res) : NULL;
	c->virt = 0;
}

/* Search; the next step sees rc and c->ent. */
static void
op_search(struct cmd *c, const char *base, int scope, const char *filter,
    char **attrs)
{
	int rc;

	if (dry_run) {
		LDAPMessage *res = NULL;
		rc = ldap_search_ext_s(ld, base, scope, filter, attrs, 0, NULL,
		    NULL, NULL, 2, &res);
		if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR)
			conn_lost(rc);
		keep_result(c, res);
		if (rc == LDAP_SIZELIMIT_EXCEEDED)
			rc = LDAP_SUCCESS;
		step(c, rc, NULL, NULL);
		return;
	}
	rc = ldap_search_ext(ld, base, scope, filter, attrs, 0, NULL, NULL, NULL,
	    2, &c->msgid);
	if (rc != LDAP_SUCCESS)
		c->msgid = -1, conn_lost(rc);
	sent();
}

static int
dry_exists(const char *dn)
{
	LDAPMessage *res = NULL;
	char *none[] = { LDAP_NO_ATTRS, NULL };
	int rc;

	if (strmap_get(&virtmap, dn, strlen(dn)))
		return 1;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", none,
	    0, NULL, NULL, NULL, 1, &res);
	if (res)
		ldap_msgfree(res);
	if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR)
		conn_lost(rc);
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
	if (!schema.n)
		return NULL;
	for (size_t i = 0; i < as->n; i++) {
		char *n = lowdup(as->a[i].name), *semi = strchr(n, ';');
		if (semi)
			*semi = '\0';
		int known = strmap_get(&schema, n, strlen(n)) != NULL;
		free(n);
		if (!known)
			return as->a[i].name;
	}
	return NULL;
}

static void
op_add(struct cmd *c, const char *dn, struct attrs *as)
{
	int rc;

	if (dry_run) {
		const char *bad = dry_schema(as);
		const char *parent = strchr(dn, ',');
		if (dry_exists(dn))
			rc = LDAP_ALREADY_EXISTS;
		else if (bad) {
			step(c, LDAP_UNDEFINED_TYPE, bad, NULL);
			return;
		} else if (parent && !dry_exists(parent + 1))
			rc = LDAP_NO_SUCH_OBJECT;
		else {
			int isnew;
			strmap_put(&virtmap, dn, strlen(dn), &isnew);
			rc = LDAP_SUCCESS;
		}
		keep_result(c, NULL);
		step(c, rc, NULL, NULL);
		return;
	}
	LDAPMod **m = mods_of(as, LDAP_MOD_ADD);
	rc = ldap_add_ext(ld, dn, m, NULL, NULL, &c->msgid);
	mods_free(m);
	if (rc != LDAP_SUCCESS)
		c->msgid = -1, conn_lost(rc);
	sent();
}

/* Modify with the attribute list's own operations (op -1) or one op. */
static void
op_modify(struct cmd *c, const char *dn, struct attrs *as, int op)
{
	int rc;

	if (dry_run) {
		const char *bad = dry_schema(as);
		step(c, bad ? LDAP_UNDEFINED_TYPE : LDAP_SUCCESS, bad, NULL);
		return;
	}
	LDAPMod **m = mods_of(as, op);
	rc = ldap_modify_ext(ld, dn, m, NULL, NULL, &c->msgid);
	mods_free(m);
	if (rc != LDAP_SUCCESS)
		c->msgid = -1, conn_lost(rc);
	sent();
}

/* ---- reading entries ---- */

static struct berval **
ent_vals(struct cmd *c, const char *attr)
{
	return c->ent ? ldap_get_values_len(ld, c->ent, attr) : NULL;
}

static int
ent_has(struct cmd *c, const char *attr, const char *v)
{
	struct berval **vals = ent_vals(c, attr);
	struct berval bv = { strlen(v), (char *)v };
	int r = has_value(vals, &bv, 1);

	ldap_value_free_len(vals);
	return r;
}

static char *
ent_first(struct cmd *c, const char *attr)
{
	struct berval **vals = ent_vals(c, attr);
	char *s = vals && vals[0] ? xstrndup(vals[0]->bv_val, vals[0]->bv_len) : NULL;

	ldap_value_free_len(vals);
	return s;
}

/* The attribute names of a list, for a search. */
static char **
names_of(struct attrs *as, const char *extra1, const char *extra2)
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
static void
resolve(struct cmd *c, const char *addr, const char *oc, char **attrs)
{
	struct strbuf f = { 0 };
	struct strmap_ent *v;
	char *esc;

	char *k = lowdup(addr);
	v = strmap_get(&made, k, strlen(k));
	free(k);
	if (v && c->fresh) {
		/* made by this very run: its DN and zimbraId are known, and
		 * the caller asked for the step that needs no comparison */
		keep_result(c, NULL);
		free(c->dn);
		c->dn = xstrdup(v->val);
		free(c->tid);
		c->tid = xstrdup((const char *)v->aux);
		step(c, LDAP_SUCCESS, NULL, NULL);
		return;
	}
	c->fresh = 0;
	if (dry_run && (v = strmap_get(&virtmap, addr, strlen(addr))) != NULL) {
		keep_result(c, NULL);
		c->virt = 1;
		free(c->dn);
		c->dn = xstrdup(v->val);
		step(c, LDAP_SUCCESS, NULL, NULL);
		return;
	}
	/* filter values escaped per RFC 4515 */
	struct strbuf e = { 0 };
	for (const char *p = addr; *p; p++)
		if (strchr("*()\\", *p))
			sb_printf(&e, "\\%02x", (unsigned char)*p);
		else
			sb_addc(&e, *p);
	esc = e.s ? e.s : xstrdup("");
	sb_printf(&f, "(&(objectClass=%s)(|(zimbraMailDeliveryAddress=%s)"
	    "(zimbraMailAlias=%s)))", oc, esc, esc);
	free(esc);
	op_search(c, "", LDAP_SCOPE_SUBTREE, f.s, attrs);
	sb_free(&f);
}

/* After resolve(): 1 when the target was found (c->dn set). */
static int
resolved(struct cmd *c, int rc, const char *what, const char *addr)
{
	if (c->virt || c->fresh)
		return 1;
	if (rc != LDAP_SUCCESS) {
		fail_ldap(c, rc, "search", NULL);
		return 0;
	}
	if (!c->ent) {
		finish(c, RES_FAILED, "no such %s: %s", what, addr);
		return 0;
	}
	if (ldap_next_entry(ld, c->ent)) {
		finish(c, RES_FAILED, "%s is the address of more than one entry", addr);
		return 0;
	}
	char *dn = ldap_get_dn(ld, c->ent);
	free(c->dn);
	c->dn = xstrdup(dn);
	ldap_memfree(dn);
	free(c->tid);
	c->tid = ent_first(c, "zimbraId");
	return 1;
}

/* The changes that make the entry (c->ent) hold what the line says, zmprov's
 * way: `attr v` sets the values, `+attr v` adds one, `-attr v` removes one;
 * an empty value removes the attribute. Names the changed attributes in
 * c->detail. */
static void
diff(struct cmd *c, struct attrs *want, struct attrs *mods)
{
	for (size_t i = 0; i < want->n; i++) {
		struct attr *w = &want->a[i], *m = NULL;
		struct berval **cur = c->virt ? NULL : ent_vals(c, w->name);
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
				if (w->vals[j]->bv_len && !has_value(cur, w->vals[j], 0))
					same = 0;
			if (!same || c->virt) {
				m = attrs_get(mods, w->name, '=');
				for (size_t j = 0; j < w->n; j++)
					if (w->vals[j]->bv_len)
						attr_add(m, w->vals[j]->bv_val, w->vals[j]->bv_len);
			}
		} else {
			for (size_t j = 0; j < w->n; j++) {
				int has = has_value(cur, w->vals[j], 0);
				if ((w->op == '+') != has) {
					m = attrs_get(mods, w->name, w->op);
					attr_add(m, w->vals[j]->bv_val, w->vals[j]->bv_len);
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

/* ---- building entries ---- */

/* The line's pairs onto an entry: they replace what the defaults set. */
static void
apply_line(struct attrs *e, struct attrs *la)
{
	for (size_t i = 0; i < la->n; i++) {
		struct attr *l = &la->a[i];
		struct attr *a = attrs_get(e, l->name, '=');
		if (l->op == '=')
			attr_clear(a);
		for (size_t j = 0; j < l->n; j++)
			if (l->vals[j]->bv_len)
				attr_add(a, l->vals[j]->bv_val, l->vals[j]->bv_len);
	}
}

/* A clear-text userPassword becomes {SSHA512}; a {SCHEME} value is kept. */
static void
hash_passwords(struct attrs *e, const char *pw)
{
	struct attr *a = attrs_find(e, "userPassword", '=');

	if (!a && pw && *pw) {
		char *h = ssha512(pw, strlen(pw));
		attrs_set(e, "userPassword", h);
		free(h);
		return;
	}
	for (size_t j = 0; a && j < a->n; j++) {
		struct berval *v = a->vals[j];
		if (v->bv_len && v->bv_val[0] != '{') {
			char *h = ssha512(v->bv_val, v->bv_len);
			explicit_bzero(v->bv_val, v->bv_len);
			free(v->bv_val);
			v->bv_val = h;
			v->bv_len = strlen(h);
		}
	}
}

static int
ocname_is(const char *v, const char *oc)
{
	return strcasecmp(v, oc) == 0;
}

static int
has_oc(struct cmd *c, const char *oc)
{
	struct berval **v = ent_vals(c, "objectClass");
	int r = 0;

	for (size_t i = 0; v && v[i]; i++)
		if (ocname_is(v[i]->bv_val, oc))
			r = 1;
	ldap_value_free_len(v);
	return r;
}

static void
common_new(struct attrs *e)
{
	char id[37], ts[16];

	new_uuid(id);
	gentime(ts);
	attrs_set(e, "zimbraId", id);
	attrs_set(e, "zimbraCreateTimestamp", ts);
}

static void
add_oc(struct attrs *e, const char *oc)
{
	struct attr *a = attrs_get(e, "objectClass", '=');

	attr_add(a, oc, strlen(oc));
}

static void
entry_cos(struct cmd *c, struct attrs *e)
{
	const char *name = c->av.argv[1];

	/* A new COS starts from the Destination's default COS, as Carbonio
	 * starts it from the built-in defaults. */
	if (default_cos) {
		LDAPMessage *de = ldap_first_entry(ld, default_cos);
		BerElement *ber;
		for (char *n = ldap_first_attribute(ld, de, &ber); n;
		    n = ldap_next_attribute(ld, de, ber)) {
			if (strcasecmp(n, "cn") && strcasecmp(n, "objectClass") &&
			    strcasecmp(n, "zimbraId") && strcasecmp(n, "description") &&
			    strcasecmp(n, "zimbraCreateTimestamp")) {
				struct berval **v = ldap_get_values_len(ld, de, n);
				struct attr *a = attrs_get(e, n, '=');
				for (size_t i = 0; v && v[i]; i++)
					attr_add(a, v[i]->bv_val, v[i]->bv_len);
				ldap_value_free_len(v);
			}
			ldap_memfree(n);
		}
		ber_free(ber, 0);
	}
	add_oc(e, "zimbraCOS");
	attrs_set(e, "cn", name);
	common_new(e);
	apply_line(e, &c->la);
}

static void
entry_domain(struct cmd *c, struct attrs *e, int aux_only)
{
	const char *d = c->av.argv[1];
	char *label = xstrndup(d, strcspn(d, "."));

	if (!aux_only) {
		add_oc(e, "dcObject");
		add_oc(e, "organization");
		attrs_set(e, "dc", label);
		attrs_set(e, "o", d);
	}
	add_oc(e, "zimbraDomain");
	common_new(e);
	attrs_set(e, "zimbraDomainName", d);
	attrs_set(e, "zimbraDomainType", "local");
	attrs_set(e, "zimbraDomainStatus", "active");
	attrs_set(e, "zimbraMailStatus", "enabled");
	apply_line(e, &c->la);
	free(label);
}

static const char *
line_value(struct cmd *c, const char *name)
{
	struct attr *a = attrs_find(&c->la, name, '=');

	return a && a->n && a->vals[0]->bv_len ? a->vals[0]->bv_val : NULL;
}

/* Returns NULL, or why the entry cannot be made. */
static const char *
entry_account(struct cmd *c, struct attrs *e)
{
	const char *addr = c->av.argv[1], *domain, *host, *v;
	char *local = NULL;
	struct strbuf t = { 0 };

	host = line_value(c, "zimbraMailHost");
	if (!host)
		host = mail_host;
	if (!host)
		return mail_hosts ? "the Destination has several mailbox servers: "
		    "name one with -m" : "no mailbox server known: name one with -m";
	split_addr(addr, &local, &domain);
	add_oc(e, "inetOrgPerson");
	add_oc(e, "zimbraAccount");
	add_oc(e, "amavisAccount");
	if (c->vi->v == V_CCR)
		add_oc(e, "zimbraCalendarResource");
	attrs_set(e, "uid", local);
	common_new(e);
	attrs_set(e, "zimbraAccountStatus", "active");
	attrs_set(e, "mail", addr);
	attrs_set(e, "zimbraMailDeliveryAddress", addr);
	attrs_set(e, "zimbraMailStatus", "enabled");
	v = line_value(c, "displayName");
	attrs_set(e, "cn", v ? v : local);
	attrs_set(e, "sn", local);
	attrs_set(e, "zimbraMailHost", host);
	sb_printf(&t, "lmtp:%s:7025", host);
	attrs_set(e, "zimbraMailTransport", t.s);
	sb_free(&t);
	if (c->vi->v == V_CCR) {
		attrs_set(e, "zimbraAccountCalendarUserType", "RESOURCE");
		v = line_value(c, "cn");
		attrs_set(e, "displayName", v ? v : local);
	}
	apply_line(e, &c->la);
	hash_passwords(e, c->av.argv[2]);
	free(local);
	return NULL;
}

static void
entry_list(struct cmd *c, struct attrs *e)
{
	const char *addr = c->av.argv[1], *domain;
	char *local = NULL;

	split_addr(addr, &local, &domain);
	add_oc(e, "zimbraDistributionList");
	add_oc(e, "zimbraMailRecipient");
	attrs_set(e, "uid", local);
	common_new(e);
	attrs_set(e, "mail", addr);
	attrs_set(e, "zimbraMailAlias", addr);
	attrs_set(e, "zimbraMailStatus", "enabled");
	apply_line(e, &c->la);
	free(local);
}

/* ---- the commands' steps ----
 * Each verb's chain is a switch on c->state; a step issues one operation
 * (whose answer calls step() again) or finishes the command. */

enum {
	S_START, S_ADDED, S_EXISTING, S_UPDATED, S_MODIFIED,
	S_ANCESTOR, S_RETRY, S_PEOPLE, S_GROUPS, S_CONVERTED,
	S_TARGET, S_ALIAS_ADDED, S_ALIAS_EXISTING, S_TARGET_DONE, S_PARENT
};

/* A step that trusted this run's own knowledge of an entry found it wrong
 * (a value there already, or gone): start again the careful way. */
static void step(struct cmd *c, int rc, const char *err, const char *matched);

static int
retry_fresh(struct cmd *c, int rc)
{
	if (!c->fresh || (rc != LDAP_TYPE_OR_VALUE_EXISTS && rc != LDAP_NO_SUCH_ATTRIBUTE))
		return 0;
	c->fresh = 0;
	c->state = S_START;
	sb_reset(&c->detail);
	step(c, LDAP_SUCCESS, NULL, NULL);
	return 1;
}

/* The end of a command whose last step was a modify. */
static void
modified(struct cmd *c, int rc, const char *err, enum result done)
{
	if (retry_fresh(c, rc))
		return;
	if (rc != LDAP_SUCCESS)
		fail_ldap(c, rc, "modify", err);
	else
		finish(c, done, NULL);
}

/* Change what differs between the line and the entry read, or say that
 * nothing does. */
static void
modify_to_line(struct cmd *c, int next)
{
	struct attrs m = { 0 };

	diff(c, &c->la, &m);
	if (m.n == 0)
		finish(c, RES_EXISTS, NULL);
	else {
		c->state = next;
		op_modify(c, c->dn, &m, -1);
	}
	attrs_free(&m);
}

static void
add_then(struct cmd *c, const char *dn, struct attrs *e, int next)
{
	c->state = next;
	op_add(c, dn, e);
}

static void
search_then(struct cmd *c, const char *dn, char **attrs, int next)
{
	c->state = next;
	op_search(c, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs);
}

/* -u on an entry that exists: set the attributes the line gives. */
static void
update_existing(struct cmd *c, int rc)
{
	struct attrs m = { 0 };

	if (rc != LDAP_SUCCESS) {
		fail_ldap(c, rc, "read", NULL);
		return;
	}
	sb_reset(&c->detail);
	diff(c, &c->la, &m);
	/* a clear password cannot be compared: it is left as it is */
	struct attr *pw = attrs_find(&m, "userPassword", '=');
	if (pw && pw->n && pw->vals[0]->bv_val[0] != '{') {
		attr_clear(pw);
		free(pw->name);
		pw->name = xstrdup("userPassword");
	}
	if (m.n == 0) {
		attrs_free(&m);
		finish(c, RES_EXISTS, NULL);
		return;
	}
	c->state = S_UPDATED;
	op_modify(c, c->dn, &m, -1);
	attrs_free(&m);
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
			dn_value(&b, name);
			sb_adds(&b, "," COS_BASE);
			c->dn = b.s;
		}
		if (c->vi->v == V_MC) {
			names = names_of(&c->la, NULL, NULL);
			search_then(c, c->dn, names, S_EXISTING);
			free(names);
			return;
		}
		entry_cos(c, &e);
		free(c->tid);
		c->tid = xstrdup(attrs_find(&e, "zimbraId", '=')->vals[0]->bv_val);
		add_then(c, c->dn, &e, S_ADDED);
		attrs_free(&e);
		return;
	case S_ADDED:
		if (rc == LDAP_SUCCESS) {
			int isnew;
			char *k = lowdup(name);
			strmap_put(&cosmap, k, strlen(k), &isnew)->val =
			    strmap_strdup(&cosmap, c->tid, strlen(c->tid));
			free(k);
			finish(c, RES_OK, NULL);
		} else if (rc == LDAP_ALREADY_EXISTS && update) {
			names = names_of(&c->la, NULL, NULL);
			search_then(c, c->dn, names, S_EXISTING);
			free(names);
		} else if (rc == LDAP_ALREADY_EXISTS)
			finish(c, RES_EXISTS, NULL);
		else
			fail_ldap(c, rc, "add", err);
		return;
	case S_EXISTING:
		if (c->vi->v == V_MC) {
			if (rc == LDAP_NO_SUCH_OBJECT) {
				finish(c, RES_FAILED, "no such COS: %s", name);
				return;
			}
			if (rc != LDAP_SUCCESS) {
				fail_ldap(c, rc, "read", err);
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
			char *k = lowdup(c->av.argv[2]);
			struct strmap_ent *ce = strmap_get(&cosmap, k, strlen(k));
			free(k);
			if (!ce) {
				finish(c, RES_FAILED, "no such COS: %s", c->av.argv[2]);
				return;
			}
			attrs_set(&c->la, "zimbraCOSId", ce->val);
		}
		names = names_of(&c->la, "zimbraId", NULL);
		c->state = S_TARGET;
		if (c->vi->v == V_MD) {
			free(c->dn);
			c->dn = domain_dn(name);
			if (dry_run && strmap_get(&virtmap, c->dn, strlen(c->dn))) {
				c->virt = 1;
				step(c, LDAP_SUCCESS, NULL, NULL);
			} else
				op_search(c, c->dn, LDAP_SCOPE_BASE,
				    "(objectClass=zimbraDomain)", names);
		} else {
			c->fresh = 1;
			resolve(c, name, c->vi->v == V_MDL ? "zimbraDistributionList" :
			    c->vi->v == V_MCR ? "zimbraCalendarResource" : "zimbraAccount",
			    names);
		}
		free(names);
		return;
	case S_TARGET:
		if (c->vi->v == V_MD) {
			if (!c->virt && (rc == LDAP_NO_SUCH_OBJECT || (rc == LDAP_SUCCESS && !c->ent))) {
				finish(c, RES_FAILED, "no such domain: %s", name);
				return;
			}
			if (rc != LDAP_SUCCESS) {
				fail_ldap(c, rc, "read", err);
				return;
			}
		} else if (!resolved(c, rc, c->vi->v == V_MDL ? "list" :
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
	char **n = update ? names_of(&c->la, names[0], names[1]) : names;

	search_then(c, c->dn, n, S_EXISTING);
	if (n != names)
		free(n);
}

static void
step_domain(struct cmd *c, int rc, const char *err)
{
	const char *d = c->av.argv[1];
	struct attrs e = { 0 };

	switch (c->state) {
	case S_START:
		c->dn = domain_dn(d);
		entry_domain(c, &e, 0);
		add_then(c, c->dn, &e, S_ADDED);
		attrs_free(&e);
		return;
	case S_ADDED:
		if (rc == LDAP_SUCCESS) {
			c->changed = 1;
			break;
		}
		if (rc == LDAP_NO_SUCH_OBJECT) {
			/* create the missing dc= parents, top-down */
			c->nanc = 0;
			for (const char *p = d; (p = strchr(p, '.')); p++)
				c->nanc++;
			c->anc = c->nanc;
			c->state = S_ANCESTOR;
			step(c, LDAP_SUCCESS, NULL, NULL);
			return;
		}
		if (rc == LDAP_ALREADY_EXISTS) {
			domain_there(c);
			return;
		}
		fail_ldap(c, rc, "add", err);
		return;
	case S_ANCESTOR:
		if (rc != LDAP_SUCCESS && rc != LDAP_ALREADY_EXISTS) {
			fail_ldap(c, rc, "add a parent", err);
			return;
		}
		if (c->anc > 0) {
			/* the ancestor with anc labels dropped from the front */
			const char *p = d;
			for (int i = 0; i < c->anc; i++)
				p = strchr(p, '.') + 1;
			c->anc--;
			free(c->dn2);
			c->dn2 = domain_dn(p);
			char *label = xstrndup(p, strcspn(p, "."));
			add_oc(&e, "dcObject");
			add_oc(&e, "organization");
			attrs_set(&e, "dc", label);
			attrs_set(&e, "o", p);
			free(label);
			add_then(c, c->dn2, &e, S_ANCESTOR);
			attrs_free(&e);
			return;
		}
		entry_domain(c, &e, 0);
		add_then(c, c->dn, &e, S_RETRY);
		attrs_free(&e);
		return;
	case S_RETRY:
		if (rc == LDAP_ALREADY_EXISTS) {
			/* made meanwhile by another run, as a plain parent (this
			 * run's own subdomains wait for it: cmd_keys) */
			domain_there(c);
			return;
		}
		if (rc != LDAP_SUCCESS) {
			fail_ldap(c, rc, "add", err);
			return;
		}
		c->changed = 1;
		break;
	case S_EXISTING:
		if (rc != LDAP_SUCCESS) {
			fail_ldap(c, rc, "read", err);
			return;
		}
		if (!c->virt && !has_oc(c, "zimbraDomain")) {
			/* a plain dc= parent made earlier: it becomes the domain */
			entry_domain(c, &e, 1);
			c->state = S_CONVERTED;
			op_modify(c, c->dn, &e, LDAP_MOD_ADD);
			attrs_free(&e);
			return;
		}
		if (update) {
			struct attrs m = { 0 };
			sb_reset(&c->detail);
			diff(c, &c->la, &m);
			if (m.n) {
				c->changed = 2;
				c->state = S_CONVERTED;
				op_modify(c, c->dn, &m, -1);
				attrs_free(&m);
				return;
			}
		}
		break;
	case S_CONVERTED:
		if (rc != LDAP_SUCCESS) {
			fail_ldap(c, rc, "modify", err);
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
			fail_ldap(c, rc, "add", err);
			return;
		}
		if (c->state == S_GROUPS) {
			finish(c, c->changed == 2 ? RES_UPDATED : c->changed ? RES_OK :
			    RES_EXISTS, NULL);
			return;
		}
		free(c->dn2);
		c->dn2 = NULL;
		{
			struct strbuf b = { 0 };
			sb_printf(&b, "cn=groups,%s", c->dn);
			c->dn2 = b.s;
		}
		add_oc(&e, "organizationalRole");
		attrs_set(&e, "cn", "groups");
		add_then(c, c->dn2, &e, S_GROUPS);
		attrs_free(&e);
		return;
	}
	/* the domain entry is there: its ou=people and cn=groups */
	{
		struct strbuf b = { 0 };
		sb_printf(&b, "ou=people,%s", c->dn);
		free(c->dn2);
		c->dn2 = b.s;
	}
	add_oc(&e, "organizationalRole");
	attrs_set(&e, "ou", "people");
	attrs_set(&e, "cn", "people");
	add_then(c, c->dn2, &e, S_PEOPLE);
	attrs_free(&e);
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
			names = names_of(&c->la, "zimbraId", NULL);
			c->state = S_PARENT;
			c->fresh = 1;
			resolve(c, name, "zimbraAccount", names);
			free(names);
			return;
		}
		c->dn = addr_dn(name);
		if (v == V_CDL)
			entry_list(c, &e);
		else {
			const char *why = entry_account(c, &e);
			if (why) {
				attrs_free(&e);
				finish(c, RES_FAILED, "%s", why);
				return;
			}
		}
		free(c->tid);
		c->tid = xstrdup(attrs_find(&e, "zimbraId", '=')->vals[0]->bv_val);
		add_then(c, c->dn, &e, S_ADDED);
		attrs_free(&e);
		return;
	case S_PARENT: {
		/* signatures and identities are child entries of the account */
		if (!resolved(c, rc, "account", name))
			return;
		const char *sub = c->av.argv[2];
		struct strbuf b = { 0 };
		char id[37];
		new_uuid(id);
		sb_adds(&b, v == V_CSIG ? "zimbraSignatureName=" : "zimbraPrefIdentityName=");
		dn_value(&b, sub);
		sb_printf(&b, ",%s", c->dn);
		free(c->dn);
		c->dn = b.s;
		char ts[16];
		gentime(ts);
		if (v == V_CSIG) {
			add_oc(&e, "zimbraSignature");
			attrs_set(&e, "zimbraSignatureName", sub);
			attrs_set(&e, "zimbraSignatureId", id);
		} else {
			add_oc(&e, "zimbraIdentity");
			attrs_set(&e, "zimbraPrefIdentityName", sub);
			attrs_set(&e, "zimbraPrefIdentityId", id);
		}
		attrs_set(&e, "zimbraCreateTimestamp", ts);
		apply_line(&e, &c->la);
		add_then(c, c->dn, &e, S_ADDED);
		attrs_free(&e);
		return;
	}
	case S_ADDED:
		if (rc == LDAP_SUCCESS && !dry_run && v != V_CSIG && v != V_CID) {
			int isnew;
			char *k = lowdup(name);
			struct strmap_ent *me = strmap_put(&made, k, strlen(k), &isnew);
			me->val = strmap_strdup(&made, c->dn, strlen(c->dn));
			me->aux = (uintptr_t)strmap_strdup(&made, c->tid, strlen(c->tid));
			free(k);
		}
		if (rc == LDAP_SUCCESS) {
			if (dry_run && v != V_CSIG && v != V_CID) {
				int isnew;
				strmap_put(&virtmap, name, strlen(name), &isnew)->val =
				    strmap_strdup(&virtmap, c->dn, strlen(c->dn));
			}
			finish(c, RES_OK, NULL);
			return;
		}
		if (rc == LDAP_NO_SUCH_OBJECT && v != V_CSIG && v != V_CID) {
			const char *at = strrchr(name, '@');
			char *ddn = domain_dn(at + 1);
			if (matched && strcasecmp(matched, ddn) == 0)
				finish(c, RES_FAILED, "domain %s has no ou=people", at + 1);
			else
				finish(c, RES_FAILED, "no such domain: %s", at + 1);
			free(ddn);
			return;
		}
		if (rc != LDAP_ALREADY_EXISTS) {
			fail_ldap(c, rc, "add", err);
			return;
		}
		names = names_of(&c->la, "objectClass", "mail");
		search_then(c, c->dn, names, S_EXISTING);
		free(names);
		return;
	case S_EXISTING:
		if (rc != LDAP_SUCCESS) {
			fail_ldap(c, rc, "read", err);
			return;
		}
		if (!c->virt && v != V_CSIG && v != V_CID) {
			const char *oc = v == V_CDL ? "zimbraDistributionList" :
			    v == V_CCR ? "zimbraCalendarResource" : "zimbraAccount";
			if (!has_oc(c, oc) || !ent_has(c, "mail", name)) {
				finish(c, RES_FAILED, "%s is already taken by another %s",
				    name, has_oc(c, "zimbraAlias") ? "alias" :
				    has_oc(c, "zimbraDistributionList") ? "list" : "entry");
				return;
			}
		}
		if (!update) {
			finish(c, RES_EXISTS, NULL);
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
		c->fresh = 1;
		resolve(c, target, list ? "zimbraDistributionList" : "zimbraAccount", names);
		return;
	case S_TARGET: {
		if (!resolved(c, rc, list ? "list" : "account", target))
			return;
		if (!c->virt && !c->tid) {
			finish(c, RES_FAILED, "%s has no zimbraId", target);
			return;
		}
		/* what the target holds already, before c->res is reused */
		c->has_mail = !c->virt && ent_has(c, "mail", alias);
		c->has_alias = !c->virt && ent_has(c, "zimbraMailAlias", alias);
		char *local = NULL;
		const char *domain;
		if (!split_addr(alias, &local, &domain)) {	/* checked when read */
			finish(c, RES_FAILED, "not an address: %s", alias);
			return;
		}
		c->dn2 = addr_dn(alias);
		add_oc(&e, "zimbraAlias");
		attrs_set(&e, "uid", local);
		common_new(&e);
		attrs_set(&e, "zimbraAliasTargetId", c->tid ? c->tid : "pending");
		free(local);
		add_then(c, c->dn2, &e, S_ALIAS_ADDED);
		attrs_free(&e);
		return;
	}
	case S_ALIAS_ADDED:
		if (rc == LDAP_SUCCESS) {
			c->changed = 1;
			if (dry_run) {
				int isnew;
				strmap_put(&virtmap, alias, strlen(alias), &isnew)->val =
				    strmap_strdup(&virtmap, c->dn, strlen(c->dn));
			}
			break;
		}
		if (rc == LDAP_NO_SUCH_OBJECT) {
			finish(c, RES_FAILED, "no such domain: %s", strrchr(alias, '@') + 1);
			return;
		}
		if (rc != LDAP_ALREADY_EXISTS) {
			fail_ldap(c, rc, "add", err);
			return;
		}
		if (dry_run && strmap_get(&virtmap, c->dn2, strlen(c->dn2)))
			break;	/* made by an earlier line of this dry run */
		/* an entry with that address: ours, from an earlier run? */
		search_then(c, c->dn2, anames, S_ALIAS_EXISTING);
		return;
	case S_ALIAS_EXISTING: {
		if (rc != LDAP_SUCCESS) {
			fail_ldap(c, rc, "read", err);
			return;
		}
		char *to = ent_first(c, "zimbraAliasTargetId");
		int ours = has_oc(c, "zimbraAlias") && to && c->tid &&
		    strcasecmp(to, c->tid) == 0;
		int alias_entry = has_oc(c, "zimbraAlias");
		free(to);
		if (!ours && !c->virt) {
			finish(c, RES_FAILED, "%s is already %s", alias, alias_entry ?
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
		attr_add(attrs_get(&m, "mail", '+'), alias, strlen(alias));
	if (!c->has_alias)
		attr_add(attrs_get(&m, "zimbraMailAlias", '+'), alias, strlen(alias));
	if (m.n == 0)
		finish(c, c->changed ? RES_OK : RES_EXISTS, NULL);
	else {
		c->state = S_TARGET_DONE;
		op_modify(c, c->dn, &m, -1);
	}
	attrs_free(&m);
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
		c->fresh = 1;
		resolve(c, list, "zimbraDistributionList", names);
		return;
	case S_TARGET: {
		if (!resolved(c, rc, "list", list))
			return;
		struct berval **cur = c->virt ? NULL :
		    ent_vals(c, "zimbraMailForwardingAddress");
		struct attr *a = attrs_get(&m, "zimbraMailForwardingAddress", '+');
		for (size_t i = 2; i < c->av.argc; i++) {
			struct berval bv = { c->av.len[i], c->av.argv[i] };
			if (!has_value(cur, &bv, 1) && !has_value(a->vals, &bv, 1)) {
				attr_add(a, bv.bv_val, bv.bv_len);
				added++;
			}
		}
		ldap_value_free_len(cur);
		if (!added) {
			attrs_free(&m);
			finish(c, RES_EXISTS, NULL);
			return;
		}
		sb_printf(&c->detail, "%zu of %zu members added", added, c->av.argc - 2);
		c->state = S_MODIFIED;
		op_modify(c, c->dn, &m, -1);
		attrs_free(&m);
		return;
	}
	case S_MODIFIED:
		modified(c, rc, err, RES_OK);
		return;
	}
}

static void
step(struct cmd *c, int rc, const char *err, const char *matched)
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

/* ---- reading the stream ---- */

static const struct verbinfo *
verb_of(const char *w)
{
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcasecmp(w, verbs[i].name) == 0 ||
		    strcasecmp(w, verbs[i].longname) == 0)
			return &verbs[i];
	return NULL;
}

/* Parse and check one command; returns NULL or why it is malformed. */
static const char *
parse_cmd(struct cmd *c, const char *text, size_t n, struct strbuf *why)
{
	struct prov_argv *av = &c->av;
	size_t a0;

	prov_parse(av, text, n);
	if (av->argc && strcmp(av->argv[0], "prov") == 0) {
		/* a leading `prov` is ignored, as carbonio prov does */
		memmove(av->argv, av->argv + 1, (av->argc - 1) * sizeof *av->argv);
		memmove(av->len, av->len + 1, (av->argc - 1) * sizeof *av->len);
		av->argc--;
	}
	if (av->argc == 0)
		return "empty command";
	if ((c->vi = verb_of(av->argv[0])) == NULL) {
		sb_printf(why, "unknown command: %s", av->argv[0]);
		return why->s;
	}
	a0 = 1 + (size_t)c->vi->args;
	if (av->argc < a0 || (c->vi->more && av->argc < a0)) {
		sb_printf(why, "%s needs %d operand%s", c->vi->name, c->vi->args,
		    c->vi->args > 1 ? "s" : "");
		return why->s;
	}
	for (size_t i = 1; i < a0 && i < av->argc; i++)
		if (strlen(av->argv[i]) != av->len[i] || av->len[i] == 0) {
			if (i == 2 && (c->vi->v == V_CA || c->vi->v == V_CCR))
				continue;	/* '' is no password */
			sb_printf(why, "operand %zu is empty or holds a NUL", i);
			return why->s;
		}
	switch (c->vi->v) {
	case V_CD: case V_MD:
		if (!domain_ok(av->argv[1])) {
			sb_printf(why, "not a domain name: %s", av->argv[1]);
			return why->s;
		}
		break;
	case V_CC: case V_MC: case V_SAC:
		break;
	default: {
		char *local;
		const char *dom;
		if (!split_addr(av->argv[1], &local, &dom)) {
			sb_printf(why, "not an address: %s", av->argv[1]);
			return why->s;
		}
		free(local);
		if ((c->vi->v == V_AAA || c->vi->v == V_ADLA)) {
			if (av->argc != 3 || !split_addr(av->argv[2], &local, &dom)) {
				sb_printf(why, "%s needs an account and one alias address",
				    c->vi->name);
				return why->s;
			}
			free(local);
		}
	}
	}
	if (c->vi->more)
		return NULL;
	if (c->vi->pairs == 0 && av->argc > a0) {
		sb_printf(why, "%s takes %d operands, not %zu", c->vi->name,
		    c->vi->args, av->argc - 1);
		return why->s;
	}
	if (c->vi->pairs == 2 && av->argc == a0) {
		sb_printf(why, "%s needs attribute value pairs", c->vi->name);
		return why->s;
	}
	if ((av->argc - a0) % 2) {
		sb_printf(why, "attribute %s has no value", av->argv[av->argc - 1]);
		return why->s;
	}
	for (size_t i = a0; i < av->argc; i += 2) {
		const char *name = av->argv[i];
		char op = '=';
		if (*name == '+' || *name == '-')
			op = *name++;
		if (!attr_name_ok(name)) {
			sb_printf(why, "not an attribute name: %s", av->argv[i]);
			return why->s;
		}
		if (op == '-' && c->vi->creates) {
			sb_printf(why, "%s removes a value from an entry not made yet",
			    av->argv[i]);
			return why->s;
		}
		attr_add(attrs_get(&c->la, name, op), av->argv[i + 1], av->len[i + 1]);
	}
	return NULL;
}

/* The keys of the objects a command touches (write) or needs (read). */
static void
cmd_keys(struct cmd *c)
{
	const char *a = c->av.argv[1];
	const char *at = strrchr(a, '@');

	switch (c->vi->v) {
	case V_CC: case V_MC:
		cmd_key(c, 'c', a, 1);
		break;
	case V_CD:
		/* a domain writes the dc= entries of its missing parents: it
		 * waits for a parent domain's own command, and that one for
		 * a subdomain before it, so that a parent is made as a domain
		 * or as a plain parent, never both at once */
		cmd_key(c, 'd', a, 1);
		for (const char *p = strchr(a, '.'); p; p = strchr(p + 1, '.'))
			cmd_key(c, 'd', p + 1, 0);
		break;
	case V_MD:
		cmd_key(c, 'd', a, 1);
		break;
	case V_CA: case V_CCR: case V_CDL:
		cmd_key(c, 'a', a, 1);
		cmd_key(c, 'd', at + 1, 0);
		break;
	case V_AAA: case V_ADLA:
		cmd_key(c, 'a', a, 1);
		cmd_key(c, 'a', c->av.argv[2], 1);
		cmd_key(c, 'd', strrchr(c->av.argv[2], '@') + 1, 0);
		break;
	case V_SAC:
		cmd_key(c, 'a', a, 1);
		cmd_key(c, 'c', c->av.argv[2], 0);
		break;
	default:
		cmd_key(c, 'a', a, 1);
		break;
	}
}

/* ---- the report, in input order ---- */

static void
reject_line(struct cmd *c)
{
	struct strbuf b = { 0 };

	if (!reject)
		return;
	for (size_t i = 0; i < c->av.argc; i++)
		prov_word(&b, c->av.argv[i], c->av.len[i]);
	sb_addc(&b, '\n');
	if (fwrite(b.s, 1, b.len, reject) != b.len)
		die("%s:", reject_tmp);
	sb_free(&b);
}

static void
report(struct cmd *c)
{
	char line[24];
	const char *st = status_real[c->result];

	if (dry_run)
		st = c->result == RES_OK ? (c->vi->creates ? "create" : "change") :
		    c->result == RES_UPDATED ? "change" : st;
	snprintf(line, sizeof line, "%lu", c->line);
	report_line(stdout, st, line, c->vi ? c->vi->name : c->av.argc ? c->av.argv[0] : "-",
	    c->av.argc > 1 ? c->av.argv[1] : "-", c->detail.s ? c->detail.s : "",
	    NULL);
	if (c->result == RES_FAILED) {
		any_failed = 1;
		reject_line(c);
	}
}

static void
emit_ready(void)
{
	while (ring_n && ring[ring_head].finished) {
		report(&ring[ring_head]);
		cmd_free(&ring[ring_head]);
		ring_head = (ring_head + 1) % ring_cap;
		ring_n--;
	}
}

static struct cmd *
by_msgid(int id)
{
	for (size_t i = 0; i < ring_n; i++) {
		struct cmd *c = &ring[(ring_head + i) % ring_cap];
		if (c->started && !c->finished && c->msgid == id)
			return c;
	}
	return NULL;
}

static void reconnect(void);

/* Take one answer from the directory and move its command on. */
static void
wait_one(void)
{
	LDAPMessage *res = NULL;
	char *err = NULL, *matched = NULL;
	int t, rc, prc;
	struct cmd *c;

	if (broken) {
		reconnect();
		return;
	}
	t = ldap_result(ld, LDAP_RES_ANY, LDAP_MSG_ALL, NULL, &res);
	if (t <= 0) {
		conn_lost(ldap_errno());
		reconnect();
		return;
	}
	c = by_msgid(ldap_msgid(res));
	if (!c) {
		ldap_msgfree(res);
		return;
	}
	prc = ldap_parse_result(ld, res, &rc, &matched, &err, NULL, NULL, 0);
	if (prc != LDAP_SUCCESS)
		rc = prc;
	c->msgid = -1;
	if (t == LDAP_RES_SEARCH_ENTRY || t == LDAP_RES_SEARCH_RESULT ||
	    t == LDAP_RES_SEARCH_REFERENCE) {
		keep_result(c, res);
		res = NULL;
		if (rc == LDAP_SIZELIMIT_EXCEEDED)
			rc = LDAP_SUCCESS;	/* two entries: resolved() says so */
	}
	step(c, rc, err, matched);
	ldap_memfree(err);
	ldap_memfree(matched);
	if (res)
		ldap_msgfree(res);
}

/* ---- setting up ---- */

static void
load_cos(void)
{
	LDAPMessage *res = NULL;
	char *attrs[] = { "cn", "zimbraId", NULL };
	int rc = ldap_search_ext_s(ld, COS_BASE, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=zimbraCOS)", attrs, 0, NULL, NULL, NULL, 0, &res);

	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT)
		die("reading the classes of service: %s", ldap_err2string(rc));
	for (LDAPMessage *e = ldap_first_entry(ld, res); e; e = ldap_next_entry(ld, e)) {
		struct berval **cn = ldap_get_values_len(ld, e, "cn");
		struct berval **id = ldap_get_values_len(ld, e, "zimbraId");
		if (cn && id && cn[0] && id[0]) {
			int isnew;
			char *k = xstrndup(cn[0]->bv_val, cn[0]->bv_len);
			lower(k);
			strmap_put(&cosmap, k, strlen(k), &isnew)->val =
			    strmap_strdup(&cosmap, id[0]->bv_val, id[0]->bv_len);
			free(k);
		}
		ldap_value_free_len(cn);
		ldap_value_free_len(id);
	}
	ldap_msgfree(res);
	res = NULL;
	rc = ldap_search_ext_s(ld, "cn=default," COS_BASE, LDAP_SCOPE_BASE,
	    "(objectClass=*)", NULL, 0, NULL, NULL, NULL, 0, &res);
	if (rc == LDAP_SUCCESS)
		default_cos = res;
	else if (res)
		ldap_msgfree(res);
}

/* The mailbox server new accounts live on, when -m does not say. */
static void
find_mail_host(void)
{
	LDAPMessage *res = NULL;
	char *attrs[] = { "cn", "zimbraServiceHostname", NULL };
	int rc = ldap_search_ext_s(ld, SERVER_BASE, LDAP_SCOPE_ONELEVEL,
	    "(&(objectClass=zimbraServer)(zimbraServiceEnabled=mailbox))", attrs,
	    0, NULL, NULL, NULL, 0, &res);

	if (rc == LDAP_SUCCESS) {
		mail_hosts = ldap_count_entries(ld, res);
		if (mail_hosts == 1) {
			LDAPMessage *e = ldap_first_entry(ld, res);
			struct berval **v = ldap_get_values_len(ld, e, "zimbraServiceHostname");
			if (!v || !v[0]) {
				ldap_value_free_len(v);
				v = ldap_get_values_len(ld, e, "cn");
			}
			if (v && v[0])
				mail_host = xstrndup(v[0]->bv_val, v[0]->bv_len);
			ldap_value_free_len(v);
		}
	}
	if (res)
		ldap_msgfree(res);
}

/* A dry run names unknown attributes itself: the server's schema. */
static void
load_schema(void)
{
	LDAPMessage *res = NULL;
	char *attrs[] = { "attributeTypes", NULL };
	int rc = ldap_search_ext_s(ld, "cn=Subschema", LDAP_SCOPE_BASE,
	    "(objectClass=subschema)", attrs, 0, NULL, NULL, NULL, 0, &res);
	LDAPMessage *e = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
	struct berval **v = e ? ldap_get_values_len(ld, e, "attributeTypes") : NULL;

	for (size_t i = 0; v && v[i]; i++) {
		/* ( OID NAME 'a' ... or NAME ( 'a' 'b' ) ... */
		char *s = xstrndup(v[i]->bv_val, v[i]->bv_len), *p = strstr(s, " NAME ");
		if (p) {
			char *end = strstr(p, " DESC ");
			char *q = p + 6;
			if (*q == '(')
				end = strchr(q, ')');
			else
				end = strchr(q + 1, '\'');
			while (q && (q = strchr(q, '\'')) && (!end || q < end)) {
				char *r = strchr(q + 1, '\'');
				if (!r)
					break;
				char *k = xstrndup(q + 1, (size_t)(r - q - 1));
				int isnew;
				lower(k);
				strmap_put(&schema, k, strlen(k), &isnew);
				free(k);
				q = r + 1;
			}
		}
		free(s);
	}
	ldap_value_free_len(v);
	if (res)
		ldap_msgfree(res);
}

static const char *conn_uri, *conn_binddn, *conn_pwfile, *conn_cafile;
static int conn_insecure;

/* Open, secure and bind the connection. Returns 0, or -1 with why in err. */
static int
dir_connect(char *err, size_t errlen)
{
	int v3 = LDAP_VERSION3, req, rc, zero = 0;
	const char *why, *uri = conn_uri;
	char *pw = NULL, *diag = NULL;
	struct berval cred = { 0, NULL };

	if ((rc = ldap_initialize(&ld, uri)) != LDAP_SUCCESS) {
		snprintf(err, errlen, "%s: %s", uri, ldap_err2string(rc));
		return -1;
	}
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	req = conn_insecure ? LDAP_OPT_X_TLS_NEVER : LDAP_OPT_X_TLS_DEMAND;
	if (ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &req) != LDAP_OPT_SUCCESS ||
	    (conn_cafile && ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, conn_cafile)
	    != LDAP_OPT_SUCCESS) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero) != LDAP_OPT_SUCCESS) {
		snprintf(err, errlen, "cannot set up TLS (is the CA file %s readable?)",
		    conn_cafile ? conn_cafile : "of ldap.conf");
		goto fail;
	}
	if (strncasecmp(uri, "ldap://", 7) == 0 &&
	    (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		snprintf(err, errlen, "%s: StartTLS: %s%s%s", uri, ldap_err2string(rc),
		    diag && *diag ? ": " : "", diag ? diag : "");
		goto fail;
	}
	if (conn_binddn) {
		if (!(pw = secret_read(conn_pwfile, PASSWORD_ENV, &why))) {
			snprintf(err, errlen, "%s", why);
			goto fail;
		}
		cred.bv_val = pw;
		cred.bv_len = strlen(pw);
	}
	rc = ldap_sasl_bind_s(ld, conn_binddn ? conn_binddn : "", LDAP_SASL_SIMPLE,
	    &cred, NULL, NULL, NULL);
	secret_free(pw);
	if (rc != LDAP_SUCCESS) {
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		snprintf(err, errlen, "%s: bind%s%s: %s%s%s", uri, conn_binddn ? " as " : "",
		    conn_binddn ? conn_binddn : "", ldap_err2string(rc),
		    diag && *diag ? ": " : "", diag ? diag : "");
		goto fail;
	}
	return 0;
fail:
	ldap_memfree(diag);
	ldap_unbind_ext_s(ld, NULL, NULL);
	ld = NULL;
	return -1;
}

/* A command in flight when the connection broke starts over: each of its
 * steps finds what an earlier attempt finished. */
static void
restart(struct cmd *c)
{
	keep_result(c, NULL);
	free(c->dn);
	free(c->dn2);
	free(c->tid);
	c->dn = c->dn2 = c->tid = NULL;
	sb_reset(&c->detail);
	c->state = 0;
	c->msgid = -1;
	c->fresh = c->changed = c->has_mail = c->has_alias = 0;
	step(c, LDAP_SUCCESS, NULL, NULL);
}

/* The connection broke: open it again, after 1, 2, 4, 8, 16 s, and start
 * the commands in flight over. */
static void
reconnect(void)
{
	static int times;
	char err[512];

	if (ld)
		ldap_unbind_ext_s(ld, NULL, NULL);
	ld = NULL;
	for (int attempt = 0;; attempt++) {
		if (++times > 20)
			die("the directory connection broke again and again (run again "
			    "with the same input to finish)");
		if (dir_connect(err, sizeof err) == 0)
			break;
		if (attempt >= 5)
			die("the directory connection broke and cannot be opened again: %s "
			    "(run again with the same input to finish)", err);
		sleep(1u << attempt);
	}
	broken = 0;
	warnmsg("the directory connection broke; opened again, the commands in "
	    "flight start over");
	for (size_t i = 0; i < ring_n; i++) {
		struct cmd *c = &ring[(ring_head + i) % ring_cap];
		if (c->started && !c->finished)
			restart(c);
	}
}

/* A run that stops early leaves no half-written reject file behind. */
static void
reject_cleanup(void)
{
	if (reject_tmp && reject)
		unlink(reject_tmp);
}

static void
reject_open(const char *path)
{
	struct strbuf b = { 0 };
	int fd;

	sb_printf(&b, "%s.XXXXXX", path);
	reject_tmp = b.s;
	if ((fd = mkstemp(reject_tmp)) < 0)
		die("%s:", reject_tmp);
	/* failed lines may hold passwords: owner only, like the input */
	fchmod(fd, 0600);
	if ((reject = fdopen(fd, "w")) == NULL)
		die("%s:", reject_tmp);
	reject_path = path;
	atexit(reject_cleanup);
}

static void
reject_close(void)
{
	if (!reject)
		return;
	if (fflush(reject) || fsync(fileno(reject)) || fclose(reject))
		die("%s:", reject_tmp);
	reject = NULL;
	if (rename(reject_tmp, reject_path))
		die("%s:", reject_path);
	free(reject_tmp);
	reject_tmp = NULL;
}

/* ---- the main loop ---- */

static void
run(const char *path)
{
	struct lineio lr;
	struct strbuf text = { 0 }, why = { 0 };
	unsigned long first;

	if (lineio_open(&lr, path) < 0)
		die("%s:", path ? path : "<stdin>");
	while (prov_read(&lr, &text, &first)) {
		struct cmd *c;
		const char *bad;

		while (ring_n == ring_cap) {
			if (ring[ring_head].finished)
				emit_ready();
			else
				wait_one();
		}
		c = &ring[(ring_head + ring_n++) % ring_cap];
		memset(c, 0, sizeof *c);
		c->line = first;
		c->msgid = -1;
		sb_reset(&why);
		if ((bad = parse_cmd(c, text.s ? text.s : "", text.len, &why)) != NULL) {
			finish(c, RES_FAILED, "%s", bad);
			warn_at(lr.name, first, "%s", bad);
			emit_ready();
			continue;
		}
		cmd_keys(c);
		while (!keys_free(c) || inflight >= (size_t)jobs)
			wait_one();
		keys_take(c, 1);
		c->started = 1;
		inflight++;
		step(c, LDAP_SUCCESS, NULL, NULL);
		emit_ready();
	}
	lineio_close(&lr);
	sb_free(&text);
	sb_free(&why);
}

int
main(int argc, char **argv)
{
	const char *uri = NULL, *binddn = NULL, *pwfile = NULL, *cafile = NULL;
	const char *rejectp = NULL;
	int ch, insecure = 0;
	static const struct option longopts[] = {
		{ "insecure", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};

	diag_init(argv[0]);
	out_init();
	while ((ch = getopt_long(argc, argv, "C:D:H:j:m:nS:uy:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C': cafile = optarg; break;
		case 'D': binddn = optarg; break;
		case 'H': uri = optarg; break;
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1 || jobs > 256)
				die("-j: from 1 to 256 operations in flight");
			break;
		case 'K': insecure = 1; break;
		case 'm': mail_host = optarg; break;
		case 'n': dry_run = 1; break;
		case 'S': rejectp = optarg; break;
		case 'u': update = 1; break;
		case 'y': pwfile = optarg; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (getenv("PROV_APPLY_CRASH_AFTER"))
		crash_after = atol(getenv("PROV_APPLY_CRASH_AFTER"));
	if (!uri)
		usage();
	if (!dry_run && rejectp)
		reject_open(rejectp);
	if (insecure)
		warnmsg("--insecure: the directory's certificate is NOT verified");
	conn_uri = uri;
	conn_binddn = binddn;
	conn_pwfile = pwfile;
	conn_cafile = cafile;
	conn_insecure = insecure;
	{
		char err[512];
		if (dir_connect(err, sizeof err) < 0)
			die("%s", err);
	}
	load_cos();
	if (!mail_host)
		find_mail_host();
	if (dry_run)
		load_schema();
	ring_cap = dry_run ? 1 : (size_t)jobs * 4;
	ring = xcalloc(ring_cap, sizeof *ring);
	if (argc == 0)
		run(NULL);
	for (int i = 0; i < argc; i++)
		run(argv[i]);
	while (inflight)
		wait_one();
	emit_ready();
	reject_close();
	out_close_stdout();
	ldap_unbind_ext_s(ld, NULL, NULL);
	if (default_cos)
		ldap_msgfree(default_cos);
	free(ring);
	strmap_free(&cosmap);
	strmap_free(&keymap);
	strmap_free(&virtmap);
	strmap_free(&schema);
	return any_failed ? 1 : 0;
}
