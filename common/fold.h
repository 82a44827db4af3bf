/* fold: content lines of vCard (RFC 6350 3.2, RFC 2426 2.6) and iCalendar
 * (RFC 5545 3.1): at most 75 octets a line, longer ones continued on lines
 * that start with a space, CRLF after each; a UTF-8 character is never cut
 * in two, since many readers would then show garbage. */
#ifndef FOLD_H
#define FOLD_H

#include <stddef.h>

#include "strbuf.h"

#define FOLD_WIDTH 75

/* Append the n bytes of one unfolded content line (without its line end)
 * to b, folded, each physical line ended by CRLF. */
void fold_line(struct strbuf *b, const char *line, size_t n);

#endif
