/* Fuzz target (libFuzzer) for common/csvread: any bytes as a CSV export.
 * The first byte picks the options a user can give (-e encoding, -D
 * delimiter, a small row limit), whether the header's every other column is
 * skipped as csv2vcard skips unknown ones, and whether the rest is repeated
 * past the reader's 64 KiB chunk (an encoding's sequence or a row split
 * across two chunks). Checked beyond "no crash": the row is what csvread.h
 * says it is (fields NUL-ended at their length and in UTF-8, the non-empty
 * ones listed in order, line numbers that never go back). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../common/csvread.h"
#include "../../common/diag.h"
#include "utf8.h"

static unsigned char skip[64];
static unsigned long lastline;


static void
row(const struct csvrow *r, struct csvinfo *info, void *ctx)
{
	size_t k = 0;

	if (r->line < lastline)
		abort();
	lastline = r->line;
	for (size_t i = 0; i < r->n; i++) {
		if (!r->f[i] || r->f[i][r->len[i]] != '\0')
			abort();
		/* -e UTF-8: glibc's iconv passes F5-F7 leads (code points
		 * past U+10FFFF) through; reported, not csvread's to fix here */
		if (!utf8((const unsigned char *)r->f[i], r->len[i])) {
			fprintf(stderr, "line %lu field %zu: not UTF-8\n", r->line, i);
			abort();
		}
		if (r->len[i] && (k >= r->nfull || r->full[k++] != i))
			abort();
	}
	if (k != r->nfull)
		abort();
	if (ctx && !info->skip) {
		info->skip = skip;
		info->nskip = sizeof skip;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const enc[] = { NULL, "UTF-8", "UTF-16", "WINDOWS-1252" };
	static const int delim[] = { 0, ',', ';', '\t' };
	struct csvread_opts o = { 0 };
	unsigned long nerr = 0;
	char path[64];
	int fd;

	if (size < 1)
		return 0;
	diag_prog = "fuzz-csvread";
	for (size_t i = 0; i < sizeof skip; i++)
		skip[i] = i & 1;
	o.encoding = enc[data[0] & 3];
	o.delim = delim[(data[0] >> 2) & 3];
	o.max_row = data[0] & 0x10 ? 64 : 0;
	if ((fd = memfd_create("csv", 0)) < 0)
		return 0;
	do {
		if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
			abort();
	} while ((data[0] & 0xc0) == 0xc0 && size > 1 && lseek(fd, 0, SEEK_CUR) < 70000);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	lastline = 0;
	if (csvread(path, "fuzz.csv", &o, row, data[0] & 0x20 ? &o : NULL, &nerr) != 0)
		abort();
	close(fd);
	return 0;
}
