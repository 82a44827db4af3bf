/* icsvalid: a quick check of one iCalendar content line, so that libical
 * is only asked about the lines it might refuse.
 *
 * icsv_sure() answers 1 only for a line that libical 3.0's parser is
 * certain to take without an error: a property it knows, parameters it
 * knows with well-formed values, and a value that is well-formed for the
 * property's type, checked more strictly than libical checks it (dates
 * and times in range, recurrence rules part by part). Anything else, 0:
 * not "wrong", only "ask libical". So the verdicts that matter are
 * libical's own, and a line is never carried that libical would refuse;
 * tests/unit/icsvalid holds the check to that, line by line, against
 * libical itself. */
#ifndef ICSVALID_H
#define ICSVALID_H

#include <stddef.h>

/* Split a content line NAME *(";" param) ":" value: the name's length and
 * where the value starts; 0 when it is not a content line. */
/* The length of the name at the start of s: letters, digits and '-'. */
size_t icsv_name_len(const char *s, size_t n);

int icsv_split(const char *s, size_t n, size_t *namelen, size_t *valoff);

/* s: the unfolded line of a property (n octets): icsv_check() is sure of
 * it (BEGIN and END are not properties). */
int icsv_sure(const char *s, size_t n);

/* What icsv_check() says of a line besides its verdict. */
enum { ICSV_OTHER, ICSV_BEGIN, ICSV_END, ICSV_UID, ICSV_DTSTAMP };
struct icsv_line {
	size_t namelen, valoff;	/* as icsv_split() (when the verdict is 1) */
	size_t tz, tzlen;	/* a TZID parameter's value, unquoted; tzlen 0: none */
	int kind;		/* ICSV_BEGIN... (upper-case names only) */
};

/* icsv_split() and icsv_sure() in one pass, for the lines of a component
 * read the quick way: 1 sure (BEGIN and END too, with any value: the
 * caller checks the component name), 0 ask libical (namelen and valoff
 * then unset), -1 not a content line. */
int icsv_check(const char *s, size_t n, struct icsv_line *l);

/* 1 when libical knows the component name (VEVENT, VALARM...). */
int icsv_known_component(const char *name, size_t n);

#endif
