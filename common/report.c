/* report: one line per unit of work; fields escaped so columns hold. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "diag.h"
#include "out.h"
#include "report.h"
#include "strbuf.h"

void
report_field(FILE *f, const char *s)
{
	const char *p = s, *run = s;

	for (; *p; p++) {
		const char *esc = NULL;

		switch (*p) {
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\\': esc = "\\\\"; break;
		}
		if (esc) {
			out_write(f, run, (size_t)(p - run));
			out_write(f, esc, 2);
			run = p + 1;
		}
	}
	out_write(f, run, (size_t)(p - run));
}

void
report_line(FILE *f, const char *status, ...)
{
	va_list ap;
	const char *s;

	report_field(f, status);
	va_start(ap, status);
	while ((s = va_arg(ap, const char *)) != NULL) {
		out_write(f, "\t", 1);
		report_field(f, s);
	}
	va_end(ap);
	out_write(f, "\n", 1);
}

static void
escape_into(struct strbuf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '\t': sb_adds(b, "\\t"); break;
		case '\n': sb_adds(b, "\\n"); break;
		case '\r': sb_adds(b, "\\r"); break;
		case '\\': sb_adds(b, "\\\\"); break;
		default: sb_addc(b, *s);
		}
}

void
report_vformat(struct strbuf *b, const char *status, va_list ap)
{
	const char *s;

	escape_into(b, status);
	while ((s = va_arg(ap, const char *)) != NULL) {
		sb_addc(b, '\t');
		escape_into(b, s);
	}
	sb_addc(b, '\n');
}

void
report_atomic(const char *status, ...)
{
	struct strbuf b = { 0 };
	va_list ap;

	va_start(ap, status);
	report_vformat(&b, status, ap);
	va_end(ap);
	fflush(stdout);
	for (size_t off = 0; off < b.len;) {
		ssize_t w = write(1, b.s + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("stdout:");
		off += (size_t)w;
	}
	sb_free(&b);
}
