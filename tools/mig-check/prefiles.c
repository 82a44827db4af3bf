/* mig-check preflight files: before the calendars and contacts are
 * converted, what ics-split and csv2vcard will make of each export, said by
 * their own code: an ICS file read as ics-split reads it (tools/ics-split/:
 * its calendars, events and tasks, what it repairs and what it leaves out,
 * each with its line), a CSV file as csv2vcard reads it (common/csvread and
 * tools/csv2vcard/: its dialect, encoding and delimiter, its rows, the cards
 * and groups they make, each problem with its line). Their diagnostics come
 * through their own code (an ics_sink, common/diag's hook), never a second
 * reading here. Directories are searched for *.ics and *.csv files. Reads
 * only. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/csvread.h"
#include "../../common/diag.h"
#include "../../common/report.h"
#include "../../common/strbuf.h"
#include "../csv2vcard/csv2vcard.h"
#include "../ics-split/ics-split.h"
#include "mig-check.h"

#define CARD_MAX 10485760	/* csv2vcard's default -s: a larger card is not written */
#define MAX_LISTED 50		/* problem lines listed per file; the rest counted */

enum { S_READY, S_WARNING, S_NOTREADY };
static const char *status_name[] = { "ready", "warning", "not-ready" };

/* One export being read, and its problems. */
struct file {
	const char *path;
	int worst;			/* S_* of what was found */
	unsigned long problems, unlisted;
	/* ICS */
	unsigned long calendars, events, tasks, other, left_out;
	/* CSV */
	struct layout lo;
	int have_header, bad_header, delim;
	char *encoding;			/* what csvread recognised */
	unsigned long rows, cards, groups, skipped;
	struct strbuf card, why;
};

/* The run's counts, for the checklist. */
static struct {
	unsigned long files[2], worst[2][3], events, tasks, rows, cards, problems;
} all;

static struct conv_opts conv;

static void
problem(struct file *f, int st, unsigned long line, const char *msg)
{
	char where[4200];

	if (st > f->worst)
		f->worst = st;
	f->problems++;
	if (f->problems > MAX_LISTED) {
		f->unlisted++;
		return;
	}
	if (line)
		snprintf(where, sizeof where, "%s:%lu", f->path, line);
	else
		snprintf(where, sizeof where, "%s", f->path);
	report_atomic(status_name[st], "problem", where, msg, NULL);
}

/* ---- calendars: as ics-split reads them ------------------------------------ */

static void
on_comp(void *ctx, const struct ics_comp *c)
{
	struct file *f = ctx;

	if (c->why)
		f->left_out++;	/* said as a problem too */
	else if (strcasecmp(c->kind, "VEVENT") == 0)
		f->events++;
	else if (strcasecmp(c->kind, "VTODO") == 0)
		f->tasks++;
	else
		f->other++;
}

/* ics-split's diagnostics: what it leaves out or cannot carry (a TZID no
 * zone explains included) is not-ready, what it repairs or says a warning. */
static void
on_ics_diag(void *ctx, unsigned long line, int what, const char *msg)
{
	problem(ctx, what == ICS_NOTE ? S_WARNING : S_NOTREADY, line, msg);
}

static void
on_calendar(void *ctx, unsigned long line)
{
	(void)line;
	((struct file *)ctx)->calendars++;
}

static void
check_ics(struct file *f)
{
	struct ics_sink sink = { on_comp, on_ics_diag, on_calendar, f };
	struct strbuf d = { 0 };
	char v[6][24];

	if (ics_list(f->path, &sink) != 0) {
		sb_printf(&d, "cannot be read: %s", strerror(errno));
		f->worst = S_NOTREADY;
	} else if (!f->calendars) {
		sb_adds(&d, "no calendar (BEGIN:VCALENDAR) in it: not an iCalendar export");
		f->worst = S_NOTREADY;
	} else if (f->worst == S_NOTREADY)
		sb_adds(&d, "ics-split will not carry everything: see the problem lines");
	else if (f->worst == S_WARNING)
		sb_adds(&d, "ics-split will repair what the problem lines say");
	if (f->unlisted)
		sb_printf(&d, "%s%lu problems not listed", d.len ? "; " : "", f->unlisted);
	snprintf(v[0], sizeof v[0], "%lu", f->calendars);
	snprintf(v[1], sizeof v[1], "%lu", f->events);
	snprintf(v[2], sizeof v[2], "%lu", f->tasks);
	snprintf(v[3], sizeof v[3], "%lu", f->other);
	snprintf(v[4], sizeof v[4], "%lu", f->left_out);
	snprintf(v[5], sizeof v[5], "%lu", f->problems);
	report_atomic(status_name[f->worst], "ics", f->path, v[0], v[1], v[2], v[3], v[4], v[5],
	    d.s ? d.s : "", NULL);
	all.events += f->events;
	all.tasks += f->tasks;
	sb_free(&d);
}

