/* diag: diagnostics on stderr in the toolkit's one form, and allocation
 * that dies loudly instead of returning NULL. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

const char *diag_prog = "?";
void (*diag_hook)(void *ctx, const char *file, unsigned long line, const char *msg);
void *diag_hook_ctx;

void
diag_init(const char *argv0)
{
	const char *s = argv0 ? strrchr(argv0, '/') : NULL;

	diag_prog = s ? s + 1 : argv0 ? argv0 : "?";
}

void
vwarn_at(const char *file, unsigned long line, const char *fmt, va_list ap)
{
	int e = errno;
	size_t n = strlen(fmt);

	if (file && diag_hook) {
		char msg[1024];
		int k = vsnprintf(msg, sizeof msg, fmt, ap);

		if (n && fmt[n - 1] == ':' && k >= 0 && (size_t)k < sizeof msg)
			snprintf(msg + k, sizeof msg - (size_t)k, " %s", strerror(e));
		diag_hook(diag_hook_ctx, file, line, msg);
		return;
	}
	fflush(stdout);
	fprintf(stderr, "%s: ", diag_prog);
	if (file && line)
		fprintf(stderr, "%s:%lu: ", file, line);
	else if (file)
		fprintf(stderr, "%s: ", file);
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(e));
	fputc('\n', stderr);
}

void
warn_at(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(file, line, fmt, ap);
	va_end(ap);
}

void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(NULL, 0, fmt, ap);
	va_end(ap);
}

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(NULL, 0, fmt, ap);
	va_end(ap);
	exit(2);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
