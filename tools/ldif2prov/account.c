/* ldif2prov's accounts, resources and lists, from Zimbra, Active Directory
 * or OpenLDAP: the primary address by dialect, the attributes carried,
 * passwords, status, aliases and list members. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/diag.h"
#include "../../common/provline.h"
#include "../../common/strbuf.h"
#include "../../common/utf8.h"
#include "ldif2prov.h"

/* ---- passwords ---------------------------------------------------------- */

/* Hash schemes Carbonio accepts: {SSHA} and {SSHA512} it checks itself, the
 * others its slapd checks (pw-sha2 and crypt). */
static const char *const schemes[] = {
	"SSHA", "SSHA512", "SHA", "SHA512", "SSHA256", "SHA256", "SSHA384", "SHA384",
	"SMD5", "MD5", "CRYPT", NULL
};

/* Append the account's password words: "'' userPassword HASH", or "''" and
 * must-change when there is none to carry. */
void
add_password(struct strbuf *line, struct strbuf *extra, const struct rec *r, const char *addr)
{
	const struct av *pw = first(r, "userPassword");
	size_t i;

	prov_word(line, "", 0);
	if (pw && !opt.drop_passwords) {
		const char *v = pw->val, *close = strchr(v, '}');

		if (v[0] == '{' && close) {
			for (i = 0; schemes[i]; i++)
				if (strlen(schemes[i]) == (size_t)(close - v - 1) &&
				    strncasecmp(v + 1, schemes[i], (size_t)(close - v - 1)) == 0 &&
				    utf8_valid(v, pw->len, UTF8_NO_NUL)) {
					prov_words(extra, "userPassword");
					prov_words(extra, v);
					return;
				}
			{
				struct pos p = { r->pos.file, pw->line };

				err_at(p, "%s: password hash scheme %.*s is not one Carbonio accepts; "
				    "account created without password, must change it", addr,
				    (int)(close - v + 1), v);
			}
		} else {
			struct pos p = { r->pos.file, pw->line };

			err_at(p, "%s: password is not a {SCHEME} hash; not carried in clear; "
			    "account created without password, must change it", addr);
		}
	}
	prov_words(extra, "zimbraPasswordMustChange");
	prov_words(extra, "TRUE");
}

/* Is the entry a system account that a migration must not copy
 * (facts/carbonio.md)? Told by its attributes, never by a name pattern
 * alone: graham.x@ and sysadmin@ are people. */
const char *
system_account(const struct rec *r, const char *addr)
{
	const char *t;

	if (is_true(r, "zimbraIsSystemResource") || is_true(r, "zimbraIsSystemAccount"))
		return "system account (zimbraIsSystemResource)";
	if (is_true(r, "zimbraIsExternalVirtualAccount"))
		return "external virtual account";
	if (is_true(r, "zimbraIsAdminAccount") && addr) {
		size_t n = strcspn(addr, "@");

		if ((n == 5 && strncmp(addr, "admin", 5) == 0) ||
		    (n == 7 && strncmp(addr, "zextras", 7) == 0))
			return "the Source's own administrator";
	}
	if (is_true(r, "isCriticalSystemObject"))
		return "Active Directory system object";
	if ((t = firstval(r, "msExchRecipientTypeDetails")) != NULL) {
		unsigned long long d = strtoull(t, NULL, 10);

		/* arbitration, discovery, monitoring and system mailboxes */
		if (d == 8192 || d == 16384 || d == 536870912ULL || d == 549755813888ULL ||
		    d == 8388608ULL)
			return "Exchange system mailbox";
	}
	return NULL;
}

/* The entry's primary address, by kind of Source. A malloc'd string or NULL. */
char *
primary_address(const struct rec *r, int zimbra)
{
	size_t i;
	char *a;

	if (zimbra) {
		const char *v = firstval(r, "zimbraMailDeliveryAddress");

		if (v)
			return addr_norm(v);
		/* a list, or an account without delivery address: the mail value
		 * that is not one of its aliases */
		for (i = 0; i < r->nav; i++)
			if (attr_is(&r->av[i], "mail") &&
			    !has_value(r, "zimbraMailAlias", r->av[i].val) &&
			    (a = addr_norm(r->av[i].val)) != NULL)
				return a;
		if ((v = firstval(r, "mail")) != NULL)
			return addr_norm(v);
		if ((v = firstval(r, "uid")) != NULL) {
			char *d = dn_domain(r->dn);
			struct strbuf b = { 0 };

			if (!d)
				return NULL;
			sb_printf(&b, "%s@%s", v, d);
			free(d);
			a = addr_norm(b.s);
			sb_free(&b);
			return a;
		}
		return NULL;
	}
	/* Active Directory: the primary SMTP proxy address rules mail routing */
	for (i = 0; i < r->nav; i++)
		if (attr_is(&r->av[i], "proxyAddresses") &&
		    strncmp(r->av[i].val, "SMTP:", 5) == 0 && (a = addr_norm(r->av[i].val + 5)))
			return a;
	if (firstval(r, "mail"))
		return addr_norm(firstval(r, "mail"));
	if (has_class(r, C_USER) && firstval(r, "userPrincipalName"))
		return addr_norm(firstval(r, "userPrincipalName"));
	return NULL;
}

