/* Unit test of common/csvread: encodings, delimiters, and the physical line
 * each row starts on. Each case is a file's bytes and the rows expected,
 * written "LINE:field|field|..." one a line. */
#include <stdlib.h>
#include <unistd.h>

#include "../../common/csvread.h"
#include "../../common/diag.h"
#include "../../common/strbuf.h"
#include "tap.h"

static const struct {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *want;
	unsigned long nerr;
	const char *enc;	/* recognised encoding */
	int delim;
} cases[] = {
	{ "comma, CRLF", "a,b\r\n1,2\r\n", 0, "1:a|b\n2:1|2\n", 0, "UTF-8", ',' },
	{ "no final line end", "a,b\n1,2", 0, "1:a|b\n2:1|2\n", 0, "UTF-8", ',' },
	{ "a quoted field spans lines: the next row's line counts them",
	  "h1,h2\n\"x\ny\nz\",2\n3,4\n", 0, "1:h1|h2\n2:x\ny\nz|2\n5:3|4\n", 0, "UTF-8", ',' },
	{ "blank lines are no rows but are counted",
	  "h\n\n\r\n   \nv\n", 0, "1:h\n5:v\n", 0, "UTF-8", ',' },
	{ "semicolons recognised", "a;b,c;d\n1;2,3;4\n", 0, "1:a|b,c|d\n2:1|2,3|4\n", 0, "UTF-8", ';' },
	{ "TAB recognised, spaces inside kept", "a b\tc\n1 2\t 3\n", 0, "1:a b|c\n2:1 2|3\n", 0, "UTF-8", '\t' },
	{ "delimiters inside quotes do not count", "\"a;b;c\",d\n", 0, "1:a;b;c|d\n", 0, "UTF-8", ',' },
	{ "doubled quotes, a stray quote kept", "a,b\n\"say \"\"hi\"\"\",Bob \"the\" builder\n", 0,
	  "1:a|b\n2:say \"hi\"|Bob \"the\" builder\n", 0, "UTF-8", ',' },
	{ "UTF-8 BOM is not part of the first field", "\xef\xbb\xbfName,x\n", 0, "1:Name|x\n", 0, "UTF-8", ',' },
	{ "UTF-16LE with BOM", "\xff\xfe" "N\0,\0\xe9\0\n\0", 10, "1:N|\xc3\xa9\n", 0, "UTF-16LE", ',' },
	{ "UTF-16BE with BOM", "\xfe\xff" "\0N\0,\0\xe9\0\n", 10, "1:N|\xc3\xa9\n", 0, "UTF-16BE", ',' },
	{ "windows-1252 recognised", "Jos\xe9,\x80\n", 0, "1:Jos\xc3\xa9|\xe2\x82\xac\n", 0, "WINDOWS-1252", ',' },
	{ "a quote never closed: reported, row dropped", "a,b\n\"x,y\n", 0, "1:a|b\n", 1, "UTF-8", ',' },
	{ "a stray quote after a quoted field: that row reported, the next ones kept",
	  "a,b\nAlice,1\n\"Carol\"x,2\nDave,3\nEve,4\n", 0, "1:a|b\n2:Alice|1\n4:Dave|3\n5:Eve|4\n",
	  1, "UTF-8", ',' },
	{ "... after spaces too, and at the end of a CRLF line",
	  "a,b\r\n\"Carol\" x,2\r\nDave,3\r\n", 0, "1:a|b\n3:Dave|3\n", 1, "UTF-8", ',' },
	{ "a quote inside an unquoted field is a character",
	  "a,b\nCar\"ol,2\nDave,3\n", 0, "1:a|b\n2:Car\"ol|2\n3:Dave|3\n", 0, "UTF-8", ',' },
	{ "an odd count of quotes: a field that may truly span lines is kept",
	  "a,b\n\"He said \"hi\" and\nbye\",2\nDave,3\n", 0,
	  "1:a|b\n2:He said \"hi\" and\nbye|2\n4:Dave|3\n", 0, "UTF-8", ',' },
};

static struct strbuf got;
static const char *got_enc;
static int got_delim;

static void
collect(const struct csvrow *row, struct csvinfo *info, void *ctx)
{
	size_t i;

	(void)ctx;
	sb_printf(&got, "%lu:", row->line);
	for (i = 0; i < row->n; i++) {
		if (i)
			sb_addc(&got, '|');
		sb_add(&got, row->f[i], row->len[i]);
	}
	sb_addc(&got, '\n');
	got_enc = info->encoding;
	got_delim = info->delim;
}

/* Like collect, and from the header on, column 1 is not wanted. */
static void
collect_skip(const struct csvrow *row, struct csvinfo *info, void *ctx)
{
	static const unsigned char skip[] = { 0, 1, 0 };

	collect(row, info, ctx);
	sb_printf(&got, "(%zu skipped)\n", row->nskipped);
	info->skip = skip;
	info->nskip = sizeof skip;
}

