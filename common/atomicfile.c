/* atomicfile: tmp + fsync + rename (mblaze's and mbsync's order), so that a
 * reader, or a re-run after a crash or a full disk, never sees a torn file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "diag.h"

static char *
join(const char *dir, const char *a, const char *b)
{
	size_t n = strlen(dir) + strlen(a) + strlen(b) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s%s", dir, a, b);
	return p;
}

int
atomicfile_open(struct atomicfile *af, const char *dir, const char *name)
{
	mode_t um = umask(0);
	int fd, e;

	umask(um);
	memset(af, 0, sizeof *af);
	af->path = join(dir, name, "");
	af->tmp = join(dir, ".", name);
	af->tmp = xrealloc(af->tmp, strlen(af->tmp) + 8);
	strcat(af->tmp, ".XXXXXX");
	if ((fd = mkstemp(af->tmp)) < 0)
		goto fail;
	if (fchmod(fd, 0666 & ~um) != 0 || !(af->fp = fdopen(fd, "w"))) {
		e = errno;
		close(fd);
		unlink(af->tmp);
		errno = e;
		goto fail;
	}
	return 0;
fail:
	e = errno;
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof *af);
	errno = e;
	return -1;
}

int
atomicfile_commit(struct atomicfile *af)
{
	int bad = fflush(af->fp) != 0 || ferror(af->fp) || fsync(fileno(af->fp)) != 0;
	int e = errno;

	if (fclose(af->fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	af->fp = NULL;
	if (!bad && rename(af->tmp, af->path) != 0) {
		bad = 1;
		e = errno;
	}
	if (bad)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof *af);
	errno = e;
	return bad ? -1 : 0;
}

void
atomicfile_abort(struct atomicfile *af)
{
	if (af->fp)
		fclose(af->fp);
	if (af->tmp)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof *af);
}

int
atomicfile_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), r, e;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return r;
}
