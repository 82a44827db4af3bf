/* Unit test of common/lineio: lines of any length, numbered. */
#include <stdlib.h>

#include "../../common/lineio.h"
#include "tap.h"

int
main(void)
{
	static const struct { const char *in; int strip; const char *lines[4]; } cases[] = {
		{ "a\nbb\n", 0, { "a", "bb", NULL } },
		{ "a\r\nb\r\n", 1, { "a", "b", NULL } },
		{ "a\r\nb", 0, { "a\r", "b", NULL } },
		{ "\n\nlast", 1, { "", "", "last", NULL } },
		{ "", 0, { NULL } },
	};
	size_t i, n;
	char *big = malloc(1 << 20);

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lineio lr;
		int j, good = 1;
		char *s;

		memset(&lr, 0, sizeof lr);
		lr.name = "t";
		lr.fp = strlen(cases[i].in) ? fmemopen((void *)cases[i].in, strlen(cases[i].in), "r")
		    : fopen("/dev/null", "r");
		for (j = 0; cases[i].lines[j]; j++) {
			s = lineio_next(&lr, &n, cases[i].strip);
			if (!s || strcmp(s, cases[i].lines[j]) != 0 || lr.lineno != (unsigned long)j + 1)
				good = 0;
		}
		if (lineio_next(&lr, &n, cases[i].strip))
			good = 0;
		ok(good, "case %zu: %d lines, numbered", i + 1, j);
		fclose(lr.fp);
		free(lr.buf);
	}
	{
		struct lineio lr;
		char *s;

		memset(big, 'x', (1 << 20) - 1);
		big[(1 << 20) - 2] = '\n';
		big[(1 << 20) - 1] = 'y';
		memset(&lr, 0, sizeof lr);
		lr.fp = fmemopen(big, 1 << 20, "r");
		lr.name = "big";
		s = lineio_next(&lr, &n, 0);
		ok(s && n == (1 << 20) - 2, "a line of one megabyte comes whole (%zu bytes)", n);
		s = lineio_next(&lr, &n, 0);
		ok(s && n == 1 && lr.lineno == 2, "then the unterminated last line");
		fclose(lr.fp);
		free(lr.buf);
	}
	ok(lineio_open(&(struct lineio){ 0 }, "/nonexistent/x") == -1, "a missing file fails to open");
	free(big);
	return tap_done();
}
