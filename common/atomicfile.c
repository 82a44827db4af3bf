/* atomicfile: tmp + fsync + rename, the way mbsync and mblaze make files
 * appear whole. Open files are kept on a list so that af_abort_all() can
 * remove their temporary names from an exit handler. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "diag.h"

/* every file not yet committed nor aborted, open or closed (af_close);
 * files may be opened and closed from several threads */
static struct atomicfile *open_files;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The umask, read once: reading it means setting it, which two threads
 * must not do at once. */
static mode_t um;
static pthread_once_t um_once = PTHREAD_ONCE_INIT;

static void
read_umask(void)
{
	um = umask(0);
	umask(um);
}

static mode_t
the_umask(void)
{
	pthread_once(&um_once, read_umask);
	return um;
}

static void
track(struct atomicfile *af, int on)
{
	pthread_mutex_lock(&lock);
	if (on) {
		af->prev = NULL;
		af->next = open_files;
		if (open_files)
			open_files->prev = af;
		open_files = af;
		pthread_mutex_unlock(&lock);
		return;
	}
	if (af->prev)
		af->prev->next = af->next;
	else if (open_files == af)
		open_files = af->next;
	if (af->next)
		af->next->prev = af->prev;
	af->prev = af->next = NULL;
	pthread_mutex_unlock(&lock);
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
	/* a contacts file is as private as its source, but the owner's umask
	 * decides, as for any other output */
	return af_open_mode(af, path, 0666 & ~the_umask());
}

/* A device or a FIFO: written where it is, nothing to rename. */
static int
open_direct(struct atomicfile *af, const char *path, const struct stat *st)
{
	int fd;

	if (S_ISDIR(st->st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -1;
	if (!(af->fp = fdopen(fd, "w"))) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	af->direct = 1;
	af->path = xstrdup(path);
	af->tmp = NULL;
	track(af, 1);
	return 0;
}

int
af_open_mode(struct atomicfile *af, const char *path, mode_t mode)
{
	const char *base = strrchr(path, '/');
	char *dir = dir_of(path);
	size_t n;
	int fd;

	struct stat st;

	af->direct = 0;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		free(dir);
		return open_direct(af, path, &st);
	}
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
	fchmod(fd, mode);	/* mkstemp made it 0600 */
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

/* A device written in place: flushed and closed (fsync means nothing to
 * /dev/null, and fails on a FIFO). */
static int
close_direct(struct atomicfile *af)
{
	int r = 0, e = 0;

	if (af->fp) {
		if (fflush(af->fp) != 0 || ferror(af->fp))
			r = -1, e = errno;
		if (fclose(af->fp) != 0 && !r)
			r = -1, e = errno;
	}
	af->fp = NULL;
	release(af);
	af->direct = 0;
	errno = e;
	return r;
}

int
af_close(struct atomicfile *af)
{
	int e;

	if (fflush(af->fp) != 0 || ferror(af->fp)) {
		e = errno;
		af_abort(af);
		errno = e;
		return -1;
	}
	/* the disk may start on it now, and be done by af_commit */
	if (!af->direct)
		sync_file_range(fileno(af->fp), 0, 0, SYNC_FILE_RANGE_WRITE);
	if (fclose(af->fp) != 0) {
		e = errno;
		af->fp = NULL;
		af_abort(af);
		errno = e;
		return -1;
	}
	af->fp = NULL;
	return 0;
}

int
af_commit_nodirsync(struct atomicfile *af)
{
	int e, fd;

	if (af->direct)
		return close_direct(af);

	if (!af->fp) {	/* closed by af_close: fsync it by name */
		if ((fd = open(af->tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0) {
			e = errno;
			if (fd >= 0)
				close(fd);
			af_abort(af);
			errno = e;
			return -1;
		}
		close(fd);
	} else if (fflush(af->fp) != 0 || ferror(af->fp) || fsync(fileno(af->fp)) != 0) {
		e = errno;
		af_abort(af);
		errno = e;
		return -1;
	}
	if ((af->fp && fclose(af->fp) != 0) || rename(af->tmp, af->path) != 0) {
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
	if (af->direct) {
		close_direct(af);
		return;
	}
	if (!af->tmp) {
		track(af, 0);
		return;
	}
	if (af->fp)
		fclose(af->fp);
	unlink(af->tmp);
	release(af);
}

void
af_abort_all(void)
{
	while (open_files)
		af_abort(open_files);
}

void
af_unlink_all(void)
{
	struct atomicfile *af;

	for (af = open_files; af; af = af->next)
		if (af->tmp)
			unlink(af->tmp);
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
