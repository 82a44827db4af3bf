/* columns: what each column of a contacts export holds, recognised from the
 * header row. One table of header names covers Outlook (desktop and
 * Outlook.com), Google's older export, Zimbra/Carbonio and generic files;
 * Google's numbered groups ("E-mail 2 - Value") and the "Email (work)" style
 * of Apple/iCloud exporters are read by pattern (patterns.c), a mapping
 * file's lines before all (mapping.c); Thunderbird's export is
 * read by position, since its header is translated and, in French, even
 * names two columns alike ("Ville" for both cities). A column nobody knows
 * is carried in NOTE as "Header: value" rather than lost. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/diag.h"
#include "csv2vcard.h"
#include "columns.h"

const char *dialect_name[] = {
	"generic", "Outlook", "Google", "Google (older format)", "Thunderbird",
	"Zimbra/Carbonio", "Apple/iCloud", "Yahoo",
};

struct entry {
	const char *name;	/* lower case */
	unsigned char role, part, slot;
	const char *type;
};

#define ADR(n, s, p) { n, R_ADR, p, s, NULL }
static const struct entry names[] = {
	/* names */
	{ "first name", R_GIVEN, 0, 0, NULL }, { "given name", R_GIVEN, 0, 0, NULL },
	{ "firstname", R_GIVEN, 0, 0, NULL }, { "first", R_GIVEN, 0, 0, NULL },
	{ "middle name", R_MIDDLE, 0, 0, NULL }, { "additional name", R_MIDDLE, 0, 0, NULL },
	{ "middlename", R_MIDDLE, 0, 0, NULL },
	{ "last name", R_FAMILY, 0, 0, NULL }, { "family name", R_FAMILY, 0, 0, NULL },
	{ "surname", R_FAMILY, 0, 0, NULL }, { "lastname", R_FAMILY, 0, 0, NULL },
	{ "last", R_FAMILY, 0, 0, NULL }, { "middle", R_MIDDLE, 0, 0, NULL },
	/* KAddressBook (vCard's own names) */
	{ "additional names", R_MIDDLE, 0, 0, NULL }, { "honorific prefixes", R_PREFIX, 0, 0, NULL },
	{ "honorific suffixes", R_SUFFIX, 0, 0, NULL },
	{ "name prefix", R_PREFIX, 0, 0, NULL }, { "nameprefix", R_PREFIX, 0, 0, NULL },
	{ "prefix", R_PREFIX, 0, 0, NULL }, { "salutation", R_PREFIX, 0, 0, NULL },
	{ "suffix", R_SUFFIX, 0, 0, NULL }, { "name suffix", R_SUFFIX, 0, 0, NULL },
	{ "namesuffix", R_SUFFIX, 0, 0, NULL },
	{ "nickname", R_NICK, 0, 0, NULL }, { "nick name", R_NICK, 0, 0, NULL },
	{ "display name", R_FN, 0, 0, NULL }, { "full name", R_FN, 0, 0, NULL },
	{ "fullname", R_FN, 0, 0, NULL }, { "name", R_FN, 0, 0, NULL },
	{ "formatted name", R_FN, 0, 0, NULL }, { "contact name", R_FN, 0, 0, NULL },
	/* organisation; "title" is decided by dialect */
	{ "company", R_ORG, 0, 0, NULL }, { "organization", R_ORG, 0, 0, NULL },
	{ "organisation", R_ORG, 0, 0, NULL }, { "organization name", R_ORG, 0, 0, NULL },
	{ "company name", R_ORG, 0, 0, NULL },
	{ "department", R_DEPT, 0, 0, NULL }, { "organization department", R_DEPT, 0, 0, NULL },
	{ "job title", R_TITLE, 0, 0, NULL }, { "jobtitle", R_TITLE, 0, 0, NULL },
	{ "organization title", R_TITLE, 0, 0, NULL }, { "position", R_TITLE, 0, 0, NULL },
	/* e-mail */
	{ "e-mail address", R_EMAIL, 0, 0, NULL }, { "e-mail 2 address", R_EMAIL, 0, 0, NULL },
	{ "e-mail 3 address", R_EMAIL, 0, 0, NULL }, { "email", R_EMAIL, 0, 0, NULL },
	{ "e-mail", R_EMAIL, 0, 0, NULL }, { "email address", R_EMAIL, 0, 0, NULL },
	{ "mail", R_EMAIL, 0, 0, NULL }, { "primary email", R_EMAIL, 0, 0, NULL },
	{ "secondary email", R_EMAIL, 0, 0, NULL }, { "work email", R_EMAIL, 0, 0, "WORK" },
	{ "home email", R_EMAIL, 0, 0, "HOME" },
	/* Roundcube's own export; Yahoo's */
	{ "email home", R_EMAIL, 0, 0, "HOME" }, { "email work", R_EMAIL, 0, 0, "WORK" },
	{ "email other", R_EMAIL, 0, 0, NULL },
	{ "alternate email 1", R_EMAIL, 0, 0, NULL }, { "alternate email 2", R_EMAIL, 0, 0, NULL },
	{ "alternate email", R_EMAIL, 0, 0, NULL }, { "contact email", R_EMAIL, 0, 0, NULL },
	{ "e-mail type", R_IGNORE, 0, 0, NULL }, { "e-mail 2 type", R_IGNORE, 0, 0, NULL },
	{ "e-mail 3 type", R_IGNORE, 0, 0, NULL }, { "e-mail display name", R_IGNORE, 0, 0, NULL },
	{ "e-mail 2 display name", R_IGNORE, 0, 0, NULL },
	{ "e-mail 3 display name", R_IGNORE, 0, 0, NULL },
	/* phones: Outlook, Zimbra, generic */
	{ "assistant's phone", R_TEL, 0, 0, "X-ASSISTANT" }, { "business fax", R_TEL, 0, 0, "WORK,FAX" },
	{ "business phone", R_TEL, 0, 0, "WORK" }, { "business phone 2", R_TEL, 0, 0, "WORK" },
	{ "callback", R_TEL, 0, 0, "X-CALLBACK" }, { "car phone", R_TEL, 0, 0, "CAR" },
	{ "company main phone", R_TEL, 0, 0, "WORK,X-MAIN" }, { "home fax", R_TEL, 0, 0, "HOME,FAX" },
	{ "home phone", R_TEL, 0, 0, "HOME" }, { "home phone 2", R_TEL, 0, 0, "HOME" },
	{ "isdn", R_TEL, 0, 0, "ISDN" }, { "mobile phone", R_TEL, 0, 0, "CELL" },
	{ "other fax", R_TEL, 0, 0, "FAX" }, { "other phone", R_TEL, 0, 0, NULL },
	{ "pager", R_TEL, 0, 0, "PAGER" }, { "primary phone", R_TEL, 0, 0, "PREF" },
	{ "radio phone", R_TEL, 0, 0, "X-RADIO" }, { "tty/tdd phone", R_TEL, 0, 0, "X-TTYTDD" },
	{ "telex", R_TEL, 0, 0, "X-TELEX" },
	{ "workphone", R_TEL, 0, 0, "WORK" }, { "workphone2", R_TEL, 0, 0, "WORK" },
	{ "workfax", R_TEL, 0, 0, "WORK,FAX" }, { "workaltphone", R_TEL, 0, 0, "WORK" },
	{ "workmobile", R_TEL, 0, 0, "WORK,CELL" }, { "homephone", R_TEL, 0, 0, "HOME" },
	{ "homephone2", R_TEL, 0, 0, "HOME" }, { "homefax", R_TEL, 0, 0, "HOME,FAX" },
	{ "mobilephone", R_TEL, 0, 0, "CELL" }, { "carphone", R_TEL, 0, 0, "CAR" },
	{ "otherphone", R_TEL, 0, 0, NULL }, { "otherfax", R_TEL, 0, 0, "FAX" },
	{ "callbackphone", R_TEL, 0, 0, "X-CALLBACK" }, { "companyphone", R_TEL, 0, 0, "WORK,X-MAIN" },
	{ "assistantphone", R_TEL, 0, 0, "X-ASSISTANT" },
	{ "phone", R_TEL, 0, 0, NULL }, { "telephone", R_TEL, 0, 0, NULL },
	{ "tel", R_TEL, 0, 0, NULL }, { "phone number", R_TEL, 0, 0, NULL },
	{ "mobile", R_TEL, 0, 0, "CELL" }, { "cell", R_TEL, 0, 0, "CELL" },
	{ "cell phone", R_TEL, 0, 0, "CELL" }, { "mobile number", R_TEL, 0, 0, "CELL" },
	{ "work phone", R_TEL, 0, 0, "WORK" }, { "fax", R_TEL, 0, 0, "FAX" },
	{ "fax number", R_TEL, 0, 0, "FAX" }, { "pager number", R_TEL, 0, 0, "PAGER" },
	/* Roundcube; Yahoo */
	{ "home mobile", R_TEL, 0, 0, "CELL" }, { "phone video", R_TEL, 0, 0, "VIDEO" },
	{ "yahoo! phone", R_TEL, 0, 0, NULL },
	/* addresses: Outlook */
	ADR("business street", SLOT_WORK, A_STREET), ADR("business street 2", SLOT_WORK, A_STREET),
	ADR("business street 3", SLOT_WORK, A_STREET), ADR("business city", SLOT_WORK, A_CITY),
	ADR("business state", SLOT_WORK, A_REGION), ADR("business postal code", SLOT_WORK, A_CODE),
	ADR("business country/region", SLOT_WORK, A_COUNTRY),
	ADR("business address po box", SLOT_WORK, A_POBOX),
	ADR("home street", SLOT_HOME, A_STREET), ADR("home street 2", SLOT_HOME, A_STREET),
	ADR("home street 3", SLOT_HOME, A_STREET), ADR("home city", SLOT_HOME, A_CITY),
	ADR("home state", SLOT_HOME, A_REGION), ADR("home postal code", SLOT_HOME, A_CODE),
	ADR("home country/region", SLOT_HOME, A_COUNTRY),
	ADR("home address po box", SLOT_HOME, A_POBOX),
	ADR("other street", SLOT_OTHER, A_STREET), ADR("other street 2", SLOT_OTHER, A_STREET),
	ADR("other street 3", SLOT_OTHER, A_STREET), ADR("other city", SLOT_OTHER, A_CITY),
	ADR("other state", SLOT_OTHER, A_REGION), ADR("other postal code", SLOT_OTHER, A_CODE),
	ADR("other country/region", SLOT_OTHER, A_COUNTRY),
	ADR("other address po box", SLOT_OTHER, A_POBOX),
	/* older Outlook, Outlook Express, Windows Address Book */
	ADR("business country", SLOT_WORK, A_COUNTRY), ADR("other country", SLOT_OTHER, A_COUNTRY),
	ADR("business address", SLOT_WORK, A_STREET), ADR("other address", SLOT_OTHER, A_STREET),
	/* KAddressBook: vCard's own part names */
	ADR("home address street", SLOT_HOME, A_STREET),
	ADR("home address locality", SLOT_HOME, A_CITY),
	ADR("home address region", SLOT_HOME, A_REGION),
	ADR("home address postal code", SLOT_HOME, A_CODE),
	ADR("home address country", SLOT_HOME, A_COUNTRY),
	ADR("home address label", SLOT_HOME, A_FORMATTED),
	ADR("business address street", SLOT_WORK, A_STREET),
	ADR("business address locality", SLOT_WORK, A_CITY),
	ADR("business address region", SLOT_WORK, A_REGION),
	ADR("business address postal code", SLOT_WORK, A_CODE),
	ADR("business address country", SLOT_WORK, A_COUNTRY),
	ADR("business address label", SLOT_WORK, A_FORMATTED),
	/* Roundcube */
	ADR("home zip", SLOT_HOME, A_CODE), ADR("work zip", SLOT_WORK, A_CODE),
	ADR("other zip", SLOT_OTHER, A_CODE),
	/* Yahoo */
	ADR("home town", SLOT_HOME, A_CITY), ADR("home county", SLOT_HOME, A_REGION),
	ADR("home post code", SLOT_HOME, A_CODE), ADR("work town", SLOT_WORK, A_CITY),
	ADR("work county", SLOT_WORK, A_REGION), ADR("work post code", SLOT_WORK, A_CODE),
	/* Zimbra */
	ADR("workstreet", SLOT_WORK, A_STREET), ADR("workcity", SLOT_WORK, A_CITY),
	ADR("workstate", SLOT_WORK, A_REGION), ADR("workpostalcode", SLOT_WORK, A_CODE),
	ADR("workcountry", SLOT_WORK, A_COUNTRY),
	ADR("homestreet", SLOT_HOME, A_STREET), ADR("homecity", SLOT_HOME, A_CITY),
	ADR("homestate", SLOT_HOME, A_REGION), ADR("homepostalcode", SLOT_HOME, A_CODE),
	ADR("homecountry", SLOT_HOME, A_COUNTRY),
	ADR("otherstreet", SLOT_OTHER, A_STREET), ADR("othercity", SLOT_OTHER, A_CITY),
	ADR("otherstate", SLOT_OTHER, A_REGION), ADR("otherpostalcode", SLOT_OTHER, A_CODE),
	ADR("othercountry", SLOT_OTHER, A_COUNTRY),
	/* Thunderbird's English names, and generic ones */
	ADR("home address", SLOT_HOME, A_STREET), ADR("home address 2", SLOT_HOME, A_STREET),
	ADR("home zipcode", SLOT_HOME, A_CODE), ADR("home country", SLOT_HOME, A_COUNTRY),
	ADR("work address", SLOT_WORK, A_STREET), ADR("work address 2", SLOT_WORK, A_STREET),
	ADR("work city", SLOT_WORK, A_CITY), ADR("work state", SLOT_WORK, A_REGION),
	ADR("work zipcode", SLOT_WORK, A_CODE), ADR("work country", SLOT_WORK, A_COUNTRY),
	ADR("address", SLOT_PLAIN, A_STREET), ADR("street", SLOT_PLAIN, A_STREET),
	ADR("street address", SLOT_PLAIN, A_STREET), ADR("city", SLOT_PLAIN, A_CITY),
	ADR("town", SLOT_PLAIN, A_CITY), ADR("state", SLOT_PLAIN, A_REGION),
	ADR("region", SLOT_PLAIN, A_REGION), ADR("province", SLOT_PLAIN, A_REGION),
	ADR("zip", SLOT_PLAIN, A_CODE), ADR("zip code", SLOT_PLAIN, A_CODE),
	ADR("postal code", SLOT_PLAIN, A_CODE), ADR("postcode", SLOT_PLAIN, A_CODE),
	ADR("country", SLOT_PLAIN, A_COUNTRY), ADR("po box", SLOT_PLAIN, A_POBOX),
	/* dates */
	{ "birthday", R_BDAY, 0, 0, NULL }, { "birth date", R_BDAY, 0, 0, NULL },
	{ "date of birth", R_BDAY, 0, 0, NULL }, { "anniversary", R_ANNIV, 0, 0, NULL },
	{ "birth year", R_BYEAR, 0, 0, NULL }, { "birth month", R_BMONTH, 0, 0, NULL },
	{ "birth day", R_BDOM, 0, 0, NULL },
	/* web */
	{ "web page", R_URL, 0, 0, NULL }, { "personal web page", R_URL, 0, 0, "HOME" },
	{ "business web page", R_URL, 0, 0, "WORK" }, { "website", R_URL, 0, 0, NULL },
	{ "web site", R_URL, 0, 0, NULL }, { "url", R_URL, 0, 0, NULL },
	{ "homepage", R_URL, 0, 0, NULL }, { "web page 1", R_URL, 0, 0, "WORK" },
	{ "web page 2", R_URL, 0, 0, "HOME" }, { "homeurl", R_URL, 0, 0, "HOME" },
	{ "workurl", R_URL, 0, 0, "WORK" }, { "otherurl", R_URL, 0, 0, NULL },
	/* Roundcube; Yahoo */
	{ "website home page", R_URL, 0, 0, NULL }, { "website work", R_URL, 0, 0, "WORK" },
	{ "website blog", R_URL, 0, 0, "X-BLOG" }, { "website profile", R_URL, 0, 0, "X-PROFILE" },
	{ "website other", R_URL, 0, 0, NULL },
	{ "personal website", R_URL, 0, 0, "HOME" }, { "business website", R_URL, 0, 0, "WORK" },
	/* no vCard 3.0 property, and no e-mail address or phone whatever
	 * they hold: kept in NOTE without a word */
	{ "im aim", R_EXTRA, 0, 0, NULL }, { "im icq", R_EXTRA, 0, 0, NULL },
	{ "im jabber", R_EXTRA, 0, 0, NULL }, { "im msn", R_EXTRA, 0, 0, NULL },
	{ "im skype", R_EXTRA, 0, 0, NULL }, { "im yahoo", R_EXTRA, 0, 0, NULL },
	{ "im address", R_EXTRA, 0, 0, NULL }, { "yahoo! id", R_EXTRA, 0, 0, NULL },
	{ "mail client", R_EXTRA, 0, 0, NULL }, { "maiden name", R_EXTRA, 0, 0, NULL },
	/* notes, categories */
	{ "notes", R_NOTE, 0, 0, NULL }, { "note", R_NOTE, 0, 0, NULL },
	{ "comments", R_NOTE, 0, 0, NULL }, { "comment", R_NOTE, 0, 0, NULL },
	{ "categories", R_CATEGORIES, 0, 0, NULL }, { "labels", R_CATEGORIES, 0, 0, NULL },
	{ "group membership", R_CATEGORIES, 0, 0, NULL }, { "groups", R_CATEGORIES, 0, 0, NULL },
	{ "tags", R_CATEGORIES, 0, 0, NULL }, { "category", R_CATEGORIES, 0, 0, NULL },
	/* Zimbra's group rows */
	{ "type", R_KIND, 0, 0, NULL }, { "dlist", R_DLIST, 0, 0, NULL },
	/* derived, or a default nobody set */
	{ "fileas", R_IGNORE, 0, 0, NULL }, { "file as", R_IGNORE, 0, 0, NULL },
	{ "initials", R_IGNORE, 0, 0, NULL }, { "priority", R_IGNORE, 0, 0, NULL },
	{ "sensitivity", R_IGNORE, 0, 0, NULL }, { "private", R_IGNORE, 0, 0, NULL },
	{ "internet free busy", R_IGNORE, 0, 0, NULL }, { "gender", R_IGNORE, 0, 0, NULL },
	{ "photo", R_IGNORE, 0, 0, NULL }, { "mileage", R_IGNORE, 0, 0, NULL },
	{ "billing information", R_IGNORE, 0, 0, NULL }, { "directory server", R_IGNORE, 0, 0, NULL },
	/* Outlook in French: the columns after the 48 fixed ones, which it
	 * sorts by their French names */
	{ "adresse de messagerie", R_EMAIL, 0, 0, NULL },
	{ "adresse de messagerie 2", R_EMAIL, 0, 0, NULL },
	{ "adresse de messagerie 3", R_EMAIL, 0, 0, NULL },
	{ "type de messagerie", R_IGNORE, 0, 0, NULL }, { "type de messagerie 2", R_IGNORE, 0, 0, NULL },
	{ "type de messagerie 3", R_IGNORE, 0, 0, NULL },
	{ "nom complet de l'adresse de messagerie", R_IGNORE, 0, 0, NULL },
	{ "nom complet de l'adresse de messagerie 2", R_IGNORE, 0, 0, NULL },
	{ "nom complet de l'adresse de messagerie 3", R_IGNORE, 0, 0, NULL },
	{ "anniversaire", R_BDAY, 0, 0, NULL },
	{ "anniversaire de mariage ou f\xc3\xaate", R_ANNIV, 0, 0, NULL },
	{ "autre bo\xc3\xaete postale", R_ADR, A_POBOX, SLOT_OTHER, NULL },
	{ "b.p. professionnelle", R_ADR, A_POBOX, SLOT_WORK, NULL },
	{ "bo\xc3\xaete postale du domicile", R_ADR, A_POBOX, SLOT_HOME, NULL },
	{ "cat\xc3\xa9gories", R_CATEGORIES, 0, 0, NULL }, { "page web", R_URL, 0, 0, NULL },
	{ "initiales", R_IGNORE, 0, 0, NULL }, { "priorit\xc3\xa9", R_IGNORE, 0, 0, NULL },
	{ "priv\xc3\xa9", R_IGNORE, 0, 0, NULL }, { "sexe", R_IGNORE, 0, 0, NULL },
	{ "kilom\xc3\xa9trage", R_IGNORE, 0, 0, NULL },
	{ "informations facturation", R_IGNORE, 0, 0, NULL },
	{ "serveur d'annuaire", R_IGNORE, 0, 0, NULL },
	{ "disponibilit\xc3\xa9 internet", R_IGNORE, 0, 0, NULL },
	{ "crit\xc3\xa8re de diffusion", R_IGNORE, 0, 0, NULL },
};

