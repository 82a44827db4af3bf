/* calendar: the input read from end to end: its VCALENDARs, their own
 * properties, and each component taken the quick way (ahead.c, fast.c) or
 * the careful way (component.c, careful.c), then repaired (a UID, a
 * DTSTAMP), written to the spool when it cannot be copied from the input,
 * and indexed (index.c); at END:VCALENDAR, its zones resolved (zones.c)
 * and its pieces written (pieces.c). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/fold.h"
#include "../../common/out.h"
#include "../../common/sha256.h"
#include <libical/ical.h>
#include "ics-int.h"

const struct ics_sink *ics_sink;

void
cal_begin(unsigned long line)
{
	cal.open = 1;
	cal.line = line;
}

static int
is_utc_stamp(const char *v, size_t n)
{
	size_t i;

	if (n != 16 || v[8] != 'T' || v[15] != 'Z')
		return 0;
	for (i = 0; i < 15; i++)
		if (i != 8 && !isdigit((unsigned char)v[i]))
			return 0;
	return 1;
}

static void
vtimezone_end(void)
{
	struct strbuf t = { 0 };
	struct cline cl;
	const char *tzid = NULL;
	size_t i, n = 0;
	uint32_t z;

	for (i = 0; i < cc.n; i++) {
		char *s = comp_cl(i, &cl);

		if (cc.drop[i])
			continue;
		if (!tzid && cl.kind == K_TZID)
			tzid = cline_val(&cl, &n);
		fold_line(&t, s, cl.n);
	}
	if (!tzid || !n) {
		report_fail(cc.top_line, "VTIMEZONE without TZID; left out");
		comp_told_left_out("VTIMEZONE without TZID");
		sb_free(&t);
		return;
	}
	z = zone_get(tzid, n, cc.top_line);
	if (cal.zones[z].defined) {
		if (t.len != cal.zones[z].text.len || memcmp(t.s, cal.zones[z].text.s, t.len) != 0)
			report(cc.top_line, "a second VTIMEZONE for TZID %s; the one at "
			    "line %lu is kept", cal.zones[z].tzid, cal.zones[z].line);
		sb_free(&t);
		return;
	}
	sb_free(&cal.zones[z].text);
	cal.zones[z].text = t;
	cal.zones[z].line = cc.top_line;
	cal.zones[z].defined = 1;
}

static int
is_item(const char *name)
{
	return strcasecmp(name, "VEVENT") == 0 || strcasecmp(name, "VTODO") == 0 ||
	    strcasecmp(name, "VJOURNAL") == 0 || strcasecmp(name, "VFREEBUSY") == 0;
}

static struct strbuf item_buf, item_uid;	/* reused by item_end() */

/* What the repairs need to know of a component, at its own level. */
struct facts {
	const char *uid, *lastmod, *created;
	size_t uidn, lmn, crn;
	int has_stamp;
	struct cline rid;	/* RECURRENCE-ID (rid.s NULL: none) */
};

static void
item_facts(struct facts *f)
{
	struct cline cl;
	size_t i, l;
	int depth = 0, b;

	memset(f, 0, sizeof *f);
	for (i = 0; i < cc.n; i++) {
		comp_cl(i, &cl);
		if (begin_end(&cl, &b, &l)) {
			depth += b ? 1 : -1;
			continue;
		}
		if (depth != 1 || cc.drop[i])
			continue;
		if (!f->uid && cl.kind == K_UID) {
			f->uid = cline_val(&cl, &f->uidn);
			if (!f->uidn)
				f->uid = NULL;
		} else if (cl.kind == K_DTSTAMP)
			f->has_stamp = 1;
		else if (cl.kind == K_LASTMOD)
			f->lastmod = cline_val(&cl, &f->lmn);
		else if (cl.kind == K_CREATED)
			f->created = cline_val(&cl, &f->crn);
		else if (!f->rid.s && cl.namelen == 13 && cline_is(&cl, "RECURRENCE-ID"))
			f->rid = cl;
	}
}

