/* out: checked output. A full disk or a closed pipe is an error exit (2),
 * never a silent success. */
#ifndef OUT_H
#define OUT_H

#include <stddef.h>
#include <stdio.h>

/* Ignore SIGPIPE so that a closed pipe becomes EPIPE, reported and exit 2. */
void out_init(void);
void out_write(FILE *f, const void *p, size_t n);
void out_puts(FILE *f, const char *s);
void out_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Flush and close stdout (and stderr's pending bytes); die on any error. */
void out_close_stdout(void);
/* Copy a whole stream (read from its current position) to f. */
void out_copy(FILE *f, FILE *from, const char *what);

#endif
