/* proventry: the entries as `carbonio prov -l` makes them: object classes,
 * a fresh zimbraId, the attributes Carbonio sets on creation, then the
 * line's; clear-text passwords hashed as {SSHA512}. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <gnutls/crypto.h>

#include "diag.h"
#include "provdir-int.h"

void
pd_new_uuid(char out[37])
{
	unsigned char r[16];

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		pd_fatal("getrandom:");
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

void
pd_gentime(char out[16])
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
		pd_fatal("getrandom:");
	in = xmalloc(n + 8);
	memcpy(in, pw, n);
	memcpy(in + n, buf + 64, 8);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA512, in, n + 8, buf) < 0)
		pd_fatal("SHA-512 is not available");
	explicit_bzero(in, n + 8);
	free(in);
	sb_adds(&b, "{SSHA512}");
	base64(&b, buf, sizeof buf);
	return b.s;
}

/* The line's pairs onto an entry: they replace what the defaults set. */
void
pd_apply_line(struct attrs *e, struct attrs *la)
{
	for (size_t i = 0; i < la->n; i++) {
		struct attr *l = &la->a[i];
		struct attr *a = pd_attrs_get(e, l->name, '=');
		if (l->op == '=')
			pd_attr_clear(a);
		for (size_t j = 0; j < l->n; j++)
			if (l->vals[j]->bv_len)
				pd_attr_add(a, l->vals[j]->bv_val, l->vals[j]->bv_len);
	}
}

/* A clear-text userPassword becomes {SSHA512}; a {SCHEME} value is kept. */
static void
hash_passwords(struct attrs *e, const char *pw)
{
	struct attr *a = pd_attrs_find(e, "userPassword", '=');

	if (!a && pw && *pw) {
		char *h = ssha512(pw, strlen(pw));
		pd_attrs_set(e, "userPassword", h);
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

void
pd_common_new(struct attrs *e)
{
	char id[37], ts[16];

	pd_new_uuid(id);
	pd_gentime(ts);
	pd_attrs_set(e, "zimbraId", id);
	pd_attrs_set(e, "zimbraCreateTimestamp", ts);
}

void
pd_add_oc(struct attrs *e, const char *oc)
{
	struct attr *a = pd_attrs_get(e, "objectClass", '=');

	pd_attr_add(a, oc, strlen(oc));
}

void
pd_entry_cos(struct cmd *c, struct attrs *e)
{
	const char *name = c->av.argv[1];

	/* A new COS starts from the Destination's default COS, as Carbonio
	 * starts it from the built-in defaults. */
	if (pd.default_cos) {
		LDAPMessage *de = ldap_first_entry(pd.ld, pd.default_cos);
		BerElement *ber;
		for (char *n = ldap_first_attribute(pd.ld, de, &ber); n;
		    n = ldap_next_attribute(pd.ld, de, ber)) {
			if (strcasecmp(n, "cn") && strcasecmp(n, "objectClass") &&
			    strcasecmp(n, "zimbraId") && strcasecmp(n, "description") &&
			    strcasecmp(n, "zimbraCreateTimestamp")) {
				struct berval **v = ldap_get_values_len(pd.ld, de, n);
				struct attr *a = pd_attrs_get(e, n, '=');
				for (size_t i = 0; v && v[i]; i++)
					pd_attr_add(a, v[i]->bv_val, v[i]->bv_len);
				ldap_value_free_len(v);
			}
			ldap_memfree(n);
		}
		ber_free(ber, 0);
	}
	pd_add_oc(e, "zimbraCOS");
	pd_attrs_set(e, "cn", name);
	pd_common_new(e);
	pd_apply_line(e, &c->la);
}

void
pd_entry_domain(struct cmd *c, struct attrs *e, int aux_only)
{
	const char *d = c->av.argv[1];
	char *label = xstrndup(d, strcspn(d, "."));

	if (!aux_only) {
		pd_add_oc(e, "dcObject");
		pd_add_oc(e, "organization");
		pd_attrs_set(e, "dc", label);
		pd_attrs_set(e, "o", d);
	}
	pd_add_oc(e, "zimbraDomain");
	pd_common_new(e);
	pd_attrs_set(e, "zimbraDomainName", d);
	pd_attrs_set(e, "zimbraDomainType", "local");
	pd_attrs_set(e, "zimbraDomainStatus", "active");
	pd_attrs_set(e, "zimbraMailStatus", "enabled");
	pd_apply_line(e, &c->la);
	free(label);
}

static const char *
line_value(struct cmd *c, const char *name)
{
	struct attr *a = pd_attrs_find(&c->la, name, '=');

	return a && a->n && a->vals[0]->bv_len ? a->vals[0]->bv_val : NULL;
}

/* Returns NULL, or why the entry cannot be made. */
const char *
pd_entry_account(struct cmd *c, struct attrs *e)
{
	const char *addr = c->av.argv[1], *domain, *host, *v;
	char *local = NULL;
	struct strbuf t = { 0 };

	host = line_value(c, "zimbraMailHost");
	if (!host)
		host = pd.mail_host;
	if (!host && VERIFY)
		host = "";	/* only the line's attributes are compared */
	if (!host)
		return pd.mail_hosts ? "the Destination has several mailbox servers: "
		    "name one with -m" : "no mailbox server known: name one with -m";
	pd_split_addr(addr, &local, &domain);
	pd_add_oc(e, "inetOrgPerson");
	pd_add_oc(e, "zimbraAccount");
	pd_add_oc(e, "amavisAccount");
	if (c->vi->v == V_CCR)
		pd_add_oc(e, "zimbraCalendarResource");
	pd_attrs_set(e, "uid", local);
	pd_common_new(e);
	pd_attrs_set(e, "zimbraAccountStatus", "active");
	pd_attrs_set(e, "mail", addr);
	pd_attrs_set(e, "zimbraMailDeliveryAddress", addr);
	pd_attrs_set(e, "zimbraMailStatus", "enabled");
	v = line_value(c, "displayName");
	pd_attrs_set(e, "cn", v ? v : local);
	pd_attrs_set(e, "sn", local);
	pd_attrs_set(e, "zimbraMailHost", host);
	sb_printf(&t, "lmtp:%s:7025", host);
	pd_attrs_set(e, "zimbraMailTransport", t.s);
	sb_free(&t);
	if (c->vi->v == V_CCR) {
		pd_attrs_set(e, "zimbraAccountCalendarUserType", "RESOURCE");
		v = line_value(c, "cn");
		pd_attrs_set(e, "displayName", v ? v : local);
	}
	pd_apply_line(e, &c->la);
	hash_passwords(e, c->av.argv[2]);
	free(local);
	return NULL;
}

void
pd_entry_list(struct cmd *c, struct attrs *e)
{
	const char *addr = c->av.argv[1], *domain;
	char *local = NULL;

	pd_split_addr(addr, &local, &domain);
	pd_add_oc(e, "zimbraDistributionList");
	pd_add_oc(e, "zimbraMailRecipient");
	pd_attrs_set(e, "uid", local);
	pd_common_new(e);
	pd_attrs_set(e, "mail", addr);
	pd_attrs_set(e, "zimbraMailAlias", addr);
	pd_attrs_set(e, "zimbraMailStatus", "enabled");
	pd_apply_line(e, &c->la);
	free(local);
}
