/* Unit test of common/atomicfile: the final name holds nothing until the
 * commit, then everything; an abort (or a fatal exit) leaves no trace. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/atomicfile.h"
#include "../../common/diag.h"
#include "tap.h"

static char dir[] = "/tmp/atomicfile-test.XXXXXX";

static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int
main(void)
{
	struct atomicfile af;
	char path[128], *s;
	pid_t pid;
	int st;

	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof path, "%s/a.vcf", dir);

	ok(af_open(&af, path) == 0, "open");
	fputs("BEGIN:VCARD\r\n", af.fp);
	fflush(af.fp);
	ok(access(path, F_OK) != 0, "before the commit the final name does not exist");
	ok(entries() == 1, "... only the hidden temporary file does");
	ok(af_commit(&af) == 0, "commit");
	s = slurp(path);
	ok(s && strcmp(s, "BEGIN:VCARD\r\n") == 0, "after the commit the file is whole");
	ok(entries() == 1, "... and the temporary name is gone");

	ok(af_open(&af, path) == 0, "open over an existing file");
	fputs("something else", af.fp);
	af_abort(&af);
	s = slurp(path);
	ok(s && strcmp(s, "BEGIN:VCARD\r\n") == 0, "an abort leaves the old file as it was");
	ok(entries() == 1, "... and no temporary file");

	/* a fatal error: the exit handler removes the half-written file */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		static struct atomicfile cf;
		char p2[128];

		snprintf(p2, sizeof p2, "%s/b.vcf", dir);
		atexit(af_abort_all);
		if (af_open(&cf, p2) != 0)
			_exit(3);
		fputs("half", cf.fp);
		fflush(cf.fp);
		exit(2);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 2, "a child dies with exit 2");
	ok(entries() == 1, "... leaving neither b.vcf nor its temporary file");

	/* the mode: 0666 less the umask, or exactly the one given */
	{
		struct stat sb;
		mode_t um = umask(077);

		snprintf(path, sizeof path, "%s/m.txt", dir);
		ok(af_open_mode(&af, path, 0600) == 0 && af_commit(&af) == 0 &&
		    stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
		    "af_open_mode 0600 under umask 077: 0600");
		unlink(path);
		umask(0);
		ok(af_open_mode(&af, path, 0600) == 0 && af_commit(&af) == 0 &&
		    stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
		    "af_open_mode 0600 under umask 0: 0600");
		unlink(path);
		umask(um);
		/* af_open read the umask at its first call, above */
		ok(af_open(&af, path) == 0 && af_commit(&af) == 0 && stat(path, &sb) == 0 &&
		    (sb.st_mode & 0777) == (0666 & ~um), "af_open: 0666 less the umask");
		unlink(path);
	}

	snprintf(path, sizeof path, "%s/no/such/dir/c.vcf", dir);
	ok(af_open(&af, path) == -1, "open in a missing directory fails");

	/* no regular file (here a FIFO, as /dev/null): written in place,
	 * never renamed over (as root, a file in place of /dev/null) */
	{
		struct stat sb;
		int fds[2];
		char got[64] = "";

		snprintf(path, sizeof path, "%s/fifo", dir);
		if (mkfifo(path, 0600) != 0 || pipe(fds) != 0)
			ok(0, "mkfifo");
		pid_t pid = fork();
		if (pid == 0) {	/* the reader: what came through, on the pipe */
			char b[64] = "";
			alarm(5);	/* the FIFO replaced: no writer ever comes */
			int fd = open(path, O_RDONLY);
			ssize_t n = fd >= 0 ? read(fd, b, sizeof b - 1) : -1;
			if (n > 0 && write(fds[1], b, (size_t)n) < 0)
				_exit(1);
			_exit(0);
		}
		close(fds[1]);
		ok(af_open(&af, path) == 0, "a FIFO: opened");
		fputs("through\n", af.fp);
		ok(af_commit(&af) == 0, "... committed");
		waitpid(pid, NULL, 0);
		ssize_t n = read(fds[0], got, sizeof got - 1);
		close(fds[0]);
		ok(n == 8 && strcmp(got, "through\n") == 0, "... the bytes went through it");
		ok(lstat(path, &sb) == 0 && S_ISFIFO(sb.st_mode), "... and it is still a FIFO");
		ok(entries() == 2, "... no temporary file beside it");
		unlink(path);
		snprintf(path, sizeof path, "%s/sub", dir);
		mkdir(path, 0700);
		errno = 0;
		ok(af_open(&af, path) == -1 && errno == EISDIR, "a directory: EISDIR");
		rmdir(path);
	}

	snprintf(path, sizeof path, "%s/a.vcf", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
