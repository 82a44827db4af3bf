/* csv2vcard: contacts exported as CSV (Outlook, Google, Thunderbird,
 * Zimbra/Carbonio, Apple/iCloud exporters, or any file with a header that a
 * mapping file explains) to vCards that Carbonio imports as they were.
 *
 * A row is read (common/csvread), turned into one vCard (card.c, with the
 * layout that columns.c made of the header) and written at once: to standard
 * output, or into files of at most -s bytes under -d, each written under a
 * temporary name and renamed when complete. Memory holds one row. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../common/atomicfile.h"
#include "../common/diag.h"
#include "../common/out.h"
#include "../common/size.h"
#include "../common/strbuf.h"
#include "csv2vcard/csv2vcard.h"

#define CARBONIO_MAX 10485760	/* Carbonio refuses a larger VCF upload */

static void
usage(void)
{
	fprintf(stderr, "usage: csv2vcard [-4] [-D dmy | mdy] [-d dir [-s size]] "
	    "[-e encoding] [-F delim] [-g file] [-m mapfile] [file ...]\n");
	exit(2);
}

static struct {
	struct conv_opts conv;	/* what a row becomes */
	const char *dir;
	unsigned long long max;
	const char *groups;
} opt;

static int nerrors;		/* rows reported: exit 1 */
static int progress;		/* stderr is a terminal: show the count */
static int input_failed;	/* a file could not be read: exit 2 */

/* ---- where cards go --------------------------------------------------- */

static struct {
	char *base;		/* DIR/NAME, "-NNNN.vcf" follows */
	unsigned num;
	struct atomicfile af;
	int open;
	unsigned long long size;
} piece;

static void
piece_close(void)
{
	if (!piece.open)
		return;
	if (af_commit(&piece.af) != 0)
		die("%s-%04u.vcf:", piece.base, piece.num);
	out_printf(stdout, "%s-%04u.vcf\n", piece.base, piece.num);
	/* now: the reader of the list may import the file while we go on */
	if (fflush(stdout) != 0)
		die("stdout: write error:");
	piece.open = 0;
}

/* Cards for standard output gather here and go out 64 KiB at a time: a
 * write that large skips stdio's own copy. */
static struct strbuf obuf;

static void
flush_out(void)
{
	out_write(stdout, obuf.s, obuf.len);
	sb_reset(&obuf);
}

static void
emit(const struct strbuf *card, const char *fname, unsigned long line)
{
	char path[4096];

	if (card->len > opt.max) {
		warn_at(fname, line, "vCard of %zu bytes is over the -s limit of %llu; row skipped",
		    card->len, opt.max);
		nerrors++;
		return;
	}
	if (piece.open && piece.size + card->len > opt.max)
		piece_close();
	if (!piece.open) {
		snprintf(path, sizeof path, "%s-%04u.vcf", piece.base, ++piece.num);
		if (af_open(&piece.af, path) != 0)
			die("%s:", path);
		piece.open = 1;
		piece.size = 0;
	}
	out_write(piece.af.fp, card->s, card->len);
	piece.size += card->len;
}

/* Contact groups: Carbonio takes them only from its own CSV format (rows of
 * type "group" with a dlist column), so they are written in it, under the
 * export's own header, for /Contacts?fmt=csv&csvfmt=zimbra-csv. */
static struct {
	struct atomicfile af;
	int open;
	char *path;
	unsigned long n;
} groups;

static void
csv_row(FILE *f, const struct csvrow *row)
{
	size_t i, k;

	for (i = 0; i < row->n; i++) {
		if (i)
			out_write(f, ",", 1);
		out_write(f, "\"", 1);
		for (k = 0; k < row->len[i]; k++) {
			if (row->f[i][k] == '"')
				out_write(f, "\"", 1);
			out_write(f, &row->f[i][k], 1);
		}
		out_write(f, "\"", 1);
	}
	out_write(f, "\r\n", 2);
}

