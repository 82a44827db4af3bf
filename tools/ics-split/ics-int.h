/* ics-split's parts, and what they share: the reader (reader.c), the
 * component being read (component.c), its careful check with libical
 * (careful.c), the quick way through it (fast.c), the read-ahead thread
 * (ahead.c), the calendar's UID index (index.c), the calendar and the input
 * read from end to end (calendar.c), built-in time zones (zones.c), the
 * pieces written (pieces.c) and the options (options.c). The state of the
 * run is in the globals below, one of each, as it was in the one file. */
#ifndef ICS_INT_H
#define ICS_INT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "../../common/diag.h"
#include "../../common/strbuf.h"
#include "../../common/strmap.h"
#include "ics-split.h"
#include "icsvalid.h"

#define OUR_PRODID "-//carbonio-mig//ics-split//EN"

extern struct ics_opts ics_opt;	/* options.c */

/* ---- diagnostics (reader.c) --------------------------------------------- */

extern int nerrors;		/* something was not carried: exit 1 */
extern const char *fname;	/* the input being read, for diagnostics */

/* Progress on a terminal only: under cron, stderr stays greppable. */
struct progress {
	int on;
	unsigned long ncomp;
	time_t last;
	off_t size;
	int shown;
};
extern struct progress prog;

void progress_clear(void);
void progress(int done);
void report(unsigned long line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Something not carried as it was: reported, and the exit status 1. */
void report_fail(unsigned long line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A TZID no zone explains: report_fail, told to a sink as ICS_ZONE. */
void report_zone(unsigned long line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reading for ics_list(): what it tells; NULL when ics-split writes pieces. */
extern const struct ics_sink *ics_sink;

/* ---- content lines (reader.c) -------------------------------------------- */

/* The names ics-split itself looks for, told apart once per line. */
enum kind { K_OTHER, K_BEGIN, K_END, K_UID, K_DTSTAMP, K_LASTMOD, K_CREATED, K_TZID };

/* One unfolded content line: NAME *(";" param) ":" value. */
struct cline {
	const char *s;
	size_t n, namelen, valoff;
	int kind;
};

int cline_parse(struct cline *c, const char *s, size_t n);
int cline_is(const struct cline *c, const char *name);
const char *cline_val(const struct cline *c, size_t *len);
const char *cline_param(const struct cline *c, const char *pname, size_t *len);
const char *begin_end(const struct cline *c, int *begin, size_t *len);
void copy_name(char *to, size_t size, const char *name, size_t l);

/* ---- the reader (reader.c) ----------------------------------------------- */

struct pline {			/* a physical line, cleaned */
	uint64_t off;		/* input offset of its first octet */
	size_t raw;		/* its octets up to and with the LF */
	size_t skip, n;		/* its text: skip octets in (a BOM), n long */
	unsigned long lineno;
	int crlf, dirty;	/* ended in CRLF; a BOM, NUL or CR removed */
};

struct lline {			/* a logical line, unfolded */
	const char *s;		/* not NUL-terminated; lives until the next one */
	size_t n;
	unsigned long line;	/* its first physical line */
	uint64_t off, end;	/* its octets in the input, continuations included */
	int clean;		/* valid output as it stands */
};

#define NOKEEP UINT64_MAX

struct reader {
	int fd, own, seekable;
	const char *name;
	char *buf;
	size_t cap, pos, end, scan;	/* unread: buf[pos, end); no LF in [pos, scan) */
	uint64_t base;			/* input offset of buf[0] */
	uint64_t anchor, line;		/* what a refill keeps: the component, the line */
	uint64_t plain;			/* from rd.pos up to here: no NUL, no lone CR */
	unsigned long lineno;		/* physical lines taken */
	int eof, said_lf, said_fold, said_nul, peeked;
	int pread;			/* read with pread at base + end */
	uint64_t mark;			/* a line start whose number is wanted, */
	unsigned long markline;		/* and the number of the line before it, */
	int markhit;			/* 2 once known (1: fast_scan saw it) */
	unsigned long markrel;
	struct pline pk;
	struct strbuf cur;
};

extern struct reader rd;	/* the main reader */

int reader_open(const char *path);
void reader_close(void);
void reader_free(void);
int reader_next(struct lline *L);
int refill(struct reader *r);
void plain_scan(struct reader *r);

/* ---- the calendar being read (index.c) ----------------------------------- */

struct zone {
	char *tzid;
	size_t tzlen;
	struct strbuf text;	/* the VTIMEZONE, folded, CRLF; empty if none */
	unsigned long line;	/* where defined, or first used */
	size_t mark;		/* the piece it was last counted in, plus one */
	int defined;
};

struct group {			/* the components that share a UID */
	uint32_t first, last;	/* component indexes, chained by next */
	uint32_t ncomp;
	uint32_t zones;		/* first zref, plus one; 0: none */
	uint64_t bytes;
	unsigned long line;	/* of its first component */
	char kind[12];
};

struct gslot {
	uint64_t k0, k1;
	uint32_t group, used;
};

#define FROM_INPUT (1ULL << 63)	/* compref.off: in the input, not the spool */

struct compref {
	uint64_t off;
	uint32_t len;
	uint32_t next;		/* the group's next component, plus one */
};

struct zref {
	uint32_t zone, next;	/* next: plus one, 0 ends the list */
};

struct calendar {
	int open;
	unsigned long line;	/* of BEGIN:VCALENDAR */
	char *prodid, *calname;
	struct strbuf props;	/* calendar-level properties, folded */
	struct strmap zmap;	/* TZID -> zone index (aux) */
	uint32_t zcache[16];	/* recent look-ups: zone index + 1 */
	struct zone *zones;
	size_t nzones, zcap;
	struct gslot *gtab;	/* UID key -> group: open addressing on key[0] */
	size_t gtcap;
	struct group *groups;
	size_t ngroups, gcap;
	struct compref *comps;
	size_t ncomps, ccap;
	struct zref *zrefs;
	size_t nzrefs, zrcap;
	uint64_t spool_len;
};

extern struct calendar cal;

void *grow(void *p, size_t *cap, size_t need, size_t size);
uint32_t zone_get(const char *tzid, size_t n, unsigned long line);
void group_add_zone(struct group *g, uint32_t z);
struct group *comp_index(const uint64_t key[2], const char *kind, unsigned long line,
    uint64_t coff, uint64_t clen);
void cal_forget(void);

/* The index key of a UID: 128 bits of its hash (hash128). Two UIDs that
 * collided would only share a piece: nothing is lost, so a digest cheaper
 * than SHA-256 will do. */
#include "../../common/hash.h"
static inline void
uid_key(const char *s, size_t n, uint64_t key[2])
{
	hash128(s, n, key);
}

/* ---- the component being read (component.c) ------------------------------ */

/* A component holds components nested at most this deep, itself counted:
 * RFC 5545's need 2 (VEVENT, VALARM); deeper ones are left out, reported
 * (their levels are still followed, to any depth, to find where the
 * component ends). */
#define MAX_NEST 16

struct level {			/* an open BEGIN */
	size_t name, len;	/* its name: in cc.names */
	unsigned long line;
};

/* The component being read: its unfolded lines, NUL-separated in text. */
struct component {
	struct strbuf text;
	size_t *off, *len;	/* where each line is, its length, */
	uint32_t *namelen, *valoff;	/* and its parse (struct cline) */
	unsigned char *kind;
	unsigned long *lineno;
	unsigned char *drop;
	size_t n, cap;
	char top[32];		/* the component's name (cut to fit), */
	unsigned long top_line;	/* and its BEGIN line */
	struct level *lv;	/* the open BEGINs, top first: any depth */
	size_t lvcap;
	struct strbuf names;	/* their names, NUL-terminated */
	struct strmap open;	/* past MAX_NEST: name -> its open levels (aux) */
	int counting;		/* open is kept */
	int depth, bad;
	struct strbuf why;	/* what was found wrong first (bad), */
	unsigned long why_line;	/* where */
	struct strbuf id;	/* "UID x" or "TZID x", to name it by */
	int ask;		/* a line the quick check is not sure of, or a
				 * component libical may not know: see comp_check */
	uint64_t raw_off, raw_end;	/* its octets in the input */
	int clean;		/* and they are valid output as they stand */
};

extern struct component cc;

char *comp_cl(size_t i, struct cline *c);
void comp_reset(void);
void comp_free(void);
int may_contain(const char *parent, size_t pl, const char *child, size_t cl);
void lv_push(const char *name, size_t l, unsigned long line);
void comp_fault(unsigned long line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void comp_left_out(void);
/* The component being read is left out (said): told to the sink. */
void comp_told_left_out(const char *why);
void comp_line(const struct cline *c, const struct lline *L);
int comp_take(const struct cline *c, const struct lline *L, const char *name, int b, size_t l,
    const char *prefix);

/* ---- checking a component with libical (careful.c) ------------------------ */

int empty_text(const struct cline *c);
const char *line_error(const char *comp, const char *s, size_t n, int *param);
/* The lines the quick check is not sure of asked of libical: a line it
 * refuses left out (cc.drop), a component it cannot read at all cc.bad. */
void comp_check(void);
int careful_ready(void);
void careful_init(void);
void careful_free(void);

/* ---- items and calendars (calendar.c) ------------------------------------- */

void comp_end(void);
void cal_begin(unsigned long line);
void cal_end(const char *prefix);
void cal_prop(const struct cline *c, unsigned long line);
void items_free(void);

/* ---- the quick way (fast.c) ------------------------------------------------ */

struct seen;
struct fastres {
	uint64_t start, end, key[2];	/* its octets; its UID key */
	unsigned long lines;		/* physical lines after BEGIN, END included */
	char kind[12];
	struct strbuf unf;		/* a folded line, unfolded */
	struct strbuf tz;		/* the TZIDs it uses, back to back, */
	size_t *tzlen;			/* their lengths */
	unsigned long *tzline;		/* and lines, counted from BEGIN's */
	size_t ntz, tzcap;
	struct seen *seen;		/* lines checked lately (LINE_CACHE) */
};

int is_item_n(const char *name, size_t l);
int fast_scan(struct reader *r, struct fastres *res, uint64_t start, const char *kind, size_t l);
int fast_comp(const struct lline *L, const char *name, size_t l);
void fastres_free(struct fastres *res);
void fast_free(void);

/* ---- reading ahead (ahead.c) ----------------------------------------------- */

void ahead_start(void);
void ahead_stop(void);
int ahead_take(const struct lline *L);
void ahead_free(void);

/* ---- built-in zones (zones.c) ------------------------------------------------ */

void zones_resolve(void);

/* ---- pieces (pieces.c) ------------------------------------------------------- */

extern FILE *spool;
void spool_open(void);
void spool_reset(void);
void slug(struct strbuf *b, const char *s, size_t n);
/* The calendar's UID groups packed into pieces under the limits, written,
 * committed, their paths on standard output. */
void pieces_write(const char *prefix);
void pieces_free(void);

#endif
