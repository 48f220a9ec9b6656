// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's watchdog: a case process in a process group of its own that dies with
 * migcheck, watched on its pidfd (waitpid every 2 ms without one) and killed with its
 * group when an operation or the case outlives its limit or the run is interrupted.
 * A child stuck in the kernel is abandoned, never waited for forever.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"
#include "util.h"
#include "watchdog.h"

/*
 * Set from a signal handler by mc_run_interrupt(): the signal that interrupted the run,
 * and the process group of the case running now (0 between cases), which it kills.
 */
static volatile sig_atomic_t stop_sig;
static volatile sig_atomic_t case_pgid;

void mc_run_interrupt(int sig)
{
	int saved = errno;
	pid_t pg = (pid_t)case_pgid;

	if (!sig) {
		stop_sig = 0;
		return;
	}
	if (!stop_sig)
		stop_sig = sig;
	if (pg > 0)
		kill(-pg, SIGKILL);
	errno = saved;
}

int mc_run_interrupted(void)
{
	return (int)stop_sig;
}

/*
 * In a fresh case process: a process group of its own (the runner ends the whole tree
 * with one kill), the default action for the signals the CLI catches, and death with the
 * runner: a kill -9 of migcheck must not leave a case holding the device.
 */
static void child_setup(pid_t parent)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	setpgid(0, 0);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the runner died before the line above */
		_exit(127);
}

/* How long the watchdog may sleep: to the nearer deadline, at most 50 ms (op sampling). */
static int sleep_ms(uint64_t now, uint64_t case_end, uint64_t op_end)
{
	uint64_t end = case_end < op_end ? case_end : op_end;

	if (end <= now)
		return 0;
	return end - now >= 50000000ull ? 50 : (int)((end - now + 999999) / 1000000);
}

/*
 * Wait up to @ms for @pid to end: on its pidfd, or (no pidfd: an old kernel, seccomp,
 * valgrind) by waitpid(WNOHANG) every 2 ms, which reaps it (*@reaped, *@status).
 */
static bool child_ended(pid_t pid, int pidfd, int ms, int *status, bool *reaped)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	if (pidfd >= 0)
		return poll(&pfd, 1, ms) > 0;
	if (waitpid(pid, status, WNOHANG) == pid) {
		*reaped = true;
		return true;
	}
	poll(NULL, 0, ms < 2 ? ms : 2);
	return false;
}

/* The watchdog over @pid until it ends or a limit fires (then it kills the group). */
static enum mc_outcome watch(const struct mc_child *c, pid_t pid, int pidfd, uint64_t limit,
			     int *status, bool *reaped)
{
	uint64_t start = mc_now_ns(), case_end = start + limit;
	uint64_t op_ns = (uint64_t)c->op_timeout_ms * 1000000ull;
	uint64_t seen_seq = ~0ull, seen_at = start; /* the op seen running, since when */
	enum mc_outcome how = MC_RAN;

	for (;;) {
		int in_dev = __atomic_load_n(&c->watch->in_device, __ATOMIC_ACQUIRE);
		uint64_t seq = __atomic_load_n(&c->watch->seq, __ATOMIC_ACQUIRE);
		uint64_t t = mc_now_ns(), op_end = UINT64_MAX;

		/*
		 * The child numbers its operations and takes no clock for them: an operation
		 * is timed from when this loop first saw it running (at most 50 ms late).
		 */
		if (!in_dev || seq != seen_seq) {
			seen_seq = seq;
			seen_at = t;
		}
		if (in_dev)
			op_end = seen_at + op_ns;
		if (stop_sig)
			how = MC_INTERRUPTED;
		else if (t >= op_end)
			how = MC_HUNG_OP;
		else if (t >= case_end)
			how = in_dev ? MC_HUNG_CASE : MC_TIMED_OUT;
		if (how != MC_RAN) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			return how;
		}
		if (child_ended(pid, pidfd, sleep_ms(t, case_end, op_end), status, reaped))
			return MC_RAN;
	}
}

enum mc_outcome mc_watchdog_run(const struct mc_child *c, int *sig, pid_t *stuck)
{
	uint64_t start, limit = (uint64_t)c->limit_ms * 1000000ull;
	pid_t pid, parent = getpid();
	bool reaped = false;
	enum mc_outcome how;
	int pidfd, status = 0;

	if (stop_sig)
		return MC_INTERRUPTED;
	c->watch->in_device = 0;
	*c->end_ns = 0;
	fflush(NULL);
	start = mc_now_ns();
	pid = fork();
	if (pid < 0)
		return MC_CRASHED;
	if (pid == 0) {
		child_setup(parent);
		c->fn(c->ctx, c->arg);
		*c->end_ns = mc_now_ns();
		_exit(0);
	}
	setpgid(pid, pid); /* also here: the group exists before anyone kills it */
	case_pgid = pid;
	pidfd = getenv("MC_NO_PIDFD") ? -1 : (int)syscall(SYS_pidfd_open, pid, 0);
	how = watch(c, pid, pidfd, limit, &status, &reaped);
	/* A child blocked in the kernel may not die at once; wait a bounded time. */
	for (int i = 0; !reaped && i < 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			reaped = true;
		else
			usleep(50000);
	}
	case_pgid = 0;
	if (pidfd >= 0)
		close(pidfd);
	if (!reaped) {
		*stuck = pid;
		return how == MC_INTERRUPTED ? how : MC_STUCK;
	}
	if (how != MC_RAN)
		return how;
	if (WIFSIGNALED(status)) {
		*sig = WTERMSIG(status);
		return stop_sig ? MC_INTERRUPTED : MC_CRASHED;
	}
	if (!*c->done)
		return MC_CRASHED;
	return *c->end_ns - start > limit ? MC_TIMED_OUT : MC_RAN;
}
