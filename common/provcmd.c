/* provcmd: the provisioning stream's commands read and checked (verbs,
 * operands, attr value pairs), the objects each touches (its keys), and the
 * names and DNs they map to. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "diag.h"
#include "provdir-int.h"

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

void
pd_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

char *
pd_lowdup(const char *s)
{
	char *d = xstrdup(s);

	pd_lower(d);
	return d;
}

/* RFC 4514 escaping of an attribute value inside a DN. */
void
pd_dn_value(struct strbuf *b, const char *v)
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
char *
pd_domain_dn(const char *domain)
{
	struct strbuf b = { 0 };
	const char *p = domain, *dot;

	for (;;) {
		dot = strchr(p, '.');
		char *label = xstrndup(p, dot ? (size_t)(dot - p) : strlen(p));
		sb_adds(&b, b.len ? ",dc=" : "dc=");
		pd_dn_value(&b, label);
		free(label);
		if (!dot)
			break;
		p = dot + 1;
	}
	return b.s;
}

/* Split an address; returns 0 when it is not local@domain. */
int
pd_split_addr(const char *addr, char **local, const char **domain)
{
	const char *at = addr_check(addr, strlen(addr));

	if (!at)
		return 0;
	*local = xstrndup(addr, (size_t)(at - addr));
	*domain = at + 1;
	return 1;
}

/* uid=LOCAL,ou=people,dc=... */
char *
pd_addr_dn(const char *addr)
{
	char *local, *ddn;
	const char *domain;
	struct strbuf b = { 0 };

	if (!pd_split_addr(addr, &local, &domain))
		return NULL;
	ddn = pd_domain_dn(domain);
	sb_adds(&b, "uid=");
	pd_dn_value(&b, local);
	sb_printf(&b, ",ou=people,%s", ddn);
	free(local);
	free(ddn);
	return b.s;
}

struct attr *
pd_attrs_find(struct attrs *as, const char *name, char op)
{
	for (size_t i = 0; i < as->n; i++)
		if (as->a[i].op == op && strcasecmp(as->a[i].name, name) == 0)
			return &as->a[i];
	return NULL;
}

struct attr *
pd_attrs_get(struct attrs *as, const char *name, char op)
{
	struct attr *a = pd_attrs_find(as, name, op);

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

void
pd_attr_add(struct attr *a, const char *v, size_t n)
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

void
pd_attr_clear(struct attr *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->vals[i]->bv_val);
		free(a->vals[i]);
	}
	a->n = 0;
	a->vals[0] = NULL;
}

/* Set name to exactly one value (replacing what the entry had). */
void
pd_attrs_set(struct attrs *as, const char *name, const char *v)
{
	struct attr *a = pd_attrs_get(as, name, '=');

	pd_attr_clear(a);
	pd_attr_add(a, v, strlen(v));
}

void
pd_attrs_free(struct attrs *as)
{
	for (size_t i = 0; i < as->n; i++) {
		pd_attr_clear(&as->a[i]);
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

int
pd_has_value(struct berval **vals, const struct berval *v, int nocase)
{
	for (; vals && *vals; vals++)
		if ((*vals)->bv_len == v->bv_len &&
		    (nocase ? strncasecmp((*vals)->bv_val, v->bv_val, v->bv_len) :
		    memcmp((*vals)->bv_val, v->bv_val, v->bv_len)) == 0)
			return 1;
	return 0;
}

static void
cmd_key(struct cmd *c, char kind, const char *name, int write)
{
	struct strbuf b = { 0 };

	sb_addc(&b, kind);
	sb_addc(&b, ':');
	sb_adds(&b, name);
	pd_lower(b.s);
	c->key = xrealloc(c->key, (size_t)(c->nkeys + 1) * sizeof *c->key);
	c->key[c->nkeys].name = b.s;
	c->key[c->nkeys++].write = write;
}

static const struct verbinfo *
verb_of(const char *w)
{
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcasecmp(w, verbs[i].name) == 0 ||
		    strcasecmp(w, verbs[i].longname) == 0)
			return &verbs[i];
	return NULL;
}

int
provdir_verb_creates(const char *verb)
{
	const struct verbinfo *vi = verb_of(verb);

	return vi && vi->creates;
}

/* Parse and check one command; returns NULL or why it is malformed. */
const char *
pd_parse_cmd(struct cmd *c, const char *text, size_t n, struct strbuf *why)
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
		if (!addr_domain_ok(av->argv[1], strlen(av->argv[1]))) {
			sb_printf(why, "not a domain name: %s", av->argv[1]);
			return why->s;
		}
		break;
	case V_CC: case V_MC: case V_SAC:
		break;
	default: {
		char *local;
		const char *dom;
		if (!pd_split_addr(av->argv[1], &local, &dom)) {
			sb_printf(why, "not an address: %s", av->argv[1]);
			return why->s;
		}
		free(local);
		if ((c->vi->v == V_AAA || c->vi->v == V_ADLA)) {
			if (av->argc != 3 || !pd_split_addr(av->argv[2], &local, &dom)) {
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
		pd_attr_add(pd_attrs_get(&c->la, name, op), av->argv[i + 1], av->len[i + 1]);
	}
	return NULL;
}

/* The keys of the objects a command touches (write) or needs (read). */
void
pd_cmd_keys(struct cmd *c)
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
