/* provline: the provisioning stream's codec. A line is a `carbonio prov`
 * (zmprov) batch command; words are quoted and parsed back exactly as
 * zmprov's own parser (StringUtil.parseLine) does:
 *   - words are separated by Java whitespace (ASCII 9-13, 28-32 and the
 *     Unicode space separators other than no-break spaces);
 *   - a word that STARTS with ' or " runs to the matching quote ('' is an
 *     empty word); a quote inside a word is an ordinary character;
 *   - everywhere, \\ \n \t \r \' \" are escapes, \<space> an escaped space,
 *     and any other \X is X;
 *   - a physical line ending in \ continues on the next one; empty lines
 *     are skipped; a first word `prov` is ignored. */
#ifndef PROVLINE_H
#define PROVLINE_H

#include <stddef.h>

#include "lineio.h"
#include "strbuf.h"

/* Append word w (n bytes, any bytes) to b in a form parse gives back. */
void prov_quote(struct strbuf *b, const char *w, size_t n);
/* Append " " and the quoted word (or just the word when b is empty). */
void prov_word(struct strbuf *b, const char *w, size_t n);
void prov_words(struct strbuf *b, const char *w);	/* NUL-terminated */

struct prov_argv {
	size_t argc;
	char **argv;		/* argv[i] is NUL-terminated ... */
	size_t *len;		/* ... but may hold NULs: len[i] is its length */
	size_t cap;
	struct strbuf store;
};

/* Split one logical line into words. Returns the number of words. */
size_t prov_parse(struct prov_argv *a, const char *line, size_t n);
void prov_argv_free(struct prov_argv *a);

/* Read the next logical command line (joining "\"-continued lines, skipping
 * empty ones) into b; *first is the number of its first physical line.
 * Returns 0 at end of input, 1 otherwise. */
int prov_read(struct lineio *lr, struct strbuf *b, unsigned long *first);

#endif
