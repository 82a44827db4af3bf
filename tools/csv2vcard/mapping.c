/* mapping: the mapping file (-m), where a line "TARGET[:TYPE[:PART]] HEADER"
 * says what a column holds, before and over anything the header's names
 * would say. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/diag.h"
#include "csv2vcard.h"
#include "columns.h"

struct mapping {
	size_t n;
	char **header;		/* normalised */
	struct column *col;
};

static const struct {
	const char *name;
	int role;
} targets[] = {
	{ "fn", R_FN }, { "given", R_GIVEN }, { "middle", R_MIDDLE }, { "family", R_FAMILY },
	{ "prefix", R_PREFIX }, { "suffix", R_SUFFIX }, { "nickname", R_NICK },
	{ "org", R_ORG }, { "dept", R_DEPT }, { "title", R_TITLE }, { "email", R_EMAIL },
	{ "tel", R_TEL }, { "url", R_URL }, { "adr", R_ADR }, { "note", R_NOTE },
	{ "categories", R_CATEGORIES }, { "bday", R_BDAY }, { "anniversary", R_ANNIV },
	{ "bday-year", R_BYEAR }, { "bday-month", R_BMONTH }, { "bday-day", R_BDOM },
	{ "extra", R_EXTRA }, { "ignore", R_IGNORE },
};

static const char *adr_part_names[] = {
	"pobox", "ext", "street", "city", "region", "code", "country", "label",
};

/* "TARGET[:TYPE[:PART]]" into c; NULL or what is wrong. */
static const char *
parse_target(char *t, struct column *c)
{
	char *type = strchr(t, ':'), *part = NULL, *p;
	size_t i;

	memset(c, 0, sizeof *c);
	c->label = -1;
	if (type) {
		*type++ = '\0';
		if ((part = strchr(type, ':')) != NULL)
			*part++ = '\0';
	}
	for (i = 0; i < sizeof targets / sizeof targets[0]; i++)
		if (strcmp(targets[i].name, t) == 0)
			break;
	if (i == sizeof targets / sizeof targets[0])
		return "unknown target";
	c->role = (unsigned char)targets[i].role;
	if (c->role == R_ADR) {
		if (!type || !part)
			return "adr needs a type and a part: adr:TYPE:PART";
		c->slot = strcmp(type, "work") == 0 ? SLOT_WORK : strcmp(type, "home") == 0 ?
		    SLOT_HOME : strcmp(type, "other") == 0 ? SLOT_OTHER : SLOT_PLAIN;
		for (i = 0; i < NPART; i++)
			if (strcmp(adr_part_names[i], part) == 0)
				break;
		if (i == NPART)
			return "unknown address part";
		c->part = (unsigned char)(i == 7 ? A_FORMATTED : i);
		return NULL;
	}
	if (part)
		return "only adr takes a part";
	if (type && *type) {
		if (c->role != R_EMAIL && c->role != R_TEL && c->role != R_URL)
			return "only email, tel and url take a type";
		for (p = type; *p; p++) {
			if (!isalnum((unsigned char)*p) && *p != ',' && *p != '-')
				return "a type is letters, digits, - and ,";
			*p = (char)toupper((unsigned char)*p);
		}
		c->type = xstrdup(type);
	}
	return NULL;
}

struct mapping *
mapping_read(const char *path)
{
	struct mapping *m = xcalloc(1, sizeof *m);
	FILE *f = fopen(path, "r");
	char *line = NULL, *t, *h;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	const char *why;

	if (!f)
		die("%s:", path);
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		for (t = line; *t == ' ' || *t == '\t'; t++)
			;
		if (!*t || *t == '#')
			continue;
		for (h = t; *h && *h != ' ' && *h != '\t'; h++)
			;
		if (*h)
			*h++ = '\0';
		while (*h == ' ' || *h == '\t')
			h++;
		if (!*h) {
			warn_at(path, lineno, "expected TARGET HEADER");
			exit(2);
		}
		m->header = xrealloc(m->header, (m->n + 1) * sizeof *m->header);
		m->col = xrealloc(m->col, (m->n + 1) * sizeof *m->col);
		if ((why = parse_target(t, &m->col[m->n])) != NULL) {
			warn_at(path, lineno, "%s: %s", t, why);
			exit(2);
		}
		m->header[m->n++] = header_key(h);
	}
	if (ferror(f))
		die("%s:", path);
	fclose(f);
	free(line);
	return m;
}

void
mapping_free(struct mapping *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->header[i]);
		free((char *)m->col[i].type);
	}
	free(m->header);
	free(m->col);
	free(m);
}

const struct column *
mapping_column(const struct mapping *m, const char *key)
{
	size_t j;

	for (j = 0; j < m->n; j++)
		if (strcmp(m->header[j], key) == 0)
			return &m->col[j];
	return NULL;
}
