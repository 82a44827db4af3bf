/* Unit test of common/report: fields never break the columns. */
#include <stdlib.h>

#include "../../common/report.h"
#include "../../common/strbuf.h"
#include "tap.h"

static const struct {
	const char *status, *a, *b, *want;
} cases[] = {
	{ "ok", "12", "ca", "ok\t12\tca\n" },
	{ "failed", "3", "No such object", "failed\t3\tNo such object\n" },
	{ "failed", "tab\there", "two\nlines", "failed\ttab\\there\ttwo\\nlines\n" },
	{ "exists", "c:\\x", "cr\r", "exists\tc:\\\\x\tcr\\r\n" },
	{ "ok", "", "", "ok\t\t\n" },
};

/* report_vformat, the same line into a buffer */
static void
format(struct strbuf *b, const char *status, ...)
{
	va_list ap;

	va_start(ap, status);
	report_vformat(b, status, ap);
	va_end(ap);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *buf = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&buf, &n);

		report_line(f, cases[i].status, cases[i].a, cases[i].b, (char *)NULL);
		fclose(f);
		ok(strcmp(buf, cases[i].want) == 0, "report line %zu is \"%s\"", i + 1,
		    tap_show(buf, n));
		free(buf);

		struct strbuf b = { 0 };
		format(&b, cases[i].status, cases[i].a, cases[i].b, (char *)NULL);
		ok(b.s && strcmp(b.s, cases[i].want) == 0, "formatted line %zu is the same",
		    i + 1);
		sb_free(&b);
	}
	return tap_done();
}
