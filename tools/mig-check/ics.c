/* mig-check verify ics: every VEVENT and VTODO of each calendar export is in
 * exactly one piece that ics-split wrote. The exports are read with
 * ics-split's own reading (tools/ics-split/, its options -n and -s read by
 * the same function), which says each component it writes, by its UID (its
 * derived UID when it has none) and RECURRENCE-ID, and each it leaves out
 * on purpose; the pieces are read the same way, and each must read without
 * a problem and be under the limits. A piece lost, cut short or edited
 * since, a component in two pieces or in none shows, each on its line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/diag.h"
#include "../../common/lineio.h"
#include "../../common/report.h"
#include "../../common/strbuf.h"
#include "../../common/strmap.h"
#include "../ics-split/ics-split.h"
#include "mig-check.h"

/* An event or task of an export, where it is. */
struct occ {
	uint32_t file, next;	/* next: the same key's next one, plus one */
	unsigned long line;
};

/* The events and tasks with one UID and RECURRENCE-ID. */
struct key {
	uint32_t nin, nfound;	/* in the exports, in the pieces */
	uint32_t first, last;	/* its occurrences, plus one */
	int task;
	const char *piece;	/* where it was found first */
	unsigned long pline;
};

static struct strmap keys;	/* UID NUL RECURRENCE-ID -> struct key (val) */
static struct occ *occs;
static size_t nocc, occcap;
static struct strbuf kb;

struct file_state {
	const char *name;
	uint32_t index;		/* in the operands */
	int failed;
	unsigned long comps, found, missing, left_out;
};

struct piece_state {
	const char *path;
	unsigned long comps, extra;
	struct strmap uids;	/* the UID groups it holds */
	unsigned long groups;
	struct strbuf problem;	/* the first thing it does not read right */
	unsigned long pline;
};

static int
is_task(const char *kind)
{
	return strcasecmp(kind, "VTODO") == 0;
}

static int
is_checked(const char *kind)
{
	return strcasecmp(kind, "VEVENT") == 0 || is_task(kind);
}

/* kb: the key of a component */
static void
key_of(const struct ics_comp *c)
{
	sb_reset(&kb);
	sb_add(&kb, c->uid ? c->uid : "", c->uid ? c->uidlen : 0);
	sb_addc(&kb, '\0');
	if (c->rid)
		sb_add(&kb, c->rid, c->ridlen);
}

static const char *
rid_of(const struct strmap_ent *e)
{
	size_t n = strlen(e->key);

	return n + 1 < e->klen ? e->key + n + 1 : "-";
}

/* Each component of an export ics-split writes: expected in one piece. */
static void
on_input(void *ctx, const struct ics_comp *c)
{
	struct file_state *st = ctx;
	struct strmap_ent *e;
	struct key *k;
	int isnew;

	if (!is_checked(c->kind))
		return;
	if (c->why) {
		st->left_out++;
		return;
	}
	st->comps++;
	key_of(c);
	e = strmap_put(&keys, kb.s, kb.len, &isnew);
	if (isnew)
		e->val = xcalloc(1, sizeof *k);
	k = e->val;
	if (nocc == occcap) {
		occcap = occcap ? occcap * 2 : 1024;
		occs = xrealloc(occs, occcap * sizeof *occs);
	}
	occs[nocc].file = st->index;
	occs[nocc].line = c->line;
	occs[nocc].next = 0;
	if (k->last)
		occs[k->last - 1].next = (uint32_t)nocc + 1;
	else
		k->first = (uint32_t)nocc + 1;
	k->last = (uint32_t)++nocc;
	k->nin++;
	k->task = is_task(c->kind);
}

static void
say_line(const char *status, const struct ics_comp *c, const char *path, const char *detail)
{
	char l[24];
	struct strbuf uid = { 0 }, rid = { 0 };

	snprintf(l, sizeof l, "%lu", c->line);
	sb_add(&uid, c->uid ? c->uid : "", c->uid ? c->uidlen : 0);
	sb_add(&rid, c->rid ? c->rid : "-", c->rid ? c->ridlen : 1);
	report_atomic(status, is_task(c->kind) ? "task" : "event", path, l, uid.s ? uid.s : "",
	    rid.s, detail, NULL);
	sb_free(&uid);
	sb_free(&rid);
}

/* Each component of a piece: found, or one too many, or foreign. */
static void
on_piece(void *ctx, const struct ics_comp *c)
{
	struct piece_state *ps = ctx;
	struct strmap_ent *e;
	struct key *k;
	int isnew;

	if (c->why)
		return;	/* said as a problem of the piece */
	ps->comps++;
	if (!c->uid)
		ps->groups++;
	else if ((strmap_put(&ps->uids, c->uid, c->uidlen, &isnew), isnew))
		ps->groups++;
	if (!is_checked(c->kind))
		return;
	key_of(c);
	e = strmap_get(&keys, kb.s, kb.len);
	k = e ? e->val : NULL;
	if (!k) {
		say_line("extra", c, ps->path, "in no calendar export given");
		ps->extra++;
	} else if (k->nfound == k->nin) {
		struct strbuf d = { 0 };

		sb_printf(&d, "one too many: also in %s at line %lu", k->piece, k->pline);
		say_line("extra", c, ps->path, d.s);
		sb_free(&d);
		ps->extra++;
	} else if (k->nfound++ == 0) {
		k->piece = strmap_strdup(&keys, ps->path, strlen(ps->path));
		k->pline = c->line;
	}
}