/* ---- contacts: as csv2vcard reads them ------------------------------------- */

/* csv2vcard's (and csvread's) diagnostics: a row it skips (a stray quote,
 * a row that runs on) is not-ready (lost), anything else (a value kept in
 * NOTE, bytes replaced, a column only NOTE keeps) a warning. */
static void
on_csv_diag(void *ctx, const char *file, unsigned long line, const char *msg)
{
	(void)file;
	problem(ctx, strstr(msg, "skipped") ? S_NOTREADY : S_WARNING, line, msg);
}

static void
on_row(const struct csvrow *row, struct csvinfo *info, void *ctx)
{
	struct file *f = ctx;

	if (f->bad_header)
		return;
	if (!f->have_header) {
		f->have_header = 1;
		f->encoding = xstrdup(info->encoding ? info->encoding : "-");
		f->delim = info->delim;
		if (layout_from_header(&f->lo, row, conv.map, info->delim, conv.dates) != 0) {
			f->bad_header = 1;
			problem(f, S_NOTREADY, row->line, "no column of this header is one csv2vcard "
			    "knows (a name, an e-mail address, a phone...); name them with -m");
		}
		return;
	}
	f->rows++;
	sb_reset(&f->card);
	switch (card_build(&f->card, &f->lo, row, &conv.card, f->path, &f->why)) {
	case CARD_OK:
		if (f->card.len > CARD_MAX) {
			f->skipped++;
			problem(f, S_NOTREADY, row->line, "vCard over csv2vcard's -s limit "
			    "(10 MB by default); row skipped");
		} else
			f->cards++;
		break;
	case CARD_GROUP:
		f->groups++;
		break;
	case CARD_SKIP:
		f->skipped++;
		problem(f, S_NOTREADY, row->line, f->why.s ? f->why.s : "row skipped");
		break;
	default:	/* an empty row: nothing to carry */
		break;
	}
}

static void
check_csv(struct file *f)
{
	struct csvread_opts co = { conv.encoding, conv.delim, 0 };
	struct strbuf d = { 0 };
	unsigned long nerr = 0;
	char v[5][24], delim[8];
	int r;

	/* csvread's and csv2vcard's diagnostics, each with its line */
	diag_hook = on_csv_diag;
	diag_hook_ctx = f;
	r = csvread(f->path, f->path, &co, on_row, f, &nerr);
	diag_hook = NULL;
	if (r != 0) {
		sb_printf(&d, "cannot be read: %s", strerror(errno));
		f->worst = S_NOTREADY;
	} else if (!f->have_header) {
		sb_adds(&d, "empty: no header, no rows");
		f->worst = S_NOTREADY;
	} else if (f->bad_header)
		sb_adds(&d, "not a contacts export csv2vcard reads");
	else if (f->worst == S_NOTREADY)
		sb_adds(&d, "csv2vcard will not carry every row: see the problem lines");
	else if (f->worst == S_WARNING)
		sb_adds(&d, "csv2vcard will change what the problem lines say");
	if (f->unlisted)
		sb_printf(&d, "%s%lu problems not listed", d.len ? "; " : "", f->unlisted);
	snprintf(v[0], sizeof v[0], "%lu", f->rows);
	snprintf(v[1], sizeof v[1], "%lu", f->cards);
	snprintf(v[2], sizeof v[2], "%lu", f->skipped);
	snprintf(v[3], sizeof v[3], "%lu", f->groups);
	snprintf(v[4], sizeof v[4], "%lu", f->problems);
	if (f->delim == '\t')
		snprintf(delim, sizeof delim, "tab");
	else
		snprintf(delim, sizeof delim, "%c", f->delim ? f->delim : '-');
	report_atomic(status_name[f->worst], "csv", f->path, v[0], v[1], v[2], v[3],
	    f->have_header && !f->bad_header ? dialect_name[f->lo.dialect] : "-",
	    f->encoding ? f->encoding : "-", delim, v[4], d.s ? d.s : "", NULL);
	all.rows += f->rows;
	all.cards += f->cards;
	if (f->have_header && !f->bad_header)
		layout_free(&f->lo);
	free(f->encoding);
	sb_free(&f->card);
	sb_free(&f->why);
	sb_free(&d);
}

