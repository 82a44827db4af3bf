/* ldif2prov's attribute names: each name met classified once (which tables
 * it is in, which object class it names), the mapping tables, and the
 * look-ups by name on the record being read. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "../../common/diag.h"
#include "../../common/strmap.h"
#include "ldif2prov.h"

static struct strmap anames;
unsigned nanames;

static const struct {
	const char *name;
	unsigned bit;
} classes[] = {
	{ "zimbraAccount", C_ZACCOUNT }, { "zimbraMailRecipient", C_ZRECIPIENT },
	{ "zimbraDistributionList", C_ZLIST }, { "zimbraCalendarResource", C_ZRESOURCE },
	{ "zimbraCOS", C_ZCOS }, { "zimbraDomain", C_ZDOMAIN },
	{ "zimbraSignature", C_ZSIGNATURE }, { "zimbraIdentity", C_ZIDENTITY },
	{ "zimbraAlias", C_ZALIAS }, { "zimbraGroup", C_ZGROUP },
	{ "zimbraDataSource", C_ZDATASOURCE }, { "zimbraServer", C_ZSERVER },
	{ "computer", C_COMPUTER }, { "contact", C_CONTACT }, { "user", C_USER },
	{ "group", C_GROUP }, { "groupOfNames", C_GROUPOFNAMES },
	{ "groupOfUniqueNames", C_GROUPOFUNIQUENAMES }, { "posixGroup", C_POSIXGROUP },
	{ "person", C_PERSON }, { "organizationalPerson", C_PERSON },
	{ "inetOrgPerson", C_PERSON }, { "posixAccount", C_PERSON },
	{ "OpenLDAPperson", C_PERSON },	/* SUP inetOrgPerson in openldap.schema */
	{ "inetLocalMailRecipient", C_PERSON }, { "mailRecipient", C_PERSON },
};

const struct aname *an_objectclass;

int
has_value(const struct rec *r, const char *name, const char *value)
{
	const struct aname *an = an_lit(name);
	size_t i;

	for (i = 0; i < r->nav; i++)
		if (r->av[i].an == an && strcasecmp(r->av[i].val, value) == 0)
			return 1;
	return 0;
}

int
is_true(const struct rec *r, const char *name)
{
	const char *v = firstval(r, name);

	return v && strcasecmp(v, "TRUE") == 0;
}

/* ---- the mapping tables ------------------------------------------------- */

/* What an account, resource or list carries, from any kind of Source. A
 * Source attribute and the Carbonio attribute it becomes. */
static const struct amap {
	const char *from, *to;
} person_attrs[] = {
	{ "cn", "cn" }, { "displayName", "displayName" }, { "givenName", "givenName" },
	{ "sn", "sn" }, { "initials", "initials" }, { "title", "title" },
	{ "company", "company" }, { "department", "ou" }, { "ou", "ou" },
	{ "telephoneNumber", "telephoneNumber" }, { "mobile", "mobile" },
	{ "homePhone", "homePhone" }, { "pager", "pager" },
	{ "facsimileTelephoneNumber", "facsimileTelephoneNumber" },
	{ "street", "street" }, { "l", "l" }, { "st", "st" },
	{ "postalCode", "postalCode" }, { "co", "co" }, { "postalAddress", "postalAddress" },
	{ "physicalDeliveryOfficeName", "physicalDeliveryOfficeName" },
	{ "description", "description" }, { "info", "zimbraNotes" },
	{ "zimbraNotes", "zimbraNotes" }, { "zimbraPhoneticFirstName", "zimbraPhoneticFirstName" },
	{ "zimbraPhoneticLastName", "zimbraPhoneticLastName" },
	{ "zimbraPhoneticCompany", "zimbraPhoneticCompany" },
	{ NULL, NULL }
};

/* Zimbra attributes an account carries besides person_attrs and the
 * zimbraPref*, zimbraFeature* and zimbraCalRes* families. */
static const char *const zimbra_account_attrs[] = {
	"zimbraHideInGal", "zimbraMailQuota", "zimbraMailForwardingAddress",
	"zimbraMailSieveScript", "zimbraMailOutgoingSieveScript", "zimbraPasswordMustChange",
	"zimbraMailCanonicalAddress", "zimbraSignatureName", "zimbraSignatureId", NULL
};

/* Never carried: the Source server's internals, references by id that
 * cannot hold on the Destination, and what ldif2prov writes itself. */
static const char *const zimbra_internal[] = {
	"zimbraId", "zimbraMailHost", "zimbraMailTransport", "zimbraCreateTimestamp",
	"zimbraLastLogonTimestamp", "zimbraPasswordModifiedTime", "zimbraMailDeliveryAddress",
	"zimbraMailAlias", "zimbraCOSId", "zimbraMailHostPool", "zimbraPrefChildVisibleAccount",
	"zimbraPrefDefaultSignatureId", "zimbraPrefForwardReplySignatureId",
	"zimbraAccountStatus", "zimbraMailStatus", "zimbraAuthTokenValidityValue",
	"zimbraPasswordHistory", "zimbraPasswordLockoutFailureTime", "zimbraPasswordLockoutLockedTime",
	"zimbraMailboxLocationBeforeMove", "zimbraMailHostBeforeMove", "zimbraDomainDefaultCOSId",
	"zimbraAliasTargetId", "zimbraZimletUserProperties", "zimbraCsrfTokenValidityValue",
	"zimbraLastPurgeTime", "zimbraPrefIdentityId", "zimbraDomainName", "zimbraGalAccountId",
	"zimbraVirtualHostname", "zimbraVirtualIPAddress", "zimbraPublicServiceHostname",
	"zimbraSSLCertificate", "zimbraSSLPrivateKey", "zimbraIsSystemResource",
	"zimbraIsSystemAccount", "zimbraIsAdminAccount", "zimbraIsDelegatedAdminAccount",
	"zimbraACE", "zimbraAccountCalendarUserType", NULL
};