/* A UID for an item without one, "UID:ics-split-" and a digest, into b:
 * the same content gives the same UID on every run, so that a re-import
 * replaces instead of duplicating; DTSTAMP is left out of the digest as
 * exports set it to the time of export. */
static void
derived_uid(struct strbuf *b)
{
	struct sha256 h;
	struct cline cl;
	unsigned char d[32];
	char hex[65];
	size_t i;

	sha256_init(&h);
	for (i = 0; i < cc.n; i++) {
		char *s = comp_cl(i, &cl);

		if (cl.kind == K_DTSTAMP)
			continue;
		sha256_add(&h, s, cl.n + 1);
	}
	sha256_done(&h, d);
	hex_encode(hex, d, 16);
	sb_reset(b);
	sb_printf(b, "UID:ics-split-%s", hex);
}

/* The component repaired (a UID, a DTSTAMP given), its lines left out
 * dropped, folded into o. */
static void
item_repair(struct strbuf *o, struct strbuf *uidbuf, struct facts *f, int item)
{
	size_t i;

	fold_line(o, cc.text.s, cc.len[0]);	/* BEGIN: */
	if (!f->uid && item) {
		derived_uid(uidbuf);
		fold_line(o, uidbuf->s, uidbuf->len);
		f->uid = uidbuf->s + 4;
		f->uidn = uidbuf->len - 4;
		report(cc.top_line, "%s without UID; given %s", cc.top, uidbuf->s);
	}
	if (!f->has_stamp && item) {
		/* the export's own times, so that a re-run writes the same piece */
		const char *v = f->lastmod && is_utc_stamp(f->lastmod, f->lmn) ? f->lastmod :
		    f->created && is_utc_stamp(f->created, f->crn) ? f->created :
		    "19700101T000000Z";
		char line[32];

		snprintf(line, sizeof line, "DTSTAMP:%.16s", v);
		fold_line(o, line, strlen(line));
		report(cc.top_line, "%s without DTSTAMP; added %s", cc.top, line);
	}
	for (i = 1; i < cc.n; i++) {
		if (!cc.drop[i])
			fold_line(o, cc.text.s + cc.off[i], cc.len[i]);
	}
}

/* The zones the component uses, wherever they are defined, to its group. */
static void
item_zones(struct group *g)
{
	struct cline cl;
	size_t i;

	for (i = 0; i < cc.n; i++) {
		const char *tz;
		size_t tn;

		if (cc.drop[i] || cc.valoff[i] == cc.namelen[i] + 1)
			continue;	/* no parameters */
		comp_cl(i, &cl);
		if ((tz = cline_param(&cl, "TZID", &tn)) && tn)
			group_add_zone(g, zone_get(tz, tn, cc.lineno[i]));
	}
}

/* The component as it will be written, told to the sink. */
static void
item_tell(const struct facts *f, int uid_given)
{
	static struct strbuf rid;
	struct ics_comp c = { 0 };

	c.kind = cc.top;
	c.uid = f->uid;
	c.uidlen = f->uidn;
	c.line = cc.top_line;
	c.uid_given = uid_given;
	if (f->rid.s) {
		const char *v, *tz;
		size_t vn, tn;

		v = cline_val(&f->rid, &vn);
		sb_reset(&rid);
		if ((tz = cline_param(&f->rid, "TZID", &tn))) {
			sb_adds(&rid, "TZID=");
			sb_add(&rid, tz, tn);
			sb_addc(&rid, ':');
		}
		sb_add(&rid, v, vn);
		c.rid = rid.s;
		c.ridlen = rid.len;
	}
	ics_sink->comp(ics_sink->ctx, &c);
}

void
comp_told_left_out(const char *why)
{
	struct ics_comp c = { 0 };

	if (!ics_sink)
		return;
	c.kind = cc.top;
	c.line = cc.top_line;
	c.why = why;
	if (cc.id.len > 4 && memcmp(cc.id.s, "UID ", 4) == 0) {
		c.uid = cc.id.s + 4;
		c.uidlen = cc.id.len - 4;
	}
	ics_sink->comp(ics_sink->ctx, &c);
}

/* An item (or any other component) complete: repaired, written to the
 * spool and indexed by UID. */
