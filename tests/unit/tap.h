/* tap.h: the few TAP helpers the C unit tests need (prove reads them). */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static void __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		printf("#   failed at %s:%d\n", file, line);
		tap_failed++;
	}
}

/* Show a byte string C-escaped in a diagnostic. */
__attribute__((unused)) static const char *
tap_show(const char *s, size_t n)
{
	static char buf[8][512];
	static int k;
	char *o = buf[k = (k + 1) % 8];
	size_t i, j = 0;

	for (i = 0; i < n && j < sizeof buf[0] - 6; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' || c == '"')
			j += (size_t)sprintf(o + j, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			j += (size_t)sprintf(o + j, "\\x%02x", c);
		else
			o[j++] = (char)c;
	}
	o[j] = '\0';
	return o;
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
