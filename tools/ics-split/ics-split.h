/* ics-split's reading and writing of calendars, for ics-split(1) itself
 * (tools/ics-split.c: its options and main loop) and for mig-check, which
 * reads calendars as ics-split reads them. */
#ifndef ICS_SPLIT_H
#define ICS_SPLIT_H

#include <stddef.h>

/* The options. -n and -s decide what goes into which piece: read by
 * ics_option() alike by ics-split and by mig-check, which checks the pieces
 * ics-split wrote against the same limits. */
struct ics_opts {
	int nul;		/* -0: paths NUL-terminated */
	const char *dir;	/* -d: where pieces go */
	unsigned long count;	/* -n: components to a piece */
	unsigned long size;	/* -s: octets to a piece (common/size.c: k = 1024) */
	const char *prefix;	/* -p: piece names begin with it */
};
#define ICS_DEF_COUNT 1000
#define ICS_DEF_SIZE 900000UL
#define ICS_LIMITS_GETOPT "n:s:"

/* The options in force (the defaults until set). */
extern struct ics_opts ics_opt;

/* -n or -s (ICS_LIMITS_GETOPT) into o: 1 taken; -1 its value is not a
 * positive number or size (said on standard error); 0 ch is neither. */
int ics_option(struct ics_opts *o, int ch, const char *arg);

/* A run: ics_start() once (the spool in ics_opt.dir), ics_read() for each
 * input (NULL or "-": standard input): its calendars split into pieces
 * under ics_opt.dir, their paths on standard output; -1 when it cannot be
 * opened (said). ics_errors(): how many things were not carried as they
 * were (said on standard error). ics_end() frees everything. */
void ics_start(void);
int ics_read(const char *path);
int ics_errors(void);
void ics_end(void);

/* ---- reading a calendar as ics-split reads it, writing nothing ---------------
 * For a check of what ics-split wrote (mig-check verify ics) or will write
 * (mig-check preflight files): the same reading, the same repairs, the same
 * derived UIDs, told to a sink instead of written into pieces. */

/* A component of the top of a calendar (VTIMEZONEs but those left out are
 * not told: they go into every piece that needs them). */
struct ics_comp {
	const char *kind;	/* VEVENT, VTODO... as the input spells it */
	const char *uid;	/* its UID as the piece will have it (derived when */
	size_t uidlen;		/* it has none: "ics-split-..."); NULL: none */
	const char *rid;	/* its RECURRENCE-ID: "TZID=zone:value" or "value"; */
	size_t ridlen;		/* NULL: none */
	unsigned long line;	/* its BEGIN line */
	int uid_given;		/* the UID is ics-split's (the input had none) */
	const char *why;	/* left out: why (as said); NULL: it is written */
};

/* What a diagnostic says: something not carried as it was, something
 * repaired or said, a TZID that no zone explains (not carried as the input
 * meant, but the same in every piece ics-split writes from it). */
enum { ICS_FAIL, ICS_NOTE, ICS_ZONE };

struct ics_sink {
	/* each component, written or left out (then with why) */
	void (*comp)(void *ctx, const struct ics_comp *c);
	/* each diagnostic, instead of standard error (NULL: none told) */
	void (*diag)(void *ctx, unsigned long line, int what, const char *msg);
	/* each calendar, at its end (NULL: none told) */
	void (*calendar)(void *ctx, unsigned long line);
	void *ctx;
};

/* Read path as ics_read() does, telling sink; no piece written, no output,
 * no spool (ics_start() not needed). -1 when it cannot be opened (errno),
 * else 0. ics_end() frees what it keeps. */
int ics_list(const char *path, const struct ics_sink *sink);

#endif