/* May a's value, the entry's primary address, stand among its addresses
 * without a word? Yes for the first mail value and the SMTP: proxy address
 * (they are the primary), AD's mail beside it, mailLocalAddress (whose
 * values are all the addresses an entry takes, its own among them) and
 * zimbraMailAlias (Zimbra writes a list's address there, and Carbonio's own
 * sample exports an account's); else it is an alias equal to the entry's
 * own address, which is reported. */
static int
own_ok(const struct av *a, int zimbra, unsigned *seen)
{
	unsigned bit;

	if (zimbra)
		return 1;
	if (attr_is(a, "mailLocalAddress"))
		return 1;
	bit = attr_is(a, "mail") ? 1 : attr_is(a, "proxyAddresses") ? 2 : 0;
	if (!bit || (*seen & bit))
		return 0;
	*seen |= bit;
	return 1;
}

/* Every other address the entry receives mail at: its aliases. */
static void
collect_aliases(const struct rec *r, int zimbra, const char *primary, const struct ival *v)
{
	const struct aname *zalias = an_lit("zimbraMailAlias");	/* out of the loop */
	size_t i;
	unsigned seen = 0;

	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];
		struct av tmp;
		char *n;

		if (zimbra) {
			if (a->an != zalias)
				continue;
		} else if (attr_is(a, "proxyAddresses")) {
			if (strncasecmp(a->val, "smtp:", 5) != 0)
				continue;	/* X500:, SIP:, X400: are not mail */
			tmp = *a;
			tmp.val += 5;
			tmp.len -= 5;
			a = &tmp;
		} else if (!attr_is(a, "mail") && !attr_is(a, "mailAlternateAddress") &&
		    !attr_is(a, "mailLocalAddress"))
			continue;
		n = addr_norm(a->val);
		if (!n || strcmp(n, primary) != 0)
			add_alias(r, a, n, v->self, "");
		else if (!own_ok(a, zimbra, &seen)) {
			struct pos p = { r->pos.file, a->line };

			err_at(p, "alias %s of %s is the entry's own address; not carried", n, primary);
		}
		free(n);
	}
}

/* -a: the account's line in the account list, "LOGIN" or "LOGIN\tDEST". */
static void
account_login(const struct rec *r, const char *addr, const char *dst, struct strbuf *line)
{
	const char *login = opt.login_attr ? firstval(r, opt.login_attr) : addr;

	if (!login) {
		err_at(r->pos, "%s: no %s attribute for the Source login; not listed", addr,
		    opt.login_attr);
		return;
	}
	sb_adds(line, login);
	if (strcmp(login, dst) != 0) {
		sb_addc(line, '\t');
		sb_adds(line, dst);
	}
	spool_line(SP_LOGIN, line);
}

/* The attributes an account or resource carries, and those it is given. */
static void
account_attrs(struct strbuf *line, const struct rec *r, int zimbra, int resource,
    const char *addr)
{
	size_t i;

	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];
		unsigned f = a->an->flags;

		if (!a->len || a->tagged)
			continue;
		if (a->an->person_to) {
			add_attr(line, a->an->person_to, a, r->pos);
			continue;
		}
		/* AD and OpenLDAP "o" is the company when none is given */
		if (!zimbra && attr_is(a, "o") && !first(r, "company")) {
			add_attr(line, "company", a, r->pos);
			continue;
		}
		if (!zimbra || (f & F_INTERNAL))
			continue;
		if ((f & (F_ZACCOUNT | F_PREF | F_FEATURE)) || (resource && (f & F_CALRES)))
			add_attr(line, a->type, a, r->pos);
	}
	if (resource && !first(r, "zimbraCalResType")) {
		const char *d = firstval(r, "msExchRecipientTypeDetails");

		prov_words(line, "zimbraCalResType");
		prov_words(line, d && strcmp(d, "32") == 0 ? "Equipment" : "Location");
	}
	if (resource && !first(r, "displayName")) {
		prov_words(line, "displayName");
		prov_words(line, firstval(r, "cn") ? firstval(r, "cn") : addr);
	}
	if (zimbra && opt.with_system) {
		if (is_true(r, "zimbraIsSystemResource"))
			prov_words(line, "zimbraIsSystemResource"), prov_words(line, "TRUE");
		if (is_true(r, "zimbraIsSystemAccount"))
			prov_words(line, "zimbraIsSystemAccount"), prov_words(line, "TRUE");
	}
	if (!zimbra && is_true(r, "msExchHideFromAddressLists"))
		prov_words(line, "zimbraHideInGal"), prov_words(line, "TRUE");
}

