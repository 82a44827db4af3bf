/* csvread: rows of a CSV export whatever wrote it. The encoding (UTF-8 with
 * or without BOM, UTF-16 with BOM, windows-1252, or one named) is recognised
 * and converted to UTF-8 with iconv before libcsv sees a byte; the delimiter
 * (, ; or TAB) is recognised from the first line; each row comes with the
 * number of the physical line it starts on, however many lines its quoted
 * fields span. Memory holds one chunk of input and one row. */
#ifndef CSVREAD_H
#define CSVREAD_H

#include <stddef.h>

struct csvrow {
	size_t n;		/* number of fields */
	char **f;		/* f[i]: UTF-8, NUL-terminated ... */
	size_t *len;		/* ... of len[i] bytes */
	size_t *full;		/* the indexes of the fields that are not */
	size_t nfull;		/* empty, in order: most cells of an export are */
	size_t nskipped;	/* values of skipped columns (csvinfo) not empty */
	unsigned long line;	/* the physical line the row starts on */
};

struct csvread_opts {
	const char *encoding;	/* an iconv name; NULL: recognise it */
	int delim;		/* ',' ';' '\t'; 0: recognise it */
	size_t max_row;		/* a row longer than this (bytes) is reported
				   and skipped: a stray quote must not swallow
				   the file into memory; 0: 4 MiB */
};

struct csvinfo {
	const char *encoding;	/* what was recognised or named */
	int delim;
	/* Set by the caller (from the header, say): columns whose values it
	 * does not want. They come as empty fields, uncopied; a row counts
	 * in nskipped those that were not empty. */
	const unsigned char *skip;
	size_t nskip;
};

/* Called for each row; the row lives until the function returns. */
typedef void (*csvrow_fn)(const struct csvrow *row, struct csvinfo *info, void *ctx);

/* Read the file (NULL or "-": standard input; name is what diagnostics
 * call it) and call fn for every row, the header included. Problems with
 * the data (a quote never closed, bytes the encoding does not allow) are
 * reported as "prog: NAME:LINE: message" and counted in *nerr. Returns 0,
 * or -1 with errno set when the file cannot be opened or read. */
int csvread(const char *path, const char *name, const struct csvread_opts *opts,
    csvrow_fn fn, void *ctx, unsigned long *nerr);

#endif
