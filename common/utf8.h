/* utf8: is a byte string UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF)? One check for the tools that read text: ldif2prov
 * (values it carries), csvread (the encoding of a file, each row). The fuzz
 * harnesses keep their own, slower oracle (tests/fuzz/utf8.h) to test this
 * one against. */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

enum {
	UTF8_NO_NUL = 1,	/* a NUL byte makes it invalid: text, not bytes */
	UTF8_CUT_OK = 2,	/* a sequence cut by the end is valid: s is a window */
};

/* 1 when s[0..n) is UTF-8 (with flags as above), else 0. */
int utf8_valid(const void *s, size_t n, unsigned flags);

#endif
