/* fold: content lines of iCalendar and vCard (RFC 5545 3.1, RFC 6350 3.2)
 * written folded at 75 octets, never inside a UTF-8 character. */
#ifndef FOLD_H
#define FOLD_H

#include <stddef.h>

#include "strbuf.h"

#define FOLD_WIDTH 75	/* octets per physical line, CRLF excluded */

/* Append the unfolded line s (n bytes, no line end) to b as physical lines
 * of at most FOLD_WIDTH octets, each ended by CRLF, continuations starting
 * with one space. A break goes before a UTF-8 lead byte, never before a
 * continuation byte (10xxxxxx), unless a run of continuation bytes longer
 * than a line leaves no such place (bytes that are not UTF-8 anyway). */
void fold_line(struct strbuf *b, const char *s, size_t n);

#endif