/* The account's zimbraAccountStatus, when it is to be set: Zimbra's own;
 * AD's disabled flag; OpenLDAP's ppolicy lock. A disabled AD user (often a
 * shared mailbox) keeps receiving mail: locked, not closed. maintenance
 * and lockout are passing states. */
static const char *
account_status(const struct rec *r, int zimbra)
{
	const char *status = NULL;

	if (zimbra && (status = firstval(r, "zimbraAccountStatus")) != NULL) {
		if (!strcasecmp(status, "active") || !strcasecmp(status, "maintenance") ||
		    !strcasecmp(status, "lockout"))
			status = NULL;
	} else if (firstval(r, "userAccountControl")) {
		if (strtoul(firstval(r, "userAccountControl"), NULL, 10) & 2)
			status = "locked";
	} else if (first(r, "pwdAccountLockedTime"))
		status = "locked";
	return status;
}

/* A Zimbra account's references, resolved at the end: its COS, and its
 * pointers to its signatures (once they exist). */
static void
account_refs(const struct rec *r, const char *addr, const char *dst)
{
	const char *cos = firstval(r, "zimbraCOSId");
	size_t i;

	spool_put(SP_COSREF, 'S', r->pos, 3, dst, cos ? cos : "", domain_of(addr));
	if (firstval(r, "zimbraPrefDefaultSignatureId") ||
	    firstval(r, "zimbraPrefForwardReplySignatureId")) {
		struct strbuf ma = { 0 };

		prov_words(&ma, "ma");
		prov_words(&ma, dst);
		for (i = 0; i < r->nav; i++)
			if (attr_is(&r->av[i], "zimbraPrefDefaultSignatureId") ||
			    attr_is(&r->av[i], "zimbraPrefForwardReplySignatureId"))
				add_attr(&ma, r->av[i].type, &r->av[i], r->pos);
		spool_put(SP_CHILD, 'L', r->pos, 1, ma.s);
		sb_free(&ma);
	}
}

/* Accounts and calendar resources: `ca`/`ccr`, then their COS. */
void
do_account(const struct rec *r, int zimbra, int resource)
{
	static struct strbuf line, extra;	/* reused: one record at a time */
	static struct strbuf ren;
	char *addr = primary_address(r, zimbra), *k;
	const char *dst;
	const char *why, *zid = firstval(r, "zimbraId"), *status;
	struct ival *me;

	sb_reset(&line);
	sb_reset(&extra);
	if (!addr) {
		err_at(r->pos, "%s: no usable mail address; entry skipped", r->dn);
		return;
	}
	if ((why = system_account(r, addr)) != NULL && !opt.with_system) {
		skip_entry(r, addr, why);
		free(addr);
		return;
	}
	if (!domain_selected(addr)) {
		skip_entry(r, addr, "domain not selected (-d)");
		free(addr);
		return;
	}
	/* a Zimbra account is found by address and zimbraId; only other
	 * Sources' groups name members by DN */
	k = zimbra ? NULL : dn_key(r->dn);
	if (!(me = claim(addr, resource ? K_RESOURCE : K_ACCOUNT, r->pos, k, zid))) {
		free(k);
		free(addr);
		return;
	}
	free(k);
	if (!zimbra && firstval(r, "uid"))
		idx_link("u:", firstval(r, "uid"), NULL, me);
	dst = renamed(addr, &ren);
	want_domain(domain_of(dst));

	if (opt.account_list) {
		account_login(r, addr, dst, &line);
		free(addr);
		return;
	}
	prov_words(&line, resource ? "ccr" : "ca");
	prov_words(&line, dst);
	add_password(&line, &extra, r, addr);
	account_attrs(&line, r, zimbra, resource, addr);
	if ((status = account_status(r, zimbra)) != NULL)
		prov_words(&line, "zimbraAccountStatus"), prov_words(&line, status);
	if (extra.len) {
		sb_addc(&line, ' ');
		sb_add(&line, extra.s, extra.len);
	}
	spool_line(SP_ACCOUNT, &line);
	if (zimbra)
		account_refs(r, addr, dst);
	collect_aliases(r, zimbra, addr, me);
	free(addr);
}

