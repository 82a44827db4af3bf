/* atomicfile: tmp + fsync + rename, the way mbsync and mblaze make files
 * appear whole. Open files are kept on a list so that af_abort_all() can
 * remove their temporary names from an exit handler. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "diag.h"

#define MAXOPEN 8

static struct atomicfile *open_files[MAXOPEN];

static void
track(struct atomicfile *af, int on)
{
	int i;

	for (i = 0; i < MAXOPEN; i++)
		if (on ? open_files[i] == NULL : open_files[i] == af) {
			open_files[i] = on ? af : NULL;
			return;
		}
}

static char *
dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	if (!sl)
		return xstrdup(".");
	if (sl == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(sl - path));
}

int
af_open(struct atomicfile *af, const char *path)
{
	const char *base = strrchr(path, '/');
	char *dir = dir_of(path);
	size_t n;
	int fd;

	base = base ? base + 1 : path;
	n = strlen(dir) + strlen(base) + 16;
	af->tmp = xmalloc(n);
	snprintf(af->tmp, n, "%s/.%s.XXXXXX", dir, base);
	free(dir);
	af->path = xstrdup(path);
	af->fp = NULL;
	if ((fd = mkstemp(af->tmp)) < 0 || (af->fp = fdopen(fd, "w")) == NULL) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(af->tmp);
		}
		free(af->tmp);
		free(af->path);
		af->tmp = af->path = NULL;
		errno = e;
		return -1;
	}
	/* mkstemp makes it 0600; a contacts file is as private as its source,
	 * but the owner's umask decides, as for any other output */
	{
		mode_t um = umask(0);

		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	track(af, 1);
	return 0;
}

static void
release(struct atomicfile *af)
{
	track(af, 0);
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
	af->fp = NULL;
}

int
af_commit_nodirsync(struct atomicfile *af)
{
	int e;

	if (fflush(af->fp) != 0 || ferror(af->fp) || fsync(fileno(af->fp)) != 0) {
		e = errno;
		af_abort(af);
		errno = e;
		return -1;
	}
	if (fclose(af->fp) != 0 || rename(af->tmp, af->path) != 0) {
		e = errno;
		af->fp = NULL;
		unlink(af->tmp);
		release(af);
		errno = e;
		return -1;
	}
	release(af);
	return 0;
}

/* The directory of path fsync'd: its renames reach the disk. */
void
af_sync_dir(const char *path)
{
	char *dir = dir_of(path);
	int dfd;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}

int
af_commit(struct atomicfile *af)
{
	char *path = xstrdup(af->path);
	int r = af_commit_nodirsync(af);

	/* the rename itself must reach the disk too */
	if (r == 0)
		af_sync_dir(path);
	free(path);
	return r;
}

void
af_abort(struct atomicfile *af)
{
	if (!af->tmp)
		return;
	if (af->fp)
		fclose(af->fp);
	unlink(af->tmp);
	release(af);
}

void
af_abort_all(void)
{
	int i;

	for (i = 0; i < MAXOPEN; i++)
		if (open_files[i])
			af_abort(open_files[i]);
}

void
af_unlink_all(void)
{
	int i;

	for (i = 0; i < MAXOPEN; i++)
		if (open_files[i] && open_files[i]->tmp)
			unlink(open_files[i]->tmp);
}

static void
on_signal(int sig)
{
	af_unlink_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
af_cleanup_at_exit(void)
{
	atexit(af_abort_all);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}
