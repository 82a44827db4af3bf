/*
 * csv-floor: parse a CSV file with libcsv and do nothing else, the lower
 * bound ("floor") csv2vcard's speed is measured against: the same 64 KiB
 * reads, the same parser, callbacks that only count.
 * Usage: csv-floor [FILE]; the row and field counts go to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

static unsigned long nrows, nfields;

static void
field(void *s, size_t n, void *data)
{
	(void)s, (void)n, (void)data;
	nfields++;
}

static void
row(int c, void *data)
{
	(void)c, (void)data;
	nrows++;
}

int
main(int argc, char *argv[])
{
	static char buf[65536];
	struct csv_parser p;
	FILE *f = stdin;
	size_t n;

	if (argc > 2) {
		fprintf(stderr, "usage: csv-floor [FILE]\n");
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0 && (f = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	if (csv_init(&p, 0) != 0)
		return 2;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (csv_parse(&p, buf, n, field, row, NULL) != n) {
			fprintf(stderr, "csv-floor: %s\n", csv_strerror(csv_error(&p)));
			return 2;
		}
	if (ferror(f)) {
		perror("csv-floor: read");
		return 2;
	}
	csv_fini(&p, field, row, NULL);
	csv_free(&p);
	fprintf(stderr, "%lu rows, %lu fields\n", nrows, nfields);
	return 0;
}