/* ---- one input file ------------------------------------------------- */

struct file_state {
	const char *name;
	int have_header, bad_header;
	struct layout lo;
	struct csvrow header;	/* kept for the groups file */
	struct strbuf hstore;
	struct strbuf card, why;
	unsigned long rows, cards;
	unsigned char *skip;	/* the columns not worth copying */
};

static void
keep_header(struct file_state *st, const struct csvrow *row)
{
	size_t i, *off = xcalloc(row->n + 1, sizeof *off);

	for (i = 0; i < row->n; i++) {
		off[i] = st->hstore.len;
		sb_add(&st->hstore, row->f[i], row->len[i] + 1);
	}
	st->header.n = row->n;
	st->header.f = xcalloc(row->n + 1, sizeof *st->header.f);
	st->header.len = xcalloc(row->n + 1, sizeof *st->header.len);
	for (i = 0; i < row->n; i++) {
		st->header.f[i] = st->hstore.s + off[i];
		st->header.len[i] = row->len[i];
	}
	free(off);
}

static void
group_row(struct file_state *st, const struct csvrow *row)
{
	if (!groups.path) {
		warn_at(st->name, row->line, "contact group: vCard cannot carry it; "
		    "name a file for groups with -g (or use -d); row skipped");
		nerrors++;
		return;
	}
	if (!groups.open) {
		if (af_open(&groups.af, groups.path) != 0)
			die("%s:", groups.path);
		groups.open = 1;
		csv_row(groups.af.fp, &st->header);
	}
	csv_row(groups.af.fp, row);
	groups.n++;
}

static void
on_row(const struct csvrow *row, struct csvinfo *info, void *ctx)
{
	struct file_state *st = ctx;

	if (st->bad_header)
		return;
	if (!st->have_header) {
		st->have_header = 1;
		if (layout_from_header(&st->lo, row, opt.conv.map, info->delim, opt.conv.dates) != 0) {
			warn_at(st->name, row->line, "no column of this header is one csv2vcard "
			    "knows (a name, an e-mail address, a phone...); name them with -m");
			st->bad_header = 1;
			input_failed = 1;
			return;
		}
		keep_header(st, row);
		/* what is ignored need not be copied; but Zimbra's group rows
		 * are written back whole */
		if (st->lo.dialect != D_ZIMBRA) {
			size_t i;

			st->skip = xcalloc(row->n + 1, 1);
			for (i = 0; i < row->n; i++)
				st->skip[i] = st->lo.col[i].role == R_IGNORE;
			info->skip = st->skip;
			info->nskip = row->n;
		}
		return;
	}
	if (++st->rows % 65536 == 0 && progress)
		fprintf(stderr, "\r%s: %s: %lu rows, line %lu", diag_prog, st->name, st->rows,
		    row->line);
	if (opt.dir)
		sb_reset(&st->card);
	switch (card_build(opt.dir ? &st->card : &obuf, &st->lo, row, &opt.conv.card, st->name, &st->why)) {
	case CARD_OK:
		if (opt.dir)
			emit(&st->card, st->name, row->line);
		else if (obuf.len >= 65536)
			flush_out();
		st->cards++;
		break;
	case CARD_SKIP:
		warn_at(st->name, row->line, "%s", st->why.s);
		nerrors++;
		break;
	case CARD_GROUP:
		group_row(st, row);
		break;
	case CARD_EMPTY:
		break;
	}
}

static void
read_file(const char *path)
{
	struct file_state st = { 0 };
	struct csvread_opts co = { opt.conv.encoding, opt.conv.delim, 0 };
	unsigned long nerr = 0;

	st.name = path && strcmp(path, "-") != 0 ? path : "<stdin>";
	if (csvread(path, st.name, &co, on_row, &st, &nerr) != 0) {
		warnmsg("%s:", st.name);
		input_failed = 1;
	}
	flush_out();
	if (progress && st.rows >= 65536)	/* the count's line, cleared */
		fprintf(stderr, "\r%*s\r", 60, "");
	nerrors += (int)nerr;
	if (st.have_header)
		layout_free(&st.lo);
	free(st.header.f);
	free(st.header.len);
	free(st.skip);
	sb_free(&st.hstore);
	sb_free(&st.card);
	sb_free(&st.why);
}

