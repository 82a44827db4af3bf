/* mig-check verify csv: every data row of each contacts CSV is one vCard
 * that csv2vcard wrote. The rows are made into cards again with csv2vcard's
 * own code (its columns, its cards, its options read by the same function)
 * and each card is looked for, byte for byte, among the cards of the files
 * csv2vcard wrote: a piece lost, cut short or edited since, or a run that
 * stopped half way, shows as the rows whose card is not there. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "../../common/csvread.h"
#include "../../common/diag.h"
#include "../../common/lineio.h"
#include "../../common/report.h"
#include "../../common/strbuf.h"
#include "../../common/strmap.h"
#include "../csv2vcard/csv2vcard.h"
#include "mig-check.h"

#define CARD_MAX 10485760	/* csv2vcard's default -s: a larger card is not written */

static struct conv_opts conv;
static struct strmap cards;	/* card digest -> rows still to find (aux), first row (val) */

struct file_state {
	const char *name;
	struct layout lo;
	int have_header, bad_header;
	unsigned long rows, made, skipped, groups;
	struct strbuf card, why;
};

static void
digest(const char *p, size_t n, unsigned char out[32])
{
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, p, n, out) < 0)
		die("gnutls_hash_fast failed");
}

/* Each row as csv2vcard makes it: its card's digest counted. */
static void
on_row(const struct csvrow *row, struct csvinfo *info, void *ctx)
{
	struct file_state *st = ctx;
	unsigned char d[32];
	int isnew;

	if (st->bad_header)
		return;
	if (!st->have_header) {
		st->have_header = 1;
		if (layout_from_header(&st->lo, row, conv.map, info->delim, conv.dates) != 0)
			st->bad_header = 1;
		return;
	}
	st->rows++;
	sb_reset(&st->card);
	switch (card_build(&st->card, &st->lo, row, &conv.card, st->name, &st->why)) {
	case CARD_OK:
		if (st->card.len > CARD_MAX) {
			st->skipped++;
			break;
		}
		digest(st->card.s, st->card.len, d);
		struct strmap_ent *e = strmap_put(&cards, (const char *)d, sizeof d, &isnew);
		if (isnew) {
			char where[600];
			snprintf(where, sizeof where, "%s\t%lu", st->name, row->line);
			e->val = strmap_strdup(&cards, where, strlen(where));
		}
		e->aux++;
		st->made++;
		break;
	case CARD_GROUP:
		st->groups++;
		break;
	default:	/* reported by csv2vcard, and not written */
		st->skipped++;
	}
}

/* The cards of a file csv2vcard wrote, each found among those expected. */
static unsigned long
read_cards(const char *path, unsigned long *extra, int *bad)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf card = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long found = 0, lineno = 0, start = 0;
	int in = 0;

	if (!fp) {
		report_atomic("failed", "vcard", path, "-", strerror(errno), NULL);
		*bad = 1;
		return 0;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		lineno++;
		if (!in) {
			if (strncmp(line, "BEGIN:VCARD\r\n", 13) != 0)
				continue;
			in = 1;
			start = lineno;
			sb_reset(&card);
		}
		if (card.len + (size_t)n > CARD_MAX + 2) {
			in = 0;	/* no card of ours is that large */
			continue;
		}
		sb_add(&card, line, (size_t)n);
		if (strncmp(line, "END:VCARD\r\n", 11) == 0) {
			unsigned char d[32];
			struct strmap_ent *e;
			in = 0;
			digest(card.s, card.len, d);
			e = strmap_get(&cards, (const char *)d, sizeof d);
			if (e && e->aux) {
				e->aux--;
				found++;
			} else {
				char l[24];
				snprintf(l, sizeof l, "%lu", start);
				report_atomic("extra", "vcard", path, l,
				    "a card no row of the CSV files gives (or one too many)", NULL);
				++*extra;
			}
		}
	}
	if (in) {
		char l[24];
		snprintf(l, sizeof l, "%lu", start);
		report_atomic("extra", "vcard", path, l, "a card cut short", NULL);
		++*extra;
	}
	fclose(fp);
	free(line);
	sb_free(&card);
	return found;
}

static int
conv_opt(void *o, int ch, const char *arg)
{
	return conv_option(o, ch, arg);
}

int
verify_csv(int argc, char **argv)
{
	struct lineio lr;
	unsigned long extra = 0, found = 0, missing = 0, nfiles = 0;
	int bad = 0;
	size_t len;
	char *path;

	const char *list = files_check_options(argc, argv, CONV_GETOPT, conv_opt, &conv,
	    "verify csv: -p names the list of the files csv2vcard wrote, "
	    "and the operands the CSV files");
	argc -= optind;
	argv += optind;
	conv_finish(&conv);

	/* what the rows make */
	struct file_state *fs = xcalloc((size_t)argc, sizeof *fs);
	for (int i = 0; i < argc; i++) {
		struct csvread_opts co = { conv.encoding, conv.delim, 0 };
		unsigned long nerr = 0;
		fs[i].name = argv[i];
		if (csvread(argv[i], argv[i], &co, on_row, &fs[i], &nerr) != 0 || !fs[i].have_header)
			fs[i].bad_header = 1;
	}
	/* what csv2vcard wrote */
	if (lineio_open(&lr, list) < 0)
		die("%s:", list);
	while ((path = lineio_next(&lr, &len, 1)) != NULL) {
		if (!len)
			continue;
		if (len > 4 && strcmp(path + len - 4, ".vcf") == 0) {
			found += read_cards(path, &extra, &bad);
			nfiles++;
		}
	}
	lineio_close(&lr);
	/* each row whose card was not found */
	for (size_t k = 0; k < cards.cap; k++) {
		struct strmap_ent *e = &cards.tab[k];
		if (!e->key || !e->aux)
			continue;
		char *where = xstrdup(e->val), *tab = strchr(where, '\t');
		*tab++ = '\0';
		for (unsigned long j = 0; j < e->aux; j++)
			report_atomic("missing", "contact", where, tab,
			    "its vCard is in none of the files csv2vcard wrote", NULL);
		missing += e->aux;
		free(where);
	}
	for (int i = 0; i < argc; i++) {
		char v[4][24];
		snprintf(v[0], sizeof v[0], "%lu", fs[i].rows);
		snprintf(v[1], sizeof v[1], "%lu", fs[i].made);
		snprintf(v[2], sizeof v[2], "%lu", fs[i].skipped);
		snprintf(v[3], sizeof v[3], "%lu", fs[i].groups);
		report_atomic(fs[i].bad_header ? "failed" : "ok", "csv", fs[i].name, v[0], v[1], v[2],
		    v[3], fs[i].bad_header ? "not checked: not a contacts CSV csv2vcard reads" : "",
		    NULL);
		if (fs[i].bad_header)
			bad = 1;
		if (fs[i].have_header)	/* a header it could not read keeps what it made */
			layout_free(&fs[i].lo);
		sb_free(&fs[i].card);
		sb_free(&fs[i].why);
	}
	free(fs);
	strmap_free(&cards);
	if (isatty(2))
		fprintf(stderr, "mig-check: csv: %lu cards found in %lu files, %lu missing, %lu extra\n",
		    found, nfiles, missing, extra);
	return bad ? ST_FAIL : missing || extra ? ST_DIFF : ST_OK;
}