/* ---- the operands ------------------------------------------------------------ */

static struct {
	char **v;
	size_t n, cap;
} found;

static int
has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);

	return n > e && strcasecmp(path + n - e, ext) == 0;
}

static int
on_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_F && (has_ext(path, ".ics") || has_ext(path, ".csv"))) {
		if (found.n == found.cap) {
			found.cap = found.cap ? found.cap * 2 : 64;
			found.v = xrealloc(found.v, found.cap * sizeof *found.v);
		}
		found.v[found.n++] = xstrdup(path);
	}
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One operand: a file, or a directory searched for *.ics and *.csv. */
static void
check_operand(const char *path)
{
	struct stat st;
	size_t i, from = found.n;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (nftw(path, on_entry, 16, FTW_PHYS) != 0) {
			report_atomic("not-ready", "files", path, strerror(errno), NULL);
			all.worst[0][S_NOTREADY]++;
		}
		qsort(found.v + from, found.n - from, sizeof *found.v, by_name);
		if (found.n == from)
			report_atomic("warning", "files", path, "no .ics or .csv file in it", NULL);
	} else {
		on_entry(path, &st, FTW_F, NULL);
		if (found.n == from) {
			report_atomic("not-ready", "files", path, stat(path, &st) != 0 ?
			    strerror(errno) : "neither an .ics nor a .csv file", NULL);
			all.worst[0][S_NOTREADY]++;
		}
	}
	for (i = from; i < found.n; i++) {
		struct file f = { 0 };
		int ics = has_ext(found.v[i], ".ics");

		f.path = found.v[i];
		if (ics)
			check_ics(&f);
		else
			check_csv(&f);
		all.files[!ics]++;
		all.worst[!ics][f.worst]++;
		all.problems += f.problems;
	}
}

static void
checklist(void)
{
	static const char *what[2] = { "calendar exports (ICS)", "contacts exports (CSV)" };
	int k;

	fprintf(stderr, "mig-check: preflight files\n");
	fprintf(stderr, "  %-26s %-10s %s\n", "REQUIREMENT", "STATE", "COUNTS / WHAT TO DO");
	for (k = 0; k < 2; k++) {
		const unsigned long *w = all.worst[k];

		if (!all.files[k] && !w[S_NOTREADY])
			continue;
		fprintf(stderr, "  %-26s %-10s %lu files: %lu ready, %lu warning, %lu not ready; ",
		    what[k], w[S_NOTREADY] ? "NOT READY" : w[S_WARNING] ? "warning" : "ready",
		    all.files[k], w[S_READY], w[S_WARNING], w[S_NOTREADY]);
		if (k == 0)
			fprintf(stderr, "%lu events, %lu tasks", all.events, all.tasks);
		else
			fprintf(stderr, "%lu rows, %lu cards", all.rows, all.cards);
		fprintf(stderr, "%s\n", w[S_NOTREADY] ? ": see the 'problem' lines" : "");
	}
}

int
preflight_files(int argc, char **argv)
{
	int ch, verbose = 0, i;
	size_t k;

	optind = 1;
	while ((ch = getopt(argc, argv, CONV_GETOPT ICS_LIMITS_GETOPT "v")) != -1) {
		int r = conv_option(&conv, ch, optarg);

		if (r == 0)
			r = ics_option(&ics_opt, ch, optarg);
		if (r < 0)
			exit(ST_FAIL);
		if (r)
			continue;
		switch (ch) {
		case 'v': verbose = 1; break;
		default:
			mig_check_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (!argc)
		die("preflight files: the operands name the calendar (.ics) and contacts (.csv) "
		    "exports, or directories that hold them");
	conv_finish(&conv);
	for (i = 0; i < argc; i++)
		check_operand(argv[i]);
	if (isatty(2) || verbose)
		checklist();
	for (k = 0; k < found.n; k++)
		free(found.v[k]);
	free(found.v);
	if (conv.map)
		mapping_free(conv.map);
	ics_end();
	return all.worst[0][S_NOTREADY] || all.worst[1][S_NOTREADY] ? ST_DIFF : ST_OK;
}
