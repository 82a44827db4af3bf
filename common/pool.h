/* pool: accounts worked on in parallel, one child process each (a session's
 * libetpan state and a crash stay in their own process), at most jobs at
 * once, with counters in shared memory for the progress line on a terminal
 * and the totals at the end. imap-copy and mig-check run their accounts
 * through it. */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define POOL_NCOUNT 12

/* What a worker tells the parent while it works. */
struct pool_slot {
	pid_t pid;
	size_t job;
	unsigned long count[POOL_NCOUNT];	/* the tool's own counters */
	unsigned long bytes, done, total;	/* for the progress line */
	char account[128], folder[256];
};

struct pool {
	int jobs;
	struct pool_slot *slots;
	unsigned long count[POOL_NCOUNT];	/* sums over finished jobs */
	unsigned long bytes;
	size_t n, started, finished;
	time_t t0;
	int tty;			/* progress on standard error */
};

/* A worker: job i, in a child process; its return value is its exit
 * status (0 to 2). */
typedef int (*pool_work_fn)(void *ctx, size_t i, struct pool_slot *me);
/* Told in the parent when job i ended (wstatus as waitpid gives it), with
 * its slot's last counters. May be NULL. */
typedef void (*pool_done_fn)(void *ctx, size_t i, int wstatus, const struct pool_slot *sl);

/* Run jobs 0..n-1, at most jobs at once. A worker that dies of a signal is
 * said on standard error. Returns the highest exit status of the workers
 * (a worker killed counts as 2). */
int pool_run(struct pool *p, int jobs, size_t n, pool_work_fn work, pool_done_fn done,
    void *ctx);

/* Progress in the worker: the folder it works on, and how far. */
void pool_progress(struct pool_slot *me, const char *folder, unsigned long done,
    unsigned long total);

#endif