/* Outlook's first 48 columns come in this order whatever the language
 * (names, three addresses, nineteen phones); the rest it sorts by their
 * translated names. A translated header is read by position up to here. */
static const char *outlook_fixed[] = {
	"title", "first name", "middle name", "last name", "suffix", "company",
	"department", "job title", "business street", "business street 2",
	"business street 3", "business city", "business state", "business postal code",
	"business country/region", "home street", "home street 2", "home street 3",
	"home city", "home state", "home postal code", "home country/region",
	"other street", "other street 2", "other street 3", "other city", "other state",
	"other postal code", "other country/region", "assistant's phone", "business fax",
	"business phone", "business phone 2", "callback", "car phone",
	"company main phone", "home fax", "home phone", "home phone 2", "isdn",
	"mobile phone", "other fax", "other phone", "pager", "primary phone",
	"radio phone", "tty/tdd phone", "telex",
};
#define OUTLOOK_FIXED (sizeof outlook_fixed / sizeof outlook_fixed[0])

/* Translated Outlook headers, told by their "Business Street". */
static const struct {
	const char *lang, *business_street;
} outlook_lang[] = {
	{ "French", "rue (bureau)" },
};
#undef ADR

/* Thunderbird writes its columns in one fixed order whatever the language. */
static const struct entry thunderbird[] = {
	{ "First Name", R_GIVEN, 0, 0, NULL }, { "Last Name", R_FAMILY, 0, 0, NULL },
	{ "Display Name", R_FN, 0, 0, NULL }, { "Nickname", R_NICK, 0, 0, NULL },
	{ "Primary Email", R_EMAIL, 0, 0, NULL }, { "Secondary Email", R_EMAIL, 0, 0, NULL },
	{ "Screen Name", R_EXTRA, 0, 0, NULL }, { "Work Phone", R_TEL, 0, 0, "WORK" },
	{ "Home Phone", R_TEL, 0, 0, "HOME" }, { "Fax Number", R_TEL, 0, 0, "FAX" },
	{ "Pager Number", R_TEL, 0, 0, "PAGER" }, { "Mobile Number", R_TEL, 0, 0, "CELL" },
	{ "Home Address", R_ADR, A_STREET, SLOT_HOME, NULL },
	{ "Home Address 2", R_ADR, A_STREET, SLOT_HOME, NULL },
	{ "Home City", R_ADR, A_CITY, SLOT_HOME, NULL }, { "Home State", R_ADR, A_REGION, SLOT_HOME, NULL },
	{ "Home ZipCode", R_ADR, A_CODE, SLOT_HOME, NULL },
	{ "Home Country", R_ADR, A_COUNTRY, SLOT_HOME, NULL },
	{ "Work Address", R_ADR, A_STREET, SLOT_WORK, NULL },
	{ "Work Address 2", R_ADR, A_STREET, SLOT_WORK, NULL },
	{ "Work City", R_ADR, A_CITY, SLOT_WORK, NULL }, { "Work State", R_ADR, A_REGION, SLOT_WORK, NULL },
	{ "Work ZipCode", R_ADR, A_CODE, SLOT_WORK, NULL },
	{ "Work Country", R_ADR, A_COUNTRY, SLOT_WORK, NULL },
	{ "Job Title", R_TITLE, 0, 0, NULL }, { "Department", R_DEPT, 0, 0, NULL },
	{ "Organization", R_ORG, 0, 0, NULL }, { "Web Page 1", R_URL, 0, 0, "WORK" },
	{ "Web Page 2", R_URL, 0, 0, "HOME" }, { "Birth Year", R_BYEAR, 0, 0, NULL },
	{ "Birth Month", R_BMONTH, 0, 0, NULL }, { "Birth Day", R_BDOM, 0, 0, NULL },
	{ "Custom 1", R_EXTRA, 0, 0, NULL }, { "Custom 2", R_EXTRA, 0, 0, NULL },
	{ "Custom 3", R_EXTRA, 0, 0, NULL }, { "Custom 4", R_EXTRA, 0, 0, NULL },
	{ "Notes", R_NOTE, 0, 0, NULL },
};
#define TB_COLS (sizeof thunderbird / sizeof thunderbird[0])

