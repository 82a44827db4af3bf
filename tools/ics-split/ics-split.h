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

#endif
