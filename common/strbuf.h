/* strbuf: a growing byte buffer, always NUL-terminated. */
#ifndef STRBUF_H
#define STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
};

/* Room for n more bytes and the NUL: b->s + b->len may then be written up
 * to n bytes on, b->len set by hand. */
void sb_reserve(struct strbuf *b, size_t n);
void sb_add(struct strbuf *b, const void *p, size_t n);
void sb_addc(struct strbuf *b, char c);
void sb_adds(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *b);
void sb_free(struct strbuf *b);

#endif
