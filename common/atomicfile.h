/* atomicfile: a file that appears complete or not at all. It is written
 * under a temporary name in its directory, fsync'd, then renamed. */
#ifndef ATOMICFILE_H
#define ATOMICFILE_H

#include <stdio.h>

struct atomicfile {
	FILE *fp;		/* write here between open and commit */
	char *path;		/* the final name */
	char *tmp;		/* ".NAME.XXXXXX" beside it */
};

/* Start dir/name (mode 0666 less the umask). -1 with errno on failure. */
int atomicfile_open(struct atomicfile *af, const char *dir, const char *name);
/* Flush, fsync, close, rename into place. -1 with errno on failure, the
 * temporary file then removed: nothing is left half-written. */
int atomicfile_commit(struct atomicfile *af);
/* Give up: remove the temporary file. */
void atomicfile_abort(struct atomicfile *af);
/* fsync a directory, so that renames into it survive a crash. */
int atomicfile_sync_dir(const char *dir);

#endif
