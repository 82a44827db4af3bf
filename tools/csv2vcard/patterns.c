/* patterns: columns read by the pattern of their name rather than from the
 * table of names: Google's numbered groups ("E-mail 2 - Value", with their
 * "- Label" column), the "Email (work)" style of Apple/iCloud exporters, the
 * labels that give such a value its TYPE, and the words that make a column
 * nobody knows watched (it may hold e-mail addresses, phones, addresses). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv2vcard.h"
#include "columns.h"

/* "<base> <n> - <sub>": Google's numbered groups. Returns 1 when it is one. */
static int
numbered(const char *key, char *base, size_t bsz, int *num, char *sub, size_t ssz)
{
	const char *dash = strstr(key, " - "), *sp;
	size_t bl;
	long n;

	if (!dash)
		return 0;
	for (sp = dash; sp > key && isdigit((unsigned char)sp[-1]); sp--)
		;
	if (sp == dash || sp == key || sp[-1] != ' ')
		return 0;
	bl = (size_t)(sp - 1 - key);
	if (bl >= bsz || strlen(dash + 3) >= ssz)
		return 0;
	memcpy(base, key, bl);
	base[bl] = '\0';
	/* a number past any group count is no group's (atoi wrapped
	 * "Address 4294967297" round to Address 1) */
	errno = 0;
	n = strtol(sp, NULL, 10);
	*num = errno || n > INT_MAX ? 0 : (int)n;
	strcpy(sub, dash + 3);
	return 1;
}

static const struct {
	const char *sub;
	int part;
} adr_subs[] = {
	{ "formatted", A_FORMATTED }, { "street", A_STREET }, { "city", A_CITY },
	{ "po box", A_POBOX }, { "region", A_REGION }, { "postal code", A_CODE },
	{ "country", A_COUNTRY }, { "extended address", A_EXT },
	/* Apple/iCloud style */
	{ "state", A_REGION }, { "zip", A_CODE }, { "zip code", A_CODE },
	{ "pobox", A_POBOX },
};

static int
adr_part(const char *sub)
{
	size_t i;

	for (i = 0; i < sizeof adr_subs / sizeof adr_subs[0]; i++)
		if (strcmp(adr_subs[i].sub, sub) == 0)
			return adr_subs[i].part;
	return -1;
}

/* A column of Google's numbered groups: 1, or 2 for a group it has no
 * property for and does not know (watched, see watch_kind); 0 when the
 * name is not one. */
int
google_column(struct layout *lo, struct column *c, const char *key, int *slots_used)
{
	char base[64], sub[64];
	int n, p;

	if (!numbered(key, base, sizeof base, &n, sub, sizeof sub))
		return 0;
	if (strcmp(sub, "label") == 0 || strcmp(sub, "type") == 0) {
		column_set(c, R_LABEL, 0, 0, NULL);
		return 1;
	}
	if (strcmp(base, "e-mail") == 0 || strcmp(base, "email") == 0) {
		column_set(c, strcmp(sub, "value") == 0 ? R_EMAIL : R_IGNORE, 0, 0, NULL);
	} else if (strcmp(base, "phone") == 0) {
		column_set(c, strcmp(sub, "value") == 0 ? R_TEL : R_IGNORE, 0, 0, NULL);
	} else if (strcmp(base, "website") == 0) {
		column_set(c, strcmp(sub, "value") == 0 ? R_URL : R_IGNORE, 0, 0, NULL);
	} else if (strcmp(base, "event") == 0) {
		column_set(c, strcmp(sub, "value") == 0 ? R_EVENT : R_IGNORE, 0, 0, NULL);
	} else if (strcmp(base, "address") == 0) {
		int slot = SLOT_NUMBERED + n - 1;

		if ((p = adr_part(sub)) < 0 || slot >= NSLOT || n < 1)
			column_set(c, R_EXTRA, 0, 0, NULL);
		else {
			column_set(c, R_ADR, p, slot, NULL);
			if (slot + 1 > *slots_used)
				*slots_used = slot + 1;
		}
	} else if (strcmp(base, "organization") == 0) {
		if (strcmp(sub, "name") == 0)
			column_set(c, R_ORG, 0, 0, NULL);
		else if (strcmp(sub, "title") == 0)
			column_set(c, R_TITLE, 0, 0, NULL);
		else if (strcmp(sub, "department") == 0)
			column_set(c, R_DEPT, 0, 0, NULL);
		else if (strcmp(sub, "yomi name") == 0 || strcmp(sub, "symbol") == 0)
			column_set(c, R_IGNORE, 0, 0, NULL);
		else
			column_set(c, R_EXTRA, 0, 0, NULL);
	} else {
		column_set(c, R_EXTRA, 0, 0, NULL);	/* Relation, Custom Field, IM... */
		/* a group nobody knows is watched (an IM address often is
		 * an e-mail address: not that one) */
		if (strcmp(base, "im") != 0)
			return 2;
	}
	(void)lo;
	return 1;
}

/* The label column of a numbered group: "<base> <n> - Label" or "- Type". */
int
find_label(const struct csvrow *hdr, char **keys, size_t i)
{
	char base[64], sub[64], want[160];
	int n;
	size_t j;

	if (!numbered(keys[i], base, sizeof base, &n, sub, sizeof sub))
		return -1;
	for (j = 0; j < hdr->n; j++) {
		snprintf(want, sizeof want, "%s %d - label", base, n);
		if (strcmp(keys[j], want) == 0)
			return (int)j;
		snprintf(want, sizeof want, "%s %d - type", base, n);
		if (strcmp(keys[j], want) == 0)
			return (int)j;
	}
	return -1;
}