/* Its header in the languages it is translated to (mozilla-l10n's
 * importMsgs.properties, 2102 and 2104): Display Name and Primary Email,
 * the third and fifth columns, tell it from any other export. */
static const struct {
	const char *lang, *display, *primary;
} tb_lang[] = {
	{ "English", "Display Name", "Primary Email" },
	{ "German", "Anzeigename", "Primäre E-Mail-Adresse" },
	{ "French", "Nom à afficher", "Première adresse électronique" },
	{ "Italian", "Nome visualizzato", "E-mail primaria" },
	{ "Spanish", "Nombre mostrado", "Dirección de correo electrónico principal" },
};

/* Yahoo names its phones by a bare word, which means a phone only there. */
static const struct entry *
yahoo_phone(const char *key)
{
	static const struct entry t[] = {
		{ "home", R_TEL, 0, 0, "HOME" }, { "work", R_TEL, 0, 0, "WORK" },
		{ "other", R_TEL, 0, 0, NULL }, { "primary", R_TEL, 0, 0, "PREF" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].name, key) == 0)
			return &t[i];
	return NULL;
}

/* Lower-case ASCII, spaces around and runs of spaces made one. */
char *
header_key(const char *s)
{
	char *o = xmalloc(strlen(s) + 1), *p = o;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			if (p > o && p[-1] != ' ')
				*p++ = ' ';
			continue;
		}
		*p++ = (char)tolower((unsigned char)*s);
	}
	while (p > o && p[-1] == ' ')
		p--;
	*p = '\0';
	return o;
}

