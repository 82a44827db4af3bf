/* csv2vcard's parts: columns.c reads a header into a layout (what each
 * column holds), with patterns.c (columns read by the pattern of their
 * name) and mapping.c (the mapping file, -m); card.c turns a row into a
 * vCard with that layout, with dates.c (dates read and written); options.c
 * reads the options csv2vcard and mig-check share. */
#ifndef CSV2VCARD_H
#define CSV2VCARD_H

#include <stddef.h>

#include "../../common/csvread.h"
#include "../../common/strbuf.h"

enum role {
	R_IGNORE,	/* known and not worth carrying (Outlook's Priority...) */
	R_EXTRA,	/* no vCard property: "Header: value" in NOTE */
	R_FN, R_GIVEN, R_MIDDLE, R_FAMILY, R_PREFIX, R_SUFFIX, R_NICK,
	R_ORG, R_DEPT, R_TITLE,
	R_EMAIL, R_TEL, R_URL,
	R_ADR,		/* one part of an address: see part and slot */
	R_NOTE, R_CATEGORIES,
	R_BDAY, R_ANNIV, R_BYEAR, R_BMONTH, R_BDOM,
	R_EVENT,	/* Google "Event n - Value": its label says which date */
	R_LABEL,	/* Google "X n - Label": read through another column */
	R_KIND,		/* Zimbra "type": "group" marks a contact group */
	R_DLIST,	/* Zimbra "dlist": a group's members */
};

enum adr_part { A_POBOX, A_EXT, A_STREET, A_CITY, A_REGION, A_CODE, A_COUNTRY, A_FORMATTED, NPART };

#define NSLOT 16	/* addresses per contact: work, home, other, plain, then numbered */
enum { SLOT_WORK, SLOT_HOME, SLOT_OTHER, SLOT_PLAIN, SLOT_NUMBERED };

struct column {
	unsigned char role;
	unsigned char part;	/* R_ADR */
	unsigned char slot;	/* R_ADR */
	unsigned char pref;	/* the preferred value (TYPE=PREF) */
	const char *type;	/* TYPE parameter, vCard 3.0 spelling, or NULL */
	int label;		/* the column holding this one's label, or -1 */
	char *header;		/* as written in the file (for R_EXTRA) */
};

enum dialect { D_GENERIC, D_OUTLOOK, D_GOOGLE, D_GOOGLE_OLD, D_THUNDERBIRD, D_ZIMBRA, D_APPLE,
	D_YAHOO };

/* A column that reached NOTE only because its name is not known, while it
 * looks like it should not have: said once per file, at its first value. */
enum watch { W_NONE, W_EMAIL, W_TEL, W_ADR, W_VALUES /* e-mail addresses? */ };
enum date_order { DATE_AUTO, DATE_MDY, DATE_DMY };

struct layout {
	enum dialect dialect;
	const char *language;	/* Thunderbird's header language */
	size_t ncols;
	struct column *col;
	int slot_label[NSLOT];	/* Google: the column labelling address slot n */
	int multi;		/* Google: " ::: " separates values in a cell */
	enum date_order dates;
	int kind_col;		/* Zimbra "type" column, or -1 */
	unsigned char *watch;	/* per column, W_*; set back to W_NONE once said */
};

struct mapping;

extern const char *dialect_name[];

/* Read a mapping file (see the man page); dies on a bad line. */
struct mapping *mapping_read(const char *path);
/* Build the layout for a header row. Returns 0, or -1 when no column says
 * anything a contact could be made of. */
int layout_from_header(struct layout *lo, const struct csvrow *hdr, const struct mapping *m,
    int delim, enum date_order dates);
void layout_free(struct layout *lo);

struct card_opts {
	int version4;
};

enum card_result { CARD_OK, CARD_SKIP, CARD_GROUP, CARD_EMPTY };

/* Values reported but kept (in NOTE): the run's exit status is then 1. */
extern unsigned long card_warnings;

/* Turn a row into one vCard appended to out (CRLF, folded). On CARD_SKIP,
 * why says what is missing; warnings about single values (a date that is
 * not one) go to stderr with the row's line and the value is kept in NOTE. */
enum card_result card_build(struct strbuf *out, const struct layout *lo, const struct csvrow *row,
    const struct card_opts *o, const char *fname, struct strbuf *why);

/* Parse a date in the layout's order: 1 and y/m/d (y 0 when none), 0 for
 * "no date" (empty, 0/0/00), -1 when it is not a date. */
int parse_date(const char *s, enum date_order order, int *y, int *m, int *d);
/* Days in month m (1-12) of year y; y 0 (no year) lets February have 29. */
int days_in_month(int y, int m);
/* y/m/d as a vCard date: 3.0 1980-03-15, --03-15; 4.0 19800315, --0315. */
void date_value(struct strbuf *b, const int *ymd, int v4);

/* TYPE for a label such as Google's "* Work" or "Mobile" (*pref set for the
 * leading "* "); NULL when it names no vCard type. */
const char *label_type(const char *label, int role, int *pref);
void mapping_free(struct mapping *m);

/* The options that decide what a row becomes, read alike by csv2vcard and
 * by mig-check, which makes the cards again to check those written:
 * -4 vCard 4.0, -D dmy|mdy, -e encoding, -F delimiter, -m mapping file. */
struct conv_opts {
	struct card_opts card;
	enum date_order dates;
	const char *encoding;
	int delim;
	struct mapping *map;
};
#define CONV_GETOPT "4D:e:F:m:"
/* 1 when ch is one of these and taken; -1 when its value is wrong (said on
 * standard error); 0 when ch is none of them. */
int conv_option(struct conv_opts *o, int ch, const char *arg);
/* After the options: an encoding iconv does not know is fatal. */
void conv_finish(const struct conv_opts *o);
#endif
