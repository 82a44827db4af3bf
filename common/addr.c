/* addr: the one rule for a mail address (see addr.h for the rule and why),
 * by a table of what each byte may be: every address a tool reads is
 * checked, so a byte costs one look-up. */
#include <string.h>

#include "addr.h"

enum { A_LOCAL = 1, A_LABEL = 2 };

static unsigned char bytes[256];

static void
init(void)
{
	int c;

	for (c = 0x21; c < 256; c++) {
		if (c != 0x7f && !strchr("\"(),:;<>@[\\]", c))
			bytes[c] |= A_LOCAL;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c >= 0x80)
			bytes[c] |= A_LABEL;
	}
}

int
addr_domain_ok(const char *d, size_t n)
{
	const unsigned char *p = (const unsigned char *)d, *e = p + n;
	int dots = 0;

	if (!bytes['a'])
		init();
	if (n == 0 || n > 255 || p[0] == '.' || e[-1] == '.')
		return 0;
	for (; p < e; p++) {
		if (*p == '.') {
			if (p[-1] == '.')
				return 0;
			dots++;
		} else if (!(bytes[*p] & A_LABEL))
			return 0;
	}
	return dots > 0;
}

const char *
addr_check(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n, *at;

	if (!bytes['a'])
		init();
	for (at = p; at < e && (bytes[*at] & A_LOCAL); at++)
		;
	/* the local part ends at the first byte it may not hold: the '@' */
	if (at == p || at == e || *at != '@' ||
	    !addr_domain_ok((const char *)at + 1, (size_t)(e - at - 1)))
		return NULL;
	return (const char *)at;
}