static const struct entry *
lookup(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].name, key) == 0)
			return &names[i];
	return NULL;
}

void
column_set(struct column *c, int role, int part, int slot, const char *type)
{
	c->role = (unsigned char)role;
	c->part = (unsigned char)part;
	c->slot = (unsigned char)slot;
	c->type = type;
}

static int
is_thunderbird(const struct csvrow *hdr, const char **lang)
{
	size_t i;

	if (hdr->n < TB_COLS)
		return 0;
	for (i = 0; i < sizeof tb_lang / sizeof tb_lang[0]; i++)
		if (strcasecmp(hdr->f[2], tb_lang[i].display) == 0 &&
		    strcasecmp(hdr->f[4], tb_lang[i].primary) == 0) {
			*lang = tb_lang[i].lang;
			return 1;
		}
	return 0;
}

static enum dialect
recognise(const struct csvrow *hdr, char **keys, const char **lang)
{
	static const char *zimbra[] = {
		"firstName", "lastName", "fullName", "email", "company", "workPhone",
		"mobilePhone", "fileAs", "homeStreet", "workStreet", "jobTitle", "dlist",
	};
	size_t i, j;
	int z = 0, google = 0, google_old = 0, outlook = 0, apple = 0, yahoo = 0;

	if (is_thunderbird(hdr, lang))
		return D_THUNDERBIRD;
	if (hdr->n >= OUTLOOK_FIXED)
		for (i = 0; i < sizeof outlook_lang / sizeof outlook_lang[0]; i++)
			if (strcmp(keys[8], outlook_lang[i].business_street) == 0) {
				*lang = outlook_lang[i].lang;
				return D_OUTLOOK;
			}
	for (i = 0; i < hdr->n; i++) {
		for (j = 0; j < sizeof zimbra / sizeof zimbra[0]; j++)
			z += strcmp(hdr->f[i], zimbra[j]) == 0;
		google += strcmp(keys[i], "e-mail 1 - value") == 0 ||
		    strcmp(keys[i], "phone 1 - value") == 0 ||
		    strcmp(keys[i], "address 1 - formatted") == 0;
		google_old += strcmp(keys[i], "given name") == 0 ||
		    strcmp(keys[i], "group membership") == 0;
		outlook += strcmp(keys[i], "e-mail address") == 0 ||
		    strcmp(keys[i], "business street") == 0 ||
		    strcmp(keys[i], "e-mail 2 address") == 0;
		apple += strncmp(keys[i], "email (", 7) == 0 || strncmp(keys[i], "phone (", 7) == 0;
		yahoo += strcmp(keys[i], "yahoo! id") == 0 || strcmp(keys[i], "yahoo! phone") == 0 ||
		    strcmp(keys[i], "alternate email 1") == 0;
	}
	if (z >= 2)
		return D_ZIMBRA;
	if (google)
		return google_old ? D_GOOGLE_OLD : D_GOOGLE;
	if (outlook)
		return D_OUTLOOK;
	if (apple)
		return D_APPLE;
	if (yahoo)
		return D_YAHOO;
	return D_GENERIC;
}

