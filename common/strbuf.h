/* strbuf: a growing byte buffer, always NUL-terminated. */
#ifndef STRBUF_H
#define STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
};

void sb_add(struct strbuf *b, const void *p, size_t n);
void sb_addc(struct strbuf *b, char c);
void sb_adds(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *b);
void sb_free(struct strbuf *b);

#endif
