/* atomicfile: a file that appears whole or not at all. It is written under
 * a hidden temporary name in its final directory, fsync'd, then renamed over
 * the final name (and the directory fsync'd), so that a crash, a full disk
 * or a kill leaves either the complete file or nothing under its name. */
#ifndef ATOMICFILE_H
#define ATOMICFILE_H

#include <stdio.h>
#include <sys/types.h>

struct atomicfile {
	FILE *fp;		/* write here (checked writes: out_write) */
	char *path;		/* the final name */
	char *tmp;		/* DIR/.NAME.XXXXXX while open */
	int direct;		/* path is no regular file (/dev/null, a FIFO):
				 * written in place, never renamed over */
	struct atomicfile *prev, *next;	/* the files not yet committed */
};

/* Create the temporary file for path, mode 0666 less the umask (as any
 * output). Returns 0, or -1 with errno set. A path that exists and is not a
 * regular file (/dev/null, /dev/stdout, a FIFO) is opened and written in
 * place: a device is never replaced by a file (as root, renaming over
 * /dev/null would break the whole machine); a directory is EISDIR. */
int af_open(struct atomicfile *af, const char *path);
/* The same with exactly this mode, the umask not applied: for a file that
 * must stay private whatever the umask (prov-apply's reject file, 0600: its
 * lines may hold passwords). */
int af_open_mode(struct atomicfile *af, const char *path, mode_t mode);
/* Flush, fsync, close and rename to the final name. Returns 0, or -1 with
 * errno set (the temporary file is then removed). */
int af_commit(struct atomicfile *af);
/* Flush and close it, not yet committed: the disk starts writing it. For
 * many files written one after the other and committed together at the
 * end (af_commit_nodirsync on each, whose fsyncs then find most of the
 * work done, and af_sync_dir once). Returns 0, or -1 with errno set (the
 * temporary file is then removed). */
int af_close(struct atomicfile *af);
/* The same, without the fsync of the directory: for many files in one
 * directory, followed by one af_sync_dir(). */
int af_commit_nodirsync(struct atomicfile *af);
/* fsync the directory that path is in. */
void af_sync_dir(const char *path);
/* Close and remove the temporary file; the final name is left as it was. */
void af_abort(struct atomicfile *af);
/* Remove every temporary file still open: for an exit handler, so that a
 * fatal error leaves nothing half-written behind. */
void af_abort_all(void);
/* Only unlink the temporary names: safe in a signal handler. */
void af_unlink_all(void);
/* At exit (a fatal error) and on SIGINT, SIGTERM and SIGHUP, remove the
 * temporary files still open; call once at start. */
void af_cleanup_at_exit(void);

#endif