/* Thunderbird's columns, and a translated Outlook's first 48, are known by
 * their position: 1 when column i is one of them. */
static int
column_by_position(const struct layout *lo, struct column *c, size_t i)
{
	const struct entry *e;

	if (lo->dialect == D_THUNDERBIRD && i < TB_COLS) {
		e = &thunderbird[i];
		column_set(c, e->role, e->part, e->slot, e->type);
		return 1;
	}
	if (lo->dialect == D_OUTLOOK && lo->language && i < OUTLOOK_FIXED) {
		if (i == 0) {	/* Title: "Mr." */
			column_set(c, R_PREFIX, 0, 0, NULL);
			return 1;
		}
		e = lookup(outlook_fixed[i]);
		column_set(c, e->role, e->part, e->slot, e->type);
		return 1;
	}
	return 0;
}

/* What column i holds by its name (keys[i], normalised) in the file's
 * dialect: from the table of names, or a pattern; else it goes to NOTE,
 * watched. */
static void
column_by_name(struct layout *lo, const struct csvrow *hdr, char **keys, size_t i,
    int *slots)
{
	struct column *c = &lo->col[i];
	const struct entry *e;
	int g;

	if (lo->multi && (g = google_column(lo, c, keys[i], slots)) != 0) {
		if (g == 2)
			lo->watch[i] = watch_kind(keys[i]);
		c->label = find_label(hdr, keys, i);
		if (c->role == R_ADR && c->slot >= SLOT_NUMBERED)
			lo->slot_label[c->slot] = c->label;
		return;
	}
	if (lo->dialect == D_YAHOO && (e = yahoo_phone(keys[i])) != NULL) {
		column_set(c, e->role, e->part, e->slot, e->type);
		return;
	}
	if (strcmp(keys[i], "title") == 0) {
		/* Outlook's Title is "Mr."; everyone else's is the job */
		column_set(c, lo->dialect == D_OUTLOOK ? R_PREFIX : R_TITLE, 0, 0, NULL);
		return;
	}
	if ((e = lookup(keys[i])) != NULL) {
		/* "type" and "dlist" mean a group only in Zimbra's
		 * export; elsewhere a "Type" column is data */
		if ((e->role == R_KIND || e->role == R_DLIST) && lo->dialect != D_ZIMBRA)
			column_set(c, R_EXTRA, 0, 0, NULL);
		else
			column_set(c, e->role, e->part, e->slot, e->type);
		return;
	}
	if (apple_column(c, keys[i])) {
		if (c->label == -2) {
			const char *o = strchr(keys[i], '('), *cl = strchr(o, ')');
			char lab[32];
			int pref;

			snprintf(lab, sizeof lab, "%.*s", (int)(cl - o - 1), o + 1);
			c->type = label_type(lab, c->role, &pref);
			c->pref = (unsigned char)pref;
			c->label = -1;
		}
		return;
	}
	/* Zimbra's email2, email3..., workEmail1... */
	if (strncmp(keys[i], "email", 5) == 0 && isdigit((unsigned char)keys[i][5])) {
		column_set(c, R_EMAIL, 0, 0, NULL);
		return;
	}
	if (strncmp(keys[i], "workemail", 9) == 0 && isdigit((unsigned char)keys[i][9])) {
		column_set(c, R_EMAIL, 0, 0, "WORK");
		return;
	}
	column_set(c, R_EXTRA, 0, 0, NULL);
	lo->watch[i] = watch_kind(keys[i]);
}

