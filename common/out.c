/* out: every write checked; the first failure ends the program with exit 2. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/types.h>

#include "diag.h"
#include "out.h"

static const char *
stream_name(FILE *f)
{
	return f == stdout ? "stdout" : f == stderr ? "stderr" : "output";
}

void
out_init(void)
{
	signal(SIGPIPE, SIG_IGN);
}

void
out_write(FILE *f, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, f) != n)
		die("%s: write error:", stream_name(f));
}

void
out_puts(FILE *f, const char *s)
{
	out_write(f, s, strlen(s));
}

void
out_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(f, fmt, ap);
	va_end(ap);
	if (r < 0)
		die("%s: write error:", stream_name(f));
}

void
out_copy(FILE *f, FILE *from, const char *what)
{
	char buf[65536];
	size_t n;
	off_t pos = ftello(from);
	ssize_t r;

	/* between two files (or into a pipe) the kernel copies without
	 * passing the bytes through this process */
	if (pos >= 0 && fflush(f) == 0) {
		int in = fileno(from), outfd = fileno(f);

		while ((r = sendfile(outfd, in, &pos, 1 << 30)) > 0)
			;
		if (r == 0) {
			fseeko(from, pos, SEEK_SET);
			return;
		}
		if (errno != EINVAL && errno != ENOSYS)
			die("%s: write error:", stream_name(f));
		fseeko(from, pos, SEEK_SET);
	}

	while ((n = fread(buf, 1, sizeof buf, from)) > 0)
		out_write(f, buf, n);
	if (ferror(from))
		die("%s: read error:", what);
}

void
out_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		die("stdout: write error:");
	if (fclose(stdout) != 0)
		die("stdout: write error:");
}
