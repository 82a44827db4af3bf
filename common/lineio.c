/* lineio: getline(3) with a name and a line counter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "lineio.h"

int
lineio_open(struct lineio *lr, const char *path)
{
	memset(lr, 0, sizeof *lr);
	if (!path || strcmp(path, "-") == 0) {
		lr->fp = stdin;
		lr->name = "<stdin>";
		return 0;
	}
	lr->fp = fopen(path, "r");
	if (!lr->fp)
		return -1;
	lr->name = path;
	lr->own = 1;
	return 0;
}

char *
lineio_next(struct lineio *lr, size_t *len, int strip_cr)
{
	ssize_t n;

	errno = 0;
	n = getline(&lr->buf, &lr->cap, lr->fp);
	if (n < 0) {
		if (ferror(lr->fp))
			die("%s: read error:", lr->name);
		return NULL;
	}
	lr->lineno++;
	if (n > 0 && lr->buf[n - 1] == '\n')
		lr->buf[--n] = '\0';
	if (strip_cr && n > 0 && lr->buf[n - 1] == '\r')
		lr->buf[--n] = '\0';
	if (len)
		*len = (size_t)n;
	return lr->buf;
}

void
lineio_close(struct lineio *lr)
{
	if (lr->own && lr->fp)
		fclose(lr->fp);
	free(lr->buf);
	memset(lr, 0, sizeof *lr);
}
