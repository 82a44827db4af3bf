/* imap-copy's parts: options, accounts and folders (imap-copy.c), the
 * copy of a folder's missing messages (copy.c), and the delta pass of a
 * re-run (delta.c: flags that follow the Source, the mirror's removals). */
#ifndef IMAP_COPY_H
#define IMAP_COPY_H

#include <stdint.h>
#include <libetpan/libetpan.h>

#include "../../common/imapside.h"
#include "../../common/mailbox.h"
#include "../../common/pool.h"
#include "../../common/strmap.h"

#define COPY_MSGS 64		/* messages fetched per FETCH ... */
#define COPY_BYTES (8 << 20)	/* ... and at most this many bytes */

/* What the parts share (imap-copy.c): both sides' sessions for the account
 * at work, its Source login, the worker's counters, -J. */
extern struct imap_sides sides;
extern const char *account;
extern struct pool_slot *me;
extern int conns;
/* copy.c's: the Destination takes MULTIAPPEND and LITERAL+ (set once
 * logged in); IMAP_COPY_CRASH_AFTER (the crash tests only). */
extern int multiappend;
extern long crash_after;

/* What a folder's report line counts. */
struct fstats {
	unsigned long count, copied, already, failed, skipped, bytes, flagged, removed;
};

/* Where the worker is, for the progress display. */
void progress(const char *folder, unsigned long done, unsigned long total);

/* A command that changes the Destination was sent (the crash tests stop
 * the run dead after the Nth: IMAP_COPY_CRASH_AFTER). */
void sent(void);

/* A batch fetched from the Source, kept until the Destination answered. */
struct batch {
	clist *res;		/* the FETCH answer the items point into */
	struct msg_parts v[COPY_MSGS];
	size_t n;
	int pending;		/* its MULTIAPPEND sent, not yet answered */
	int tag;		/* the tag it was sent with */
};

/* The first batch of a folder's missing messages, fetched ahead. */
struct prefetch {
	clist *res;		/* its FETCH answer (NULL: none) */
	size_t i;		/* where the next batch starts in the listing */
};

/* Fetch the first batch of sf's messages that sm has not matched into pf,
 * on the Source's session (sf EXAMINEd) while the Destination is busy with
 * something else; nothing when the folder will be split over several
 * connections. Returns 0, or the libetpan error. */
int copy_prefetch(const struct folder *sf, struct msgs *sm, struct fstats *st,
    struct prefetch *pf);
void prefetch_free(struct prefetch *pf);

/* Copy the messages of sf that sm has not matched into the Destination
 * folder dname (wire name), counted in st: over several connections at
 * once when there are many (-J), else on the account's own, starting with
 * pf's batch (when pf holds one), where the answer to the last batch is
 * left in *defer (pending, when defer is not NULL) for settle() later.
 * Returns 1 when a connection broke (the caller starts the folder over),
 * else 0. */
int copy_split(const struct folder *sf, const char *dname, struct msgs *sm,
    struct fstats *st, struct batch *defer, struct prefetch *pf);

/* Read the answer to b's MULTIAPPEND (when pending), and free b. A refused
 * batch is stored one message at a time, after the answer to next (sent
 * meanwhile, or NULL) has been read; a refused next is then stored singly
 * by the caller. Returns 0, or the libetpan error that broke the
 * connection. */
int settle(const struct folder *sf, const char *dname, struct batch *b,
    struct batch *next, struct fstats *st);

/* Give the Destination messages that have a copy of a Source message the
 * Source's flags (both listings with flags, dst's folder SELECTed), with
 * one UID STORE per distinct set of flags to add and per distinct set to
 * remove, UIDs grouped. With dry_run, only counted. *updated counts the
 * messages changed (to change), *failed those the server refused, each
 * reported. Returns 0, or the libetpan error that broke the connection. */
int flags_follow(mailimap *dst, const char *account, const char *sfolder, struct msgs *sm,
    struct msgs *dm, int dry_run, unsigned long *updated, unsigned long *failed);

/* Mirror: remove from the Destination folder (SELECTed, listed in dm and
 * matched) every message that no Source message matched and whose internal
 * date is before cutoff: UID STORE +FLAGS.SILENT (\Deleted), then UID
 * EXPUNGE of those UIDs alone (UIDPLUS), so that a message a user marked
 * \Deleted stays. Each is reported, "removed" (dry run: "remove", and
 * nothing done). *removed counts them. Returns 0; -1 when the folder cannot
 * be mirrored (no UIDPLUS, the server refused: why in err); or the libetpan
 * error that broke the connection. */
int mirror_remove(mailimap *dst, const char *account, const char *sfolder,
    const char *dfolder, struct msgs *dm, int64_t cutoff, int dry_run,
    unsigned long *removed, char *err, size_t errlen);

/* Mirror mode: the Destination folders (dfs) with mail that no Source
 * folder goes to (targets: the Destination paths mapped) reported "extra",
 * never removed. */
void extra_folders(mailimap *dst, const char *account, const struct folders *dfs,
    struct strmap *targets);

/* --mirror-before's time: YYYY-MM-DD[THH:MM[:SS]] local, or with Z, +HH:MM,
 * -HH:MM; or @SECONDS. Returns the seconds since the epoch, 0 when it is
 * none of these. */
int64_t cutoff_parse(const char *s);

#endif