/* Attributes whose values are addresses: the -r renames apply to them. */
static const char *const address_attrs[] = {
	"zimbraMailForwardingAddress", "zimbraPrefMailForwardingAddress", "zimbraPrefFromAddress",
	"zimbraPrefReplyToAddress", "zimbraMailCanonicalAddress",
	"zimbraPrefAllowAddressForDelegatedSender", "zimbraMailCatchAllAddress",
	"zimbraMailCatchAllForwardingAddress", "zimbraMailCatchAllCanonicalAddress",
	"zimbraPrefMailForwardingAddress", NULL
};

/* Classify an attribute name, once per distinct name. */
const struct aname *
aname_of(const char *type)
{
	char buf[128] = "";
	size_t n = strcspn(type, ";"), i;
	struct strmap_ent *e;
	struct aname *an;
	int isnew;

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)type[i]);
	e = strmap_put(&anames, buf, n, &isnew);
	if (!isnew)
		return e->val;
	an = e->val = xcalloc(1, sizeof *an);
	an->id = nanames++;
#define PREFIX(p) (n >= sizeof p - 1 && memcmp(buf, p, sizeof p - 1) == 0)
	if (PREFIX("zimbra"))
		an->flags |= F_ZIMBRA;
	if (PREFIX("zimbrapref"))
		an->flags |= F_PREF;
	if (PREFIX("zimbraprefreplyto"))
		an->flags |= F_REPLYTO;
	if (PREFIX("zimbrafeature"))
		an->flags |= F_FEATURE;
	if (PREFIX("zimbracalres"))
		an->flags |= F_CALRES;
	if (PREFIX("zimbramailcatchall"))
		an->flags |= F_CATCHALL;
	if (PREFIX("zimbradistributionlist"))
		an->flags |= F_DLIST;
#undef PREFIX
	return an;
}

/* The schema's other names of an attribute (core, cosine, inetorgperson;
 * Thunderbird writes gn and fax), each read as the name the tool uses. */
static const struct amap attr_aliases[] = {
	{ "commonName", "cn" }, { "surname", "sn" }, { "gn", "givenName" },
	{ "localityName", "l" }, { "stateOrProvinceName", "st" },
	{ "streetAddress", "street" }, { "organizationName", "o" },
	{ "organizationalUnitName", "ou" }, { "fax", "facsimileTelephoneNumber" },
	{ "mobileTelephoneNumber", "mobile" }, { "pagerTelephoneNumber", "pager" },
	{ "homeTelephoneNumber", "homePhone" }, { "rfc822Mailbox", "mail" },
	{ "userid", "uid" }, { "friendlyCountryName", "co" },
	{ "domainComponent", "dc" }, { "countryName", "c" },
	{ NULL, NULL }
};

void
anames_init(void)
{
	static const char *const ops[] = {
		"structuralObjectClass", "entryUUID", "entryCSN", "creatorsName",
		"createTimestamp", "modifiersName", "modifyTimestamp", "contextCSN",
		"hasSubordinates", "subschemaSubentry", "entryDN", "objectClass", NULL
	};
	static const struct { const char *const *list; unsigned flag; } sets[] = {
		{ zimbra_internal, F_INTERNAL }, { address_attrs, F_ADDRESS },
		{ zimbra_account_attrs, F_ZACCOUNT }, { ops, F_OPERATIONAL },
	};
	const struct amap *m;
	const char *const *p;
	size_t i;

	/* first, so that no other name is classified apart */
	for (m = attr_aliases; m->from; m++) {
		char buf[64];
		size_t n = strlen(m->from);
		int isnew;
		/* before the put: a new name may grow the table under the entry */
		struct aname *to = (struct aname *)aname_of(m->to);

		for (i = 0; i < n; i++)
			buf[i] = (char)tolower((unsigned char)m->from[i]);
		strmap_put(&anames, buf, n, &isnew)->val = to;
	}
	for (i = 0; i < sizeof sets / sizeof sets[0]; i++)
		for (p = sets[i].list; *p; p++)
			((struct aname *)aname_of(*p))->flags |= sets[i].flag;
	for (m = person_attrs; m->from; m++)
		((struct aname *)aname_of(m->from))->person_to = m->to;
	for (i = 0; i < sizeof classes / sizeof classes[0]; i++)
		((struct aname *)aname_of(classes[i].name))->classbit |= classes[i].bit;
	an_objectclass = aname_of("objectClass");
	((struct aname *)aname_of("zimbraMailDeliveryAddress"))->flags |= F_KEY_ADDR;
	((struct aname *)aname_of("zimbraId"))->flags |= F_KEY_ID;
}