int
main(void)
{
	char path[] = "/tmp/csvread-test.XXXXXX";
	struct csvread_opts o = { 0 };
	unsigned long nerr;
	size_t i, n;
	FILE *f;
	int fd;

	diag_init("csvread-test");
	if ((fd = mkstemp(path)) < 0)
		return 2;
	close(fd);
	/* the cases' diagnostics are expected: keep them off the TAP stream */
	if (!freopen("/dev/null", "w", stderr))
		return 2;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = cases[i].len ? cases[i].len : strlen(cases[i].in);
		f = fopen(path, "wb");
		fwrite(cases[i].in, 1, n, f);
		fclose(f);
		sb_reset(&got);
		nerr = 0;
		got_enc = NULL;
		ok(csvread(path, path, &o, collect, NULL, &nerr) == 0, "%s: read", cases[i].name);
		ok(got.s && strcmp(got.s, cases[i].want) == 0, "%s: rows \"%s\"", cases[i].name,
		    tap_show(got.s ? got.s : "", got.len));
		ok(nerr == cases[i].nerr, "%s: %lu problems reported", cases[i].name, nerr);
		ok(got_enc && strcmp(got_enc, cases[i].enc) == 0 && got_delim == cases[i].delim,
		    "%s: encoding %s, delimiter '%c'", cases[i].name, got_enc ? got_enc : "-",
		    got_delim);
	}

	/* 64 KiB of ASCII, then a windows-1252 field the first look missed */
	f = fopen(path, "wb");
	fputs("h,v\n", f);
	for (n = 0; n < 7000; n++)
		fputs("abcdefgh,1\n", f);
	fputs("Jos\xe9,2\n", f);
	fclose(f);
	sb_reset(&got);
	nerr = 0;
	csvread(path, path, &o, collect, NULL, &nerr);
	ok(got.s && strstr(got.s, "\n7002:Jos\xc3\xa9|2\n") != NULL,
	    "a late windows-1252 field is converted on its own, on line 7002");

	/* a named encoding wins over recognition */
	f = fopen(path, "wb");
	fputs("\xe9,b\n", f);
	fclose(f);
	o.encoding = "ISO-8859-15";
	sb_reset(&got);
	csvread(path, path, &o, collect, NULL, &nerr);
	ok(got.s && strcmp(got.s, "1:\xc3\xa9|b\n") == 0 && strcmp(got_enc, "ISO-8859-15") == 0,
	    "-e: a named encoding is used");

	/* columns the caller does not want come empty, and are counted */
	f = fopen(path, "wb");
	fputs("a,b,c\n1,2,3\n4,,6\n", f);
	fclose(f);
	o.encoding = NULL;
	sb_reset(&got);
	csvread(path, path, &o, collect_skip, NULL, &nerr);
	ok(got.s && strcmp(got.s, "1:a|b|c\n(0 skipped)\n2:1||3\n(1 skipped)\n3:4||6\n(0 skipped)\n") == 0,
	    "skipped columns: empty, counted when they held something: \"%s\"",
	    tap_show(got.s ? got.s : "", got.len));

	/* a row over max_row on one line longer than a 64 KiB chunk: skipped
	 * to its end, not cut where a chunk ends into a row of its own */
	f = fopen(path, "wb");
	fputs("h,v\n", f);
	for (n = 0; n < 200000; n++)
		fputc('B', f);
	fputs(",big@example.com\ngood,1\n", f);
	fclose(f);
	o.max_row = 1000;
	sb_reset(&got);
	nerr = 0;
	csvread(path, path, &o, collect, NULL, &nerr);
	ok(got.s && strcmp(got.s, "1:h|v\n3:good|1\n") == 0 && nerr == 1,
	    "an overlong line is skipped to its end: \"%s\", %lu reported",
	    tap_show(got.s ? got.s : "", got.len > 60 ? 60 : got.len), nerr);

	/* ... and an overlong quoted field of many lines to the record's end,
	 * its quotes and delimiters read as the grammar says */
	f = fopen(path, "wb");
	fputs("h,v\nbig,\"", f);
	for (n = 0; n < 3000; n++)
		fputs("a line, of a \"\"long\"\" note\n", f);
	fputs("end\"  ,x\ngood,1\n", f);
	fclose(f);
	sb_reset(&got);
	nerr = 0;
	csvread(path, path, &o, collect, NULL, &nerr);
	ok(got.s && strcmp(got.s, "1:h|v\n3003:good|1\n") == 0 && nerr == 1,
	    "an overlong quoted field of many lines is skipped to the row's end: \"%s\", %lu reported",
	    tap_show(got.s ? got.s : "", got.len > 60 ? 60 : got.len), nerr);

	/* ... ended by a CR alone: what follows it on the line is read */
	f = fopen(path, "wb");
	fputs("h,v\n", f);
	for (n = 0; n < 200000; n++)
		fputc('B', f);
	fputs(",x\rgood,1\n", f);
	fclose(f);
	sb_reset(&got);
	nerr = 0;
	csvread(path, path, &o, collect, NULL, &nerr);
	ok(got.s && strcmp(got.s, "1:h|v\n2:good|1\n") == 0 && nerr == 1,
	    "an overlong row ended by a CR: \"%s\"", tap_show(got.s ? got.s : "", got.len));

	/* ... or never ended: reported at the end of the input */
	f = fopen(path, "wb");
	fputs("h,v\n\"open,x\n", f);
	for (n = 0; n < 100; n++)
		fputs("0123456789012345678901234567890123456789\n", f);
	fclose(f);
	sb_reset(&got);
	nerr = 0;
	csvread(path, path, &o, collect, NULL, &nerr);
	ok(got.s && strcmp(got.s, "1:h|v\n") == 0 && nerr == 1,
	    "an overlong row never ended: reported once: \"%s\", %lu", tap_show(got.s ? got.s : "", got.len),
	    nerr);
	o.max_row = 0;

	unlink(path);
	ok(csvread(path, path, &o, collect, NULL, &nerr) == -1, "a missing file: -1");
	sb_free(&got);
	return tap_done();
}