/* Lists: Zimbra distribution lists, AD groups, groupOfNames,
 * groupOfUniqueNames, posixGroup. A group without an address is no mailing
 * list, but its members count when another list names it. */
void
do_list(const struct rec *r, int zimbra)
{
	struct strbuf line = { 0 };
	static struct strbuf ren;
	char *addr = primary_address(r, zimbra), *k = dn_key(r->dn);
	const char *dst;
	const char *zid = firstval(r, "zimbraId");
	const struct aname *fwd;
	struct ival *me = NULL;
	size_t i;
	int sp = SP_MEMBER;

	if (!addr) {
		if (zimbra) {
			err_at(r->pos, "%s: no usable mail address; entry skipped", r->dn);
			goto out;
		}
		if (k) {
			struct ival *d = idx_set("d:", k, NULL);

			d->kind = K_GROUP;
			d->pos = r->pos;
			d->addr = keep(k);
		}
		note_at(r->pos, "%s: group without mail address: not a list", r->dn);
		sp = SP_GROUP;
	} else if (!domain_selected(addr)) {
		skip_entry(r, addr, "domain not selected (-d)");
		goto out;
	} else if (!(me = claim(addr, K_LIST, r->pos, k, zid)))
		goto out;
	if (addr) {
		dst = renamed(addr, &ren);
		want_domain(domain_of(dst));
		if (!opt.account_list) {
			prov_words(&line, "cdl");
			prov_words(&line, dst);
			for (i = 0; i < r->nav; i++) {
				const struct av *a = &r->av[i];
				const char *t = a->type;

				if (!a->len || a->tagged)
					continue;
				if (attr_is(a, "displayName") || attr_is(a, "description") ||
				    attr_is(a, "zimbraNotes") || attr_is(a, "zimbraHideInGal") ||
				    (a->an->flags & (F_DLIST | F_REPLYTO)))
					add_attr(&line, t, a, r->pos);
				else if (attr_is(a, "info"))
					add_attr(&line, "zimbraNotes", a, r->pos);
				else if (zimbra && attr_is(a, "zimbraMailStatus") &&
				    strcasecmp(a->val, "enabled") != 0)
					add_attr(&line, t, a, r->pos);
			}
			if (!first(r, "displayName") && !zimbra && firstval(r, "cn")) {
				prov_words(&line, "displayName");
				prov_words(&line, firstval(r, "cn"));
			}
			if (!zimbra && is_true(r, "msExchHideFromAddressLists"))
				prov_words(&line, "zimbraHideInGal"), prov_words(&line, "TRUE");
			spool_line(SP_LIST, &line);
		}
		collect_aliases(r, zimbra, addr, me);
	}
	/* members, in the order the entry gives them (a list may have
	 * thousands: the name looked up once) */
	fwd = an_lit("zimbraMailForwardingAddress");
	for (i = 0; i < r->nav; i++) {
		const struct av *a = &r->av[i];
		struct pos p = { r->pos.file, a->line };
		const char *owner = addr ? addr : k;
		struct strbuf ref = { 0 };

		if (!a->len || !owner)
			continue;
		if (zimbra && a->an == fwd) {
			char *m = addr_norm(a->val);

			if (!m) {
				err_at(p, "%s: member \"%s\" is not a mail address; not carried",
				    addr, a->val);
				continue;
			}
			sb_addc(&ref, '='), sb_adds(&ref, m);
			free(m);
		} else if (!zimbra && (attr_is(a, "member") || attr_is(a, "uniqueMember"))) {
			char *v = xstrdup(a->val), *hash = strrchr(v, '#'), *mk;

			/* uniqueMember may end in an optional UID: dn#'0101'B */
			if (hash && attr_is(a, "uniqueMember") && hash[1] == '\'')
				*hash = '\0';
			mk = dn_key(v);
			free(v);
			if (!mk) {
				err_at(p, "member \"%s\" is not a DN; not carried", a->val);
				continue;
			}
			sb_adds(&ref, "dn:"), sb_adds(&ref, mk);
			free(mk);
		} else if (!zimbra && attr_is(a, "memberUid"))
			sb_adds(&ref, "uid:"), sb_adds(&ref, a->val);
		else
			continue;
		add_member(sp, owner, ref.s, p);
		sb_free(&ref);
	}
out:
	free(k);
	free(addr);
	sb_free(&line);
}
