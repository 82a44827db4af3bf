/* lineio: lines of any length from a named input, with their numbers, so
 * that every diagnostic can say FILE:LINE. */
#ifndef LINEIO_H
#define LINEIO_H

#include <stdio.h>
#include <sys/types.h>

struct lineio {
	FILE *fp;
	const char *name;	/* "-" shows as "<stdin>" */
	unsigned long lineno;	/* number of the line last returned */
	char *buf;
	size_t cap;
	int own;		/* fp was opened by lineio_open */
};

/* Open a file, or stdin for NULL or "-". Returns -1 (errno set) on failure. */
int lineio_open(struct lineio *lr, const char *path);
/* The next line without its "\n" (and without a "\r" before it when
 * strip_cr); NUL-terminated, its length in *len. NULL at end of input;
 * a read error is fatal. The line lives until the next call. */
char *lineio_next(struct lineio *lr, size_t *len, int strip_cr);
void lineio_close(struct lineio *lr);

#endif