/* Apple/iCloud exporters: "Email (work)", "Phone (mobile)",
 * "Address (home) Street". */
int
apple_column(struct column *c, const char *key)
{
	const char *open = strstr(key, " ("), *close;
	char base[32], label[32];
	size_t bl, ll;
	int slot, p;

	if (!open || !(close = strchr(open, ')')))
		return 0;
	bl = (size_t)(open - key);
	ll = (size_t)(close - open - 2);
	if (bl >= sizeof base || ll >= sizeof label)
		return 0;
	memcpy(base, key, bl);
	base[bl] = '\0';
	memcpy(label, open + 2, ll);
	label[ll] = '\0';
	if (strcmp(base, "email") == 0 || strcmp(base, "e-mail") == 0)
		column_set(c, R_EMAIL, 0, 0, NULL);
	else if (strcmp(base, "phone") == 0)
		column_set(c, R_TEL, 0, 0, NULL);
	else if (strcmp(base, "url") == 0 || strcmp(base, "website") == 0)
		column_set(c, R_URL, 0, 0, NULL);
	else if (strcmp(base, "address") == 0) {
		const char *sub = close[1] == ' ' ? close + 2 : close + 1;

		slot = strcmp(label, "work") == 0 ? SLOT_WORK : strcmp(label, "home") == 0 ?
		    SLOT_HOME : SLOT_OTHER;
		if ((p = adr_part(sub)) < 0)
			return 0;
		column_set(c, R_ADR, p, slot, NULL);
		return 1;
	} else
		return 0;
	/* the label in parentheses is the type, read as Google's labels are */
	c->type = NULL;
	c->label = -2;	/* resolved by the caller from the header text */
	return 1;
}

/* TYPE for a label written by a person or an exporter ("* Work", "Mobile",
 * "home fax"); NULL when it names no vCard type. */
const char *
label_type(const char *label, int role, int *pref)
{
	static const struct {
		const char *label, *type;
		int tel_only;
	} t[] = {
		{ "home", "HOME", 0 }, { "work", "WORK", 0 }, { "business", "WORK", 0 },
		{ "mobile", "CELL", 1 }, { "cell", "CELL", 1 }, { "iphone", "CELL", 1 },
		{ "home fax", "HOME,FAX", 1 }, { "work fax", "WORK,FAX", 1 },
		{ "fax", "FAX", 1 }, { "other fax", "FAX", 1 }, { "pager", "PAGER", 1 },
		{ "car", "CAR", 1 }, { "main", "X-MAIN", 1 },
	};
	char buf[32];
	size_t i, n;

	*pref = 0;
	if (label[0] == '*' && label[1] == ' ') {
		*pref = 1;
		label += 2;
	}
	n = strlen(label);
	if (n >= sizeof buf)
		return NULL;
	for (i = 0; i <= n; i++)
		buf[i] = (char)tolower((unsigned char)label[i]);
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].label, buf) == 0 && (!t[i].tel_only || role == R_TEL))
			return t[i].type;
	return NULL;
}

/* What a column whose name nobody knows seems to hold, by the words of its
 * name ("Section 1 - Email", "Handy", "Ort"...): W_EMAIL, W_TEL, W_ADR, or
 * W_VALUES when only its values can tell. */
unsigned char
watch_kind(const char *key)
{
	static const struct {
		const char *word;
		unsigned char kind;
	} words[] = {
		{ "email", W_EMAIL }, { "e-mail", W_EMAIL }, { "mail", W_EMAIL },
		{ "emails", W_EMAIL }, { "courriel", W_EMAIL },
		{ "phone", W_TEL }, { "telephone", W_TEL }, { "tel", W_TEL }, { "mobile", W_TEL },
		{ "cell", W_TEL }, { "cellphone", W_TEL }, { "fax", W_TEL }, { "pager", W_TEL },
		{ "handy", W_TEL }, { "telefon", W_TEL }, { "t\xc3\xa9l\xc3\xa9phone", W_TEL },
		{ "address", W_ADR }, { "street", W_ADR }, { "city", W_ADR }, { "town", W_ADR },
		{ "zip", W_ADR }, { "zipcode", W_ADR }, { "postcode", W_ADR }, { "postal", W_ADR },
		{ "county", W_ADR }, { "country", W_ADR }, { "locality", W_ADR },
		{ "province", W_ADR }, { "adresse", W_ADR },
		/* instant messaging: its addresses often look like e-mail
		 * addresses, and have no vCard 3.0 property */
		{ "im", W_NONE }, { "imaddress", W_NONE }, { "jabber", W_NONE }, { "xmpp", W_NONE },
		{ "skype", W_NONE }, { "icq", W_NONE }, { "aim", W_NONE }, { "msn", W_NONE },
		{ "messenger", W_NONE }, { "sip", W_NONE }, { "impp", W_NONE }, { "screen", W_NONE },
	};
	const char *p = key, *e;
	size_t i, n;

	while (*p) {
		/* a word: letters, digits and inner hyphens */
		while (*p && !isalnum((unsigned char)*p) && !((unsigned char)*p & 0x80))
			p++;
		for (e = p; *e && (isalnum((unsigned char)*e) || (*e == '-' && e > p) ||
		    ((unsigned char)*e & 0x80)); e++)
			;
		n = (size_t)(e - p);
		while (n > 0 && isdigit((unsigned char)p[n - 1]))
			n--;	/* email2, phone3 */
		for (i = 0; n && i < sizeof words / sizeof words[0]; i++)
			if (strlen(words[i].word) == n && memcmp(words[i].word, p, n) == 0)
				return words[i].kind;
		p = e;
	}
	return W_VALUES;
}