static void
item_end(void)
{
	struct strbuf o = item_buf, uidbuf = item_uid;
	struct facts f;
	int item = is_item(cc.top), had_uid;
	uint64_t key[2], coff, clen;

	item_facts(&f);
	sb_reset(&o);
	had_uid = f.uid != NULL;
	if (cc.clean && (f.uid || !item) && (f.has_stamp || !item)) {
		/* nothing to repair: its own octets, as they stand in the input */
		clen = cc.raw_end - cc.raw_off;
		if (rd.seekable || ics_sink)
			coff = cc.raw_off | FROM_INPUT;
		else {
			coff = cal.spool_len;
			out_write(spool, rd.buf + (cc.raw_off - rd.base), clen);
			cal.spool_len += clen;
		}
	} else {
		item_repair(&o, &uidbuf, &f, item);
		coff = cal.spool_len;
		clen = o.len;
		if (!ics_sink)
			out_write(spool, o.s, o.len);
		cal.spool_len += o.len;
	}
	if (ics_sink)
		item_tell(&f, !had_uid && f.uid);
	/* index: components without a UID (other than items) stand alone */
	if (f.uid)
		uid_key(f.uid, f.uidn, key);
	else {
		key[0] = cal.ncomps;
		key[1] = 0x5eed;	/* no hash of a UID is both this and a count */
	}
	item_zones(comp_index(key, cc.top, cc.top_line, coff, clen));
	item_buf = o;		/* kept for the next component */
	item_uid = uidbuf;
}

void
comp_end(void)
{
	progress(0);
	if (!cc.bad)
		comp_check();
	if (cc.bad)
		return;
	if (strcasecmp(cc.top, "VTIMEZONE") == 0)
		vtimezone_end();
	else
		item_end();
}

/* END:VCALENDAR (or the end of the input): the calendar's zones resolved,
 * its pieces written, and the calendar forgotten. */
void
cal_end(const char *prefix)
{
	progress_clear();
	zones_resolve();
	if (ics_sink) {
		if (ics_sink->calendar)
			ics_sink->calendar(ics_sink->ctx, cal.line);
		cal_forget();
		return;
	}
	pieces_write(prefix);
	cal_forget();
	spool_reset();
}

/* A property of the VCALENDAR itself. */
void
cal_prop(const struct cline *c, unsigned long line)
{
	size_t n;
	const char *v = cline_val(c, &n);

	if (cline_is(c, "VERSION")) {
		if (n != 3 || memcmp(v, "2.0", 3) != 0)
			report_fail(line, "VERSION:%.*s is not iCalendar 2.0; pieces say 2.0 "
			    "but nothing was converted", (int)n, v);
		return;
	}
	if (cline_is(c, "PRODID")) {
		if (!cal.prodid && n)
			cal.prodid = xstrndup(v, n);
		return;
	}
	if (!empty_text(c)) {
		int param;
		const char *m = line_error("VCALENDAR", c->s, c->n, &param);

		if (m) {
			report_fail(line, "%.*s: %s; calendar property left out", (int)c->namelen, c->s, m);
			return;
		}
	}
	if (cline_is(c, "X-WR-CALNAME") && !cal.calname)
		cal.calname = xstrndup(v, n);
	fold_line(&cal.props, c->s, c->n);
}

/* ---- the input's structure ------------------------------------------------- */

/* The name the input's piece sets begin with: -p, else the file's name
 * without its extension, else "calendar". */
static void
piece_prefix(struct strbuf *pfx, const char *path)
{
	if (ics_opt.prefix)
		sb_adds(pfx, ics_opt.prefix);
	else if (!path || strcmp(path, "-") == 0)
		sb_adds(pfx, "calendar");
	else {
		const char *bn = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		const char *dot = strrchr(bn, '.');

		slug(pfx, bn, dot && dot != bn ? (size_t)(dot - bn) : strlen(bn));
		if (!pfx->len)
			sb_adds(pfx, "calendar");
	}
}

/* A BEGIN line at the top of a calendar: the component taken the quick way
 * when it can be, else its reading the careful way begun. */
