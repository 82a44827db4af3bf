/* size: sizes with k, M, G suffixes (see size.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "size.h"

int
size_parse(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v, mul = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mul = 1UL << 10; end++; break;
	case 'm': case 'M': mul = 1UL << 20; end++; break;
	case 'g': case 'G': mul = 1UL << 30; end++; break;
	default: return -1;
	}
	if (*end || (v && mul > ULONG_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}
