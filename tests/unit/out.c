/* Unit test of common/out and common/diag: a failed write is an error exit
 * with the diagnostic's one form. Runs the cases as child processes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/diag.h"
#include "../../common/out.h"
#include "tap.h"

/* Run fn in a child with stdout on fd out and stderr into a pipe; return the
 * exit status and what it wrote on stderr. */
static int
child(void (*fn)(void), int out, char *err, size_t errsz)
{
	int p[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(out, 1);
		dup2(p[1], 2);
		close(p[0]);
		fn();
		exit(0);
	}
	close(p[1]);
	size_t got = 0;

	while (got < errsz - 1 && (n = read(p[0], err + got, errsz - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void
write_full(void)
{
	int i;

	diag_init("/usr/bin/testprog");
	out_init();
	for (i = 0; i < 100000; i++)
		out_puts(stdout, "a line of output\n");
	out_close_stdout();
}

static void
write_pipe(void)
{
	int i;

	diag_init("testprog");
	out_init();
	for (i = 0; i < 100000; i++)
		out_puts(stdout, "a line of output\n");
	out_close_stdout();
}

static void
write_small(void)
{
	diag_init("testprog");
	out_init();
	out_puts(stdout, "x\n");	/* fits in the buffer: fails only at close */
	out_close_stdout();
}

static void
warn_forms(void)
{
	diag_init("/x/prog");
	warn_at("in.ldif", 12, "bad %s", "record");
	warn_at("in.ldif", 0, "no line");
	errno = ENOENT;
	warnmsg("open %s:", "f");
}

int
main(void)
{
	char err[1024];
	int full = open("/dev/full", O_WRONLY), null = open("/dev/null", O_WRONLY), p[2], st;

	st = child(write_full, full, err, sizeof err);
	ok(st == 2 && strstr(err, "testprog: stdout: write error: No space left on device"),
	    "a full disk is exit 2 with a message (%d: %s)", st, tap_show(err, strlen(err)));
	st = child(write_small, full, err, sizeof err);
	ok(st == 2 && strstr(err, "No space left"), "even when the failure shows at close (%d)", st);
	if (pipe(p) == 0) {
		close(p[0]);
		st = child(write_pipe, p[1], err, sizeof err);
		close(p[1]);
		ok(st == 2 && strstr(err, "Broken pipe"), "a closed pipe is exit 2 (%d: %s)", st, tap_show(err, strlen(err)));
	}
	st = child(write_small, null, err, sizeof err);
	ok(st == 0 && err[0] == '\0', "a good write is exit 0, silent");
	st = child(warn_forms, null, err, sizeof err);
	ok(strcmp(err, "prog: in.ldif:12: bad record\nprog: in.ldif: no line\n"
	    "prog: open f: No such file or directory\n") == 0,
	    "diagnostics read prog: FILE:LINE: message (%s)", tap_show(err, strlen(err)));
	return tap_done();
}