static void
on_piece_diag(void *ctx, unsigned long line, int what, const char *msg)
{
	struct piece_state *ps = ctx;

	if (what == ICS_ZONE || ps->problem.len)
		return;	/* a zone the export did not explain is not the piece's */
	sb_adds(&ps->problem, msg);
	ps->pline = line;
}

/* One piece ics-split wrote: 1 when it is not as it should be. */
static int
read_piece(const char *path, unsigned long *extra)
{
	struct piece_state ps = { 0 };
	struct ics_sink sink = { on_piece, on_piece_diag, NULL, &ps };
	struct stat st;
	char l[24];
	int bad = 0;

	ps.path = path;
	if (stat(path, &st) != 0 || ics_list(path, &sink) != 0) {
		struct strbuf d = { 0 };

		sb_printf(&d, "a piece ics-split wrote is not there: %s", strerror(errno));
		report_atomic("missing", "piece", path, "-", d.s, NULL);
		sb_free(&d);
		return 1;
	}
	if (ps.problem.len) {
		snprintf(l, sizeof l, "%lu", ps.pline);
		report_atomic("differs", "piece", path, l, ps.problem.s, NULL);
		bad = 1;
	} else if (ps.groups > 1 && (ps.comps > ics_opt.count ||
	    (unsigned long long)st.st_size > ics_opt.size)) {
		struct strbuf d = { 0 };

		sb_printf(&d, "over the limits: %lu components (-n %lu), %llu octets (-s %lu)",
		    ps.comps, ics_opt.count, (unsigned long long)st.st_size, ics_opt.size);
		report_atomic("differs", "piece", path, "-", d.s, NULL);
		sb_free(&d);
		bad = 1;
	}
	*extra += ps.extra;
	strmap_free(&ps.uids);
	sb_free(&ps.problem);
	return bad || ps.extra;
}

/* Each event or task of the exports that no piece holds (of several with
 * one key, the last ones). */
static unsigned long
say_missing(struct file_state *fs)
{
	unsigned long missing = 0;
	size_t i;

	for (i = 0; i < keys.cap; i++) {
		struct strmap_ent *e = &keys.tab[i];
		struct key *k = e->key ? e->val : NULL;
		uint32_t o, n;

		if (!k)
			continue;
		for (o = k->first, n = 0; o; o = occs[o - 1].next, n++) {
			struct occ *oc = &occs[o - 1];
			char l[24];

			fs[oc->file].found += n < k->nfound;
			if (n < k->nfound)
				continue;
			snprintf(l, sizeof l, "%lu", oc->line);
			report_atomic("missing", k->task ? "task" : "event", fs[oc->file].name, l, e->key,
			    rid_of(e), "in none of the pieces ics-split wrote", NULL);
			fs[oc->file].missing++;
			missing++;
		}
		free(k);
	}
	return missing;
}

static int
ics_opt_of(void *o, int ch, const char *arg)
{
	return ics_option(o, ch, arg);
}

int
verify_ics(int argc, char **argv)
{
	struct lineio lr;
	unsigned long extra = 0, missing = 0, npieces = 0, bad = 0;
	int failed = 0, i;
	size_t len;
	char *path;

	const char *list = files_check_options(argc, argv, ICS_LIMITS_GETOPT, ics_opt_of, &ics_opt,
	    "verify ics: -p names the list of the pieces ics-split wrote, "
	    "and the operands the calendar exports");
	argc -= optind;
	argv += optind;

	/* what ics-split writes of each export */
	struct file_state *fs = xcalloc((size_t)argc, sizeof *fs);
	for (i = 0; i < argc; i++) {
		struct ics_sink sink = { on_input, NULL, NULL, &fs[i] };

		fs[i].name = argv[i];
		fs[i].index = (uint32_t)i;
		if (ics_list(argv[i], &sink) != 0) {
			report_atomic("failed", "ics", argv[i], "0", "0", "0", "0",
			    strerror(errno), NULL);
			fs[i].failed = 1;
			failed = 1;
		}
	}
	/* what it wrote */
	if (lineio_open(&lr, list) < 0)
		die("%s:", list);
	while ((path = lineio_next(&lr, &len, 1)) != NULL) {
		if (!len)
			continue;
		npieces++;
		bad += read_piece(path, &extra);
	}
	lineio_close(&lr);
	missing = say_missing(fs);
	for (i = 0; i < argc; i++) {
		char v[4][24];

		if (fs[i].failed)
			continue;
		snprintf(v[0], sizeof v[0], "%lu", fs[i].comps);
		snprintf(v[1], sizeof v[1], "%lu", fs[i].found);
		snprintf(v[2], sizeof v[2], "%lu", fs[i].missing);
		snprintf(v[3], sizeof v[3], "%lu", fs[i].left_out);
		report_atomic(fs[i].missing ? "missing" : "ok", "ics", fs[i].name, v[0], v[1], v[2],
		    v[3], fs[i].left_out ? "left out: ics-split said why" : "", NULL);
	}
	free(fs);
	free(occs);
	sb_free(&kb);
	strmap_free(&keys);
	ics_end();
	if (isatty(2))
		fprintf(stderr, "mig-check: ics: %lu pieces read, %lu events and tasks missing, "
		    "%lu extra, %lu pieces not as they should be\n", npieces, missing, extra, bad);
	return failed ? ST_FAIL : missing || bad ? ST_DIFF : ST_OK;
}
