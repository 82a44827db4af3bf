/* mig-check: what its checks share: the report line and the exit status.
 * Each check is a file of its own: mail.c (the Source's mail against the
 * Destination's, over IMAP), prov.c (the provisioning stream against the
 * Destination's directory), csv.c and ics.c (what csv2vcard and ics-split
 * wrote, against the exports they read); premail.c and preprov.c the checklist before a
 * migration (preflight), with the same options and the same common/ code. */
#ifndef MIG_CHECK_H
#define MIG_CHECK_H

/* Exit status, the worst of what the run met (design.md's grep style). */
enum { ST_OK = 0, ST_DIFF = 1, ST_FAIL = 2 };

/* Every check's usage on standard error, exit 2: for a bad option. */
void mig_check_usage(void) __attribute__((noreturn));

/* The options of a check of the files a tool wrote (verify csv, verify
 * ics): the tool's own, read by opt (1 taken, 0 not its own, -1 bad: exit
 * 2), and -p LIST, the list of the files it wrote; both -p and an operand
 * are needed (else what says so, exit 2). Returns LIST; the operands are
 * then from argv[optind]. */
const char *files_check_options(int argc, char **argv, const char *tool_opts,
    int (*opt)(void *ctx, int ch, const char *arg), void *ctx, const char *what);

int verify_mail(int argc, char **argv);
int verify_prov(int argc, char **argv);
int verify_csv(int argc, char **argv);
int verify_ics(int argc, char **argv);
/* Before a migration: the requirement checklist (premail.c, preprov.c). */
int preflight_mail(int argc, char **argv);
int preflight_prov(int argc, char **argv);
int preflight_files(int argc, char **argv);


#endif
