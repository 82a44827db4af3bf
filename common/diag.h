/* diag: one way to say what went wrong, where: "prog: FILE:LINE: message". */
#ifndef DIAG_H
#define DIAG_H

#include <stdarg.h>
#include <stddef.h>

extern const char *diag_prog;	/* set once by diag_init() */

void diag_init(const char *argv0);
/* "prog: message" (errno text appended when the message ends in ':'). */
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: FILE:LINE: message"; line 0 leaves the line out. */
void warn_at(const char *file, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* warnmsg() then exit 2: a fatal failure. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void vwarn_at(const char *file, unsigned long line, const char *fmt, va_list ap);

/* When set, each message about a file (warn_at, vwarn_at with a file) goes
 * to it, formatted, instead of standard error: for a program that reads
 * another tool's input through that tool's own code and reports what it
 * says in its own form (mig-check preflight files). warnmsg() and die()
 * still go to standard error. */
extern void (*diag_hook)(void *ctx, const char *file, unsigned long line, const char *msg);
extern void *diag_hook_ctx;

/* Allocation that cannot fail quietly: out of memory is fatal (exit 2). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