int
layout_from_header(struct layout *lo, const struct csvrow *hdr, const struct mapping *m,
    int delim, enum date_order dates)
{
	char **keys = xcalloc(hdr->n ? hdr->n : 1, sizeof *keys);
	int slots = SLOT_NUMBERED, useful = 0;
	size_t i;

	memset(lo, 0, sizeof *lo);
	lo->ncols = hdr->n;
	lo->col = xcalloc(hdr->n ? hdr->n : 1, sizeof *lo->col);
	lo->watch = xcalloc(hdr->n ? hdr->n : 1, 1);
	lo->kind_col = -1;
	for (i = 0; i < NSLOT; i++)
		lo->slot_label[i] = -1;
	for (i = 0; i < hdr->n; i++)
		keys[i] = header_key(hdr->f[i]);
	lo->dialect = recognise(hdr, keys, &lo->language);
	lo->multi = lo->dialect == D_GOOGLE || lo->dialect == D_GOOGLE_OLD;

	for (i = 0; i < hdr->n; i++) {
		struct column *c = &lo->col[i];
		const struct column *mc;

		c->label = -1;
		c->header = xstrdup(hdr->f[i]);
		if (m && (mc = mapping_column(m, keys[i])) != NULL) {
			char *h = c->header;

			*c = *mc;
			c->header = h;
		} else if (!keys[i][0])
			column_set(c, R_IGNORE, 0, 0, NULL);
		else if (!column_by_position(lo, c, i))
			column_by_name(lo, hdr, keys, i, &slots);
	}
	for (i = 0; i < hdr->n; i++) {
		switch (lo->col[i].role) {
		case R_FN: case R_GIVEN: case R_MIDDLE: case R_FAMILY: case R_NICK:
		case R_ORG: case R_EMAIL: case R_TEL:
			useful = 1;
			break;
		case R_KIND:
			lo->kind_col = (int)i;
			break;
		}
		free(keys[i]);
	}
	free(keys);
	if (dates == DATE_AUTO)
		dates = delim == ';' ? DATE_DMY : DATE_MDY;
	lo->dates = dates;
	return useful ? 0 : -1;
}

void
layout_free(struct layout *lo)
{
	size_t i;

	for (i = 0; i < lo->ncols; i++)
		free(lo->col[i].header);
	free(lo->col);
	lo->col = NULL;
	free(lo->watch);
	lo->watch = NULL;
	lo->ncols = 0;
}
