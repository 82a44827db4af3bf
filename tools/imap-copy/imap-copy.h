/* imap-copy's parts: the copy (imap-copy.c) and the delta pass of a re-run
 * (delta.c: flags that follow the Source, the mirror's removals). */
#ifndef IMAP_COPY_H
#define IMAP_COPY_H

#include <stdint.h>
#include <libetpan/libetpan.h>

#include "../../common/mailbox.h"
#include "../../common/strmap.h"

/* A command that changes the Destination was sent (the crash tests stop
 * the run dead after the Nth: IMAP_COPY_CRASH_AFTER). */
void sent(void);

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
