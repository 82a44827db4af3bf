/* ldif2prov's names: what a mail address is (and its normal form), the
 * -d selection and -r renames, and the DN forms used as index keys. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "../../common/addr.h"
#include "../../common/diag.h"
#include "../../common/strbuf.h"
#include "ldif2prov.h"

/* Lower-case copy of s when it is one mail address (common/addr.h says
 * which), else NULL. Leading and trailing blanks are forgiven. */
char *
addr_norm(const char *s)
{
	const unsigned char *b, *e;
	char *r;
	size_t i, n;

	for (b = (const unsigned char *)s; *b == ' ' || *b == '\t'; b++)
		;
	for (e = b + strlen((const char *)b); e > b && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	n = (size_t)(e - b);
	if (!addr_check((const char *)b, n))
		return NULL;
	r = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		r[i] = (char)(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + ('a' - 'A') : b[i]);
	r[n] = '\0';
	return r;
}

const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : addr;
}

int
domain_selected(const char *addr)
{
	size_t i;

	if (!opt.ndomains)
		return 1;
	for (i = 0; i < opt.ndomains; i++)
		if (strcasecmp(domain_of(addr), opt.domains[i]) == 0)
			return 1;
	return 0;
}

/* The address after the -r renames: "local@old" and "@old" (Zimbra's
 * catch-all form) become "local@new" and "@new", built in b; addr itself
 * when no rename applies (most addresses: no copy). */
const char *
renamed(const char *addr, struct strbuf *b)
{
	const char *at;
	size_t i;

	if (!opt.nrenames || !(at = strrchr(addr, '@')))
		return addr;
	for (i = 0; i < opt.nrenames; i++)
		if (strcasecmp(at + 1, opt.ren_from[i]) == 0) {
			sb_reset(b);
			sb_add(b, addr, (size_t)(at + 1 - addr));
			sb_adds(b, opt.ren_to[i]);
			return b->s;
		}
	return addr;
}

const char *
renamed_domain(const char *domain)
{
	size_t i;

	for (i = 0; i < opt.nrenames; i++)
		if (strcasecmp(domain, opt.ren_from[i]) == 0)
			return opt.ren_to[i];
	return domain;
}

/* The normalised, lower-cased form of a DN used as an index key, or NULL. */
char *
dn_key(const char *dn)
{
	char *out = NULL, *r, *p;

	if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAP, &out, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	r = xstrdup(out ? out : "");
	ldap_memfree(out);
	for (p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* The DN of the entry above dn (its parent), as an index key. */
char *
parent_key(const char *dn)
{
	char *k = dn_key(dn), *p, *r;

	if (!k)
		return NULL;
	/* normalised DNs escape separators, so the first bare comma ends the RDN */
	for (p = k; *p && *p != ','; p++)
		if (*p == '\\' && p[1])
			p++;
	r = xstrdup(*p ? p + 1 : "");
	free(k);
	return r;
}

/* "uid=x,ou=people,dc=example,dc=com" -> "example.com": the dc= parts of
 * a DN, lower-cased, read straight from the DN (RDNs split on unescaped
 * commas, blanks around them forgiven). NULL when there are none. */
char *
dn_domain(const char *dn)
{
	struct strbuf b = { 0 };
	const char *p = dn;
	char *q;

	while (*p) {
		const char *start, *end;

		while (*p == ' ')
			p++;
		start = p;
		while (*p && *p != ',' && *p != '+') {
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		end = p;
		while (end > start && end[-1] == ' ')
			end--;
		if (end - start > 3 && strncasecmp(start, "dc", 2) == 0) {
			const char *v = start + 2;

			while (*v == ' ')
				v++;
			if (*v == '=') {
				for (v++; *v == ' '; v++)
					;
				if (b.len)
					sb_addc(&b, '.');
				sb_add(&b, v, (size_t)(end - v));
			}
		}
		if (*p)
			p++;
	}
	if (!b.len) {
		sb_free(&b);
		return NULL;
	}
	for (q = b.s; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return b.s;
}
