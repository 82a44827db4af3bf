/* report: the tab-separated report lines of design.md, "STATUS<TAB>...",
 * one per unit of work, so that `grep -v '^ok'` shows every problem. */
#ifndef REPORT_H
#define REPORT_H

#include <stdarg.h>
#include <stdio.h>

/* Write STATUS and the fields, NULL-terminated list, as one line. A tab,
 * newline, CR or backslash inside a field is written as \t \n \r \\ so that
 * a field never breaks the columns. */
void report_line(FILE *f, const char *status, ...) __attribute__((sentinel));
/* Append one field's escaped form to f (no separator). */
void report_field(FILE *f, const char *s);

/* The same line, newline included, appended to b: for a writer that must
 * write each line whole with one write(2), as parallel workers do. */
struct strbuf;
void report_vformat(struct strbuf *b, const char *status, va_list ap);

/* The same line written to standard output with one write(2), so that
 * the lines of parallel workers never mix. A failed write is fatal. */
void report_atomic(const char *status, ...) __attribute__((sentinel));

#endif