/* DIR/NAME where NAME is the input's file name without ".csv"; a name met
 * before in this run (a/x.csv, b/x.csv) gets "-2", "-3"... so that the
 * second input does not replace the first one's files. */
static char *
piece_base(const char *path)
{
	static char **used;
	static size_t nused;
	const char *b = path && strcmp(path, "-") != 0 ? path : "contacts", *sl = strrchr(b, '/');
	size_t n, i;
	unsigned k = 1;
	char *s;

	b = sl ? sl + 1 : b;
	n = strlen(b);
	if (n > 4 && strcasecmp(b + n - 4, ".csv") == 0)
		n -= 4;
	s = xmalloc(strlen(opt.dir) + n + 16);
	for (;;) {
		if (k == 1)
			sprintf(s, "%s/%.*s", opt.dir, (int)n, b);
		else
			sprintf(s, "%s/%.*s-%u", opt.dir, (int)n, b, k);
		for (i = 0; i < nused && strcmp(used[i], s) != 0; i++)
			;
		if (i == nused)
			break;
		k++;
	}
	used = xrealloc(used, (nused + 1) * sizeof *used);
	used[nused++] = xstrdup(s);
	return s;
}

int
main(int argc, char **argv)
{
	int c, i;

	diag_init(argv[0]);
	out_init();
	/* a fatal error or a signal removes the piece being written */
	af_cleanup_at_exit();
	while ((c = getopt(argc, argv, CONV_GETOPT "d:g:s:")) != -1) {
		int r = conv_option(&opt.conv, c, optarg);
		if (r < 0)
			usage();
		if (r)
			continue;
		switch (c) {
		case 'd':
			opt.dir = optarg;
			break;
		case 'g':
			opt.groups = optarg;
			break;
		case 's': {
			unsigned long max;

			if (size_parse(optarg, &max) < 0 || max < 1024) {
				warnmsg("-s %s: expected a size of at least 1024 bytes", optarg);
				usage();
			}
			opt.max = max;
			break;
		}
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	progress = isatty(2);
	if (opt.max && !opt.dir) {
		warnmsg("-s needs -d");
		usage();
	}
	if (!opt.max)
		opt.max = CARBONIO_MAX;
	if (opt.dir && access(opt.dir, W_OK) != 0)
		die("%s:", opt.dir);
	conv_finish(&opt.conv);

	for (i = 0; i < (argc ? argc : 1); i++) {
		const char *path = argc ? argv[i] : NULL;
		char *gpath = NULL;

		if (opt.dir) {
			piece.base = piece_base(path);
			piece.num = 0;
			if (!opt.groups) {
				gpath = xmalloc(strlen(piece.base) + 12);
				sprintf(gpath, "%s-groups.csv", piece.base);
				groups.path = gpath;
			}
		}
		if (opt.groups)
			groups.path = (char *)opt.groups;
		read_file(path);
		piece_close();
		/* a groups file of this input's own, or -g's after the last */
		if (groups.open && ((opt.dir && !opt.groups) || i == (argc ? argc : 1) - 1)) {
			if (af_commit(&groups.af) != 0)
				die("%s:", groups.path);
			groups.open = 0;
			if (opt.dir)
				out_printf(stdout, "%s\n", groups.path);
		}
		free(gpath);
		free(piece.base);
		piece.base = NULL;
	}
	mapping_free(opt.conv.map);
	sb_free(&obuf);
	out_close_stdout();
	return input_failed ? 2 : nerrors || card_warnings ? 1 : 0;
}
