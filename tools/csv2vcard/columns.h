/* Between the parts that read a header into a layout: columns.c (the table
 * of names, the dialect, the layout), patterns.c (columns read by the
 * pattern of their name) and mapping.c (the mapping file). */
#ifndef CSV2VCARD_COLUMNS_H
#define CSV2VCARD_COLUMNS_H

#include <stddef.h>

#include "csv2vcard.h"

/* A header name as the tables write it: lower-case ASCII, spaces around
 * and runs of spaces made one (a new string). */
char *header_key(const char *s);
void column_set(struct column *c, int role, int part, int slot, const char *type);

/* A column of Google's numbered groups: 1, or 2 for a group it has no
 * property for and does not know (to be watched); 0 when the name is not
 * one. *slots_used grows with the numbered addresses. */
int google_column(struct layout *lo, struct column *c, const char *key, int *slots_used);
/* The column labelling column i of a numbered group, or -1. */
int find_label(const struct csvrow *hdr, char **keys, size_t i);
/* "Email (work)", "Address (home) Street": 1 when key is one (c->label is
 * then -2 when the parenthesis is the type, still to be read); 0 if not. */
int apple_column(struct column *c, const char *key);
/* What a column nobody knows seems to hold by the words of its name: W_*. */
unsigned char watch_kind(const char *key);

/* The mapping file's column for a header key, or NULL. */
const struct column *mapping_column(const struct mapping *m, const char *key);
#endif
