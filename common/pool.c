/* pool: accounts in parallel child processes (see pool.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "pool.h"

void
pool_progress(struct pool_slot *me, const char *folder, unsigned long done,
    unsigned long total)
{
	if (!me)
		return;
	snprintf(me->folder, sizeof me->folder, "%s", folder);
	me->done = done;
	me->total = total;
}

static void
show_progress(const struct pool *p)
{
	unsigned long bytes = p->bytes, done = 0, total = 0;
	char line[400] = "", eta[32] = "--";

	for (int i = 0; i < p->jobs; i++)
		if (p->slots[i].pid) {
			bytes += p->slots[i].bytes;
			done += p->slots[i].done;
			total += p->slots[i].total;
		}
	double secs = difftime(time(NULL), p->t0);
	for (int i = 0; i < p->jobs; i++)
		if (p->slots[i].pid) {
			snprintf(line, sizeof line, "%s %s", p->slots[i].account,
			    p->slots[i].folder);
			break;
		}
	/* from the accounts finished so far */
	if (p->finished) {
		long left = (long)(secs / (double)p->finished * (double)(p->n - p->finished));
		snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", left / 3600, left / 60 % 60, left % 60);
	}
	fprintf(stderr, "\r\033[K%zu/%zu accounts  %.60s  %lu/%lu  %.1f MB/s  ETA %s",
	    p->started, p->n, line, done, total,
	    secs > 0 ? (double)bytes / 1e6 / secs : 0.0, eta);
}

int
pool_run(struct pool *p, int jobs, size_t n, pool_work_fn work, pool_done_fn done,
    void *ctx)
{
	size_t running = 0;
	time_t last = 0;
	int worst = 0;

	memset(p, 0, sizeof *p);
	p->jobs = jobs;
	p->n = n;
	p->tty = isatty(2);
	p->slots = mmap(NULL, (size_t)jobs * sizeof *p->slots, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p->slots == MAP_FAILED)
		die("mmap:");
	memset(p->slots, 0, (size_t)jobs * sizeof *p->slots);
	p->t0 = time(NULL);
	fflush(stdout);
	while (p->started < n || running) {
		while (running < (size_t)jobs && p->started < n) {
			int k = 0;
			while (p->slots[k].pid)
				k++;
			struct pool_slot *sl = &p->slots[k];
			memset(sl, 0, sizeof *sl);
			sl->job = p->started;
			pid_t pid = fork();
			if (pid < 0)
				die("fork:");
			if (pid == 0)
				_exit(work(ctx, sl->job, sl));
			sl->pid = pid;
			p->started++;
			running++;
		}
		int wst;
		pid_t pid = p->tty ? waitpid(-1, &wst, WNOHANG) : waitpid(-1, &wst, 0);
		if (pid == 0) {
			if (time(NULL) != last) {
				show_progress(p);
				last = time(NULL);
			}
			usleep(200000);
			continue;
		}
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			die("waitpid:");
		}
		for (int k = 0; k < jobs; k++) {
			struct pool_slot *sl = &p->slots[k];
			if (sl->pid != pid)
				continue;
			for (int c = 0; c < POOL_NCOUNT; c++)
				p->count[c] += sl->count[c];
			p->bytes += sl->bytes;
			int st = WIFEXITED(wst) ? WEXITSTATUS(wst) : 2;
			if (WIFSIGNALED(wst))
				warnmsg("the worker for %s died of signal %d", sl->account,
				    WTERMSIG(wst));
			if (st > worst)
				worst = st;
			if (done)
				done(ctx, sl->job, wst, sl);
			sl->pid = 0;
			running--;
			p->finished++;
		}
	}
	if (p->tty)
		fprintf(stderr, "\r\033[K");
	munmap(p->slots, (size_t)jobs * sizeof *p->slots);
	p->slots = NULL;
	return worst;
}