static void
comp_begin(struct lline *L, struct cline *c, const char *name, size_t l)
{
	/* the line in the buffer, which fast_comp may move */
	size_t skip = L->s != rd.cur.s ? (size_t)(L->s - (rd.buf + (L->off - rd.base))) : 0;
	int inbuf = L->s != rd.cur.s, b;

	if (ahead_take(L) || fast_comp(L, name, l))
		return;
	if (inbuf) {
		L->s = rd.buf + (L->off - rd.base) + skip;
		cline_parse(c, L->s, L->n);
		name = begin_end(c, &b, &l);
	}
	comp_reset();
	rd.anchor = L->off;	/* its octets stay in the buffer */
	cc.raw_off = L->off;
	comp_line(c, L);
	copy_name(cc.top, sizeof cc.top, name, l);
	cc.top_line = L->line;
	lv_push(name, l, L->line);
}

static int
is_vcalendar(const char *name, size_t l)
{
	return name && l == 9 && strncasecmp(name, "VCALENDAR", 9) == 0;
}

/* Each logical line of the input, at the top of the input, of a calendar
 * or inside a component. */
static void
read_lines(const char *prefix)
{
	const char *name;
	size_t l;
	unsigned long line;
	struct cline c;
	struct lline L;
	int b;

	while (reader_next(&L)) {
		line = L.line;
		if (!cline_parse(&c, L.s, L.n)) {
			report_fail(line, "not a content line; skipped");
			continue;
		}
		name = begin_end(&c, &b, &l);
		if (cc.depth && comp_take(&c, &L, name, b, l, prefix))
			continue;
		if (!cal.open) {
			if (is_vcalendar(name, l) && b) {
				cal_begin(line);
				continue;
			}
			if (!name || !b) {
				report_fail(line, "outside any VCALENDAR; skipped");
				continue;
			}
			report(line, "BEGIN:%.*s outside any VCALENDAR; read as one", (int)l, name);
			cal_begin(line);
		}
		if (is_vcalendar(name, l)) {
			if (b) {
				report(cal.line, "BEGIN:VCALENDAR has no END:VCALENDAR; "
				    "a new calendar begins at line %lu", line);
				cal_end(prefix);
				cal_begin(line);
			} else
				cal_end(prefix);
			continue;
		}
		if (name && b)
			comp_begin(&L, &c, name, l);
		else if (name)
			report_fail(line, "END:%.*s without its BEGIN; skipped", (int)l, name);
		else
			cal_prop(&c, line);
	}
}

int
ics_read(const char *path)
{
	struct strbuf pfx = { 0 };
	struct stat st;

	if (reader_open(path) != 0) {
		if (!ics_sink)
			warnmsg("%s:", path);
		return -1;
	}
	fname = rd.name;
	piece_prefix(&pfx, path);
	prog.on = !ics_sink && isatty(2);
	prog.size = fstat(rd.fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
	prog.ncomp = 0;
	ahead_start();
	read_lines(pfx.s);
	progress(1);
	if (cc.depth) {
		comp_fault(cc.top_line, "BEGIN:%s has no END (truncated?)", cc.top);
		comp_left_out();
		comp_reset();
	}
	if (cal.open) {
		report(cal.line, "BEGIN:VCALENDAR has no END:VCALENDAR at the end of the input");
		cal_end(pfx.s);
	}
	ahead_stop();
	reader_close();
	sb_free(&pfx);
	return 0;
}

int
ics_list(const char *path, const struct ics_sink *sink)
{
	int r;

	if (!careful_ready())
		careful_init();
	ics_sink = sink;
	r = ics_read(path);
	ics_sink = NULL;
	return r;
}

void
ics_start(void)
{
	spool_open();
	careful_init();
}

void
ics_end(void)
{
	careful_free();
	pieces_free();
	reader_free();
	comp_free();
	fast_free();
	ahead_free();
	sb_free(&item_buf);
	sb_free(&item_uid);
	icaltimezone_free_builtin_timezones();
}

int
ics_errors(void)
{
	return nerrors;
}
