/* strbuf: a growing byte buffer, always NUL-terminated. */
#ifndef STRBUF_H
#define STRBUF_H

#include <stddef.h>
#include <string.h>

struct strbuf {
	char *s;
	size_t len, cap;
};

/* Make room for n more bytes and the NUL. */
void sb_grow(struct strbuf *b, size_t n);

/* Inline: they run once per byte or per field in the streaming tools. */
static inline void
sb_add(struct strbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		sb_grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void
sb_addc(struct strbuf *b, char c)
{
	if (b->len + 2 > b->cap)
		sb_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

/* Room for n more bytes and the NUL: b->s + b->len may then be written up
 * to n bytes on, b->len set by hand. */
static inline void
sb_reserve(struct strbuf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
		sb_grow(b, n);
}

void sb_adds(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void
sb_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sb_free(struct strbuf *b);

#endif
