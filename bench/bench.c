// SPDX-License-Identifier: GPL-2.0-only
/*
 * mcbench: migcheck's own speed, always as a ratio against a baseline measured in the
 * same run on the same device (never bare times as a verdict).
 *
 *   mcbench walker [--reps N]          every arc of flag sets 1/3/5/7 on the simulated
 *                                      device through the walker (mc_reach + mc_probe +
 *                                      the model's judgement) against a loop issuing the
 *                                      same device calls directly
 *   mcbench stream [--size BYTES]      save and resume one sim stream through the engine
 *                                      (plans, spill file, accounting) against a plain
 *                                      read/write loop over the same data and spill file
 *   mcbench arcs --device SPEC [--reps N] [--run]
 *                                      SET RUNNING/STOP round trips through mc_set_state
 *                                      against bare VFIO_DEVICE_FEATURE ioctls on the same
 *                                      fd; --run also times a whole `migcheck run`
 *
 * Output: one "bench <name> <figures> ratio <r> target <t> <ok|over>" line per figure.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clauses.h"
#include "ctx.h"
#include "migcheck.h"
#include "model.h"
#include "report.h"
#include "runopts.h"
#include "stream.h"
#include "walker.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static void verdict(const char *name, const char *figures, double ratio, double target)
{
	printf("bench %-16s %s ratio %.3f target %.2f %s\n", name, figures, ratio, target,
	       ratio <= target ? "ok" : "over");
	fflush(stdout);
}

static __attribute__((noreturn)) void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "mcbench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* ---------------------------------------------------------------- walker */

struct wctx {
	struct mc_ctx ctx;
	struct mc_devinfo di;
	struct mc_case c;
	struct mc_clause cl;
	struct mc_case_result res;
	uint8_t *stream;
	size_t stream_len;
};

static void wctx_open(struct wctx *w, int flags)
{
	char spec[64], err[256];
	ssize_t n;

	memset(w, 0, sizeof(*w));
	snprintf(spec, sizeof(spec), "sim:flags=%d", flags);
	if (mc_dev_open(spec, &w->ctx.dev, err, sizeof(err)))
		die("%s", err);
	w->cl = (struct mc_clause){ .id = "FSM-01", .level = MC_MUST };
	w->c = (struct mc_case){ .name = "bench", .clause = &w->cl };
	w->ctx = (struct mc_ctx){ .dev = w->ctx.dev,
				  .di = &w->di,
				  .flags = (uint64_t)flags,
				  .c = &w->c,
				  .res = &w->res };
	n = mc_save_stream(&w->ctx, 65536, &w->stream);
	if (n < 0)
		die("saving a reference stream: %s", w->res.detail);
	w->stream_len = (size_t)n;
	w->di.stream = w->stream;
	w->di.stream_len = w->stream_len;
	w->di.flags = (uint64_t)flags;
}

static void wctx_close(struct wctx *w)
{
	mc_dev_close(w->ctx.dev);
	free(w->stream);
}

/* One pass over every (from, to) through the walker; returns the device calls made. */
static unsigned long walker_pass(struct wctx *w)
{
	unsigned long calls = 0;

	for (uint32_t from = 1; from < MC_NSTATES; from++) {
		if (!mc_model_supported(w->ctx.flags, from))
			continue;
		for (uint32_t to = 0; to < MC_NSTATES; to++) {
			struct mc_obs o;
			char why[256];
			int fd;

			if (mc_reach(&w->ctx, from, &fd) || mc_probe(&w->ctx, from, to, fd, &o))
				die("walker: %s", w->res.detail);
			mc_obs_judge(w->ctx.flags, from, to, &o, true, true, why, sizeof(why));
			mc_data_close(w->ctx.dev, fd);
			calls++;
		}
	}
	return calls;
}

/* The same device calls, issued directly: RESET, the path's SETs, the stream, SET, GET. */
static unsigned long direct_pass(struct wctx *w)
{
	unsigned long calls = 0;

	for (uint32_t from = 1; from < MC_NSTATES; from++) {
		uint32_t path[MC_MAX_PATH];
		int np;

		if (!mc_model_supported(w->ctx.flags, from))
			continue;
		np = mc_model_path(w->ctx.flags, VFIO_DEVICE_STATE_RUNNING, from, path);
		for (uint32_t to = 0; to < MC_NSTATES; to++) {
			uint32_t cur = VFIO_DEVICE_STATE_RUNNING, st;
			int fd = -1, nfd = -1;

			mc_reset(w->ctx.dev);
			mc_get_state(w->ctx.dev, &st);
			for (int i = 1; i <= np; i++) {
				nfd = -1;
				if (fd >= 0 && cur == VFIO_DEVICE_STATE_RESUMING)
					mc_write_all(w->ctx.dev, fd, w->stream, w->stream_len,
						     w->stream_len);
				if (!mc_set_state(w->ctx.dev, path[i], &nfd) && nfd >= 0) {
					mc_data_close(w->ctx.dev, fd);
					fd = nfd;
				} else if (!mc_model_saving(cur) || !mc_model_saving(path[i])) {
					mc_data_close(w->ctx.dev, fd);
					fd = -1;
				}
				mc_get_state(w->ctx.dev, &st);
				cur = path[i];
			}
			if (from == VFIO_DEVICE_STATE_RESUMING && to != from && fd >= 0)
				mc_write_all(w->ctx.dev, fd, w->stream, w->stream_len,
					     w->stream_len);
			nfd = -1;
			mc_set_state(w->ctx.dev, to, &nfd);
			mc_data_close(w->ctx.dev, nfd);
			mc_get_state(w->ctx.dev, &st);
			mc_data_close(w->ctx.dev, fd);
			calls++;
		}
	}
	return calls;
}

static int bench_walker(int reps)
{
	static const int flagsets[] = { 1, 3, 5, 7 };
	uint64_t tw[64], td[64], w_ns = 0, d_ns = 0;
	unsigned long arcs = 0;
	char fig[160];

	if (reps > 64)
		reps = 64;
	for (int f = 0; f < 4; f++) {
		struct wctx w;

		wctx_open(&w, flagsets[f]);
		arcs += walker_pass(&w); /* warm up: pages generated, caches */
		direct_pass(&w);
		for (int r = 0; r < reps; r++) {
			uint64_t t0 = now_ns();

			/* Alternate the order so neither side always runs second. */
			if (r & 1) {
				direct_pass(&w);
				td[r] = now_ns() - t0;
				t0 = now_ns();
				walker_pass(&w);
				tw[r] = now_ns() - t0;
			} else {
				walker_pass(&w);
				tw[r] = now_ns() - t0;
				t0 = now_ns();
				direct_pass(&w);
				td[r] = now_ns() - t0;
			}
		}
		w_ns += median(tw, reps);
		d_ns += median(td, reps);
		wctx_close(&w);
	}
	snprintf(fig, sizeof(fig), "%lu probes (flags 1/3/5/7): walker %.2f ms, direct %.2f ms",
		 arcs, w_ns / 1e6, d_ns / 1e6);
	verdict("walker", fig, (double)w_ns / (double)d_ns, 1.2);
	return w_ns <= 1.2 * d_ns ? 0 : 1;
}

/* ---------------------------------------------------------------- stream */

static int reach_fd(struct mc_dev *dev, uint32_t target)
{
	int fd = -1;

	if (mc_reset(dev) || mc_set_state(dev, VFIO_DEVICE_STATE_STOP, NULL) ||
	    mc_set_state(dev, target, &fd) || fd < 0)
		die("cannot reach %s", mc_state_name(target));
	return fd;
}

/* Engine: save into a stream that spills past 64 MiB, then resume it. */
static void engine_once(struct mc_dev *dev, uint64_t *t_save, uint64_t *t_resume, uint64_t *len)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE };
	struct mc_io_opts o = { .plan = &one };
	struct mc_save_result sr;
	struct mc_resume_result rr;
	struct mc_stream s;
	int fd;

	mc_stream_init(&s, 0);
	fd = reach_fd(dev, VFIO_DEVICE_STATE_STOP_COPY);
	*t_save = now_ns();
	if (mc_stream_save(dev, fd, &o, &s, &sr))
		die("engine save failed");
	*t_save = now_ns() - *t_save;
	mc_data_close(dev, fd);
	fd = reach_fd(dev, VFIO_DEVICE_STATE_RESUMING);
	*t_resume = now_ns();
	if (mc_stream_resume(dev, fd, &s, 0, s.len, &o, &rr) || rr.acked != s.len)
		die("engine resume failed");
	*t_resume = now_ns() - *t_resume;
	if (mc_set_state(dev, VFIO_DEVICE_STATE_STOP, NULL))
		die("engine-resumed stream refused");
	mc_data_close(dev, fd);
	*len = s.len;
	mc_stream_free(&s);
}

/* Plain loop: read() into 1 MiB, the first 64 MiB kept in memory, the rest in a file. */
static void plain_once(struct mc_dev *dev, uint8_t *buf, size_t bufsz, uint64_t *t_save,
		       uint64_t *t_resume, uint64_t *len)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	uint64_t inmem = 0, got = 0;
	uint8_t *mem;
	int fd, tfd;
	ssize_t n;

	/* The engine's spill directory: $TMPDIR, else /tmp. */
	snprintf(tmpl, sizeof(tmpl), "%s/mcbench.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = reach_fd(dev, VFIO_DEVICE_STATE_STOP_COPY);
	/* Fresh memory and a fresh file each time, as the engine's stream gets. */
	*t_save = now_ns();
	mem = malloc(MC_STREAM_MEM_DEFAULT);
	tfd = mkstemp(tmpl);
	if (!mem || tfd < 0)
		die("mkstemp/malloc: %s", strerror(errno));
	unlink(tmpl);
	while ((n = mc_data_read(dev, fd, buf, bufsz)) > 0) {
		size_t m = inmem + (uint64_t)n <= MC_STREAM_MEM_DEFAULT ?
				   (size_t)n :
				   (size_t)(MC_STREAM_MEM_DEFAULT - inmem);

		memcpy(mem + inmem, buf, m);
		inmem += m;
		if ((size_t)n > m && write(tfd, buf + m, (size_t)n - m) != n - (ssize_t)m)
			die("spill write: %s", strerror(errno));
		got += (uint64_t)n;
	}
	*t_save = now_ns() - *t_save;
	mc_data_close(dev, fd);
	fd = reach_fd(dev, VFIO_DEVICE_STATE_RESUMING);
	*t_resume = now_ns();
	for (uint64_t off = 0; off < got;) {
		size_t want = got - off < bufsz ? (size_t)(got - off) : bufsz;
		const uint8_t *p = buf;

		if (off < inmem) {
			want = inmem - off < want ? (size_t)(inmem - off) : want;
			p = mem + off;
		} else if (pread(tfd, buf, want, (off_t)(off - inmem)) != (ssize_t)want) {
			die("spill read: %s", strerror(errno));
		}
		n = mc_data_write(dev, fd, p, want);
		if (n <= 0)
			die("plain resume write failed");
		off += (uint64_t)n;
	}
	*t_resume = now_ns() - *t_resume;
	if (mc_set_state(dev, VFIO_DEVICE_STATE_STOP, NULL))
		die("plain-resumed stream refused");
	mc_data_close(dev, fd);
	close(tfd);
	free(mem);
	*len = got;
}

static int bench_stream(uint64_t size, int reps)
{
	uint64_t es[16], er[16], ps[16], pr[16], elen = 0, plen = 0, te, tp;
	size_t bufsz = MC_PLAN_MAX_CALL;
	uint8_t *buf = malloc(bufsz);
	struct mc_dev *dev;
	char spec[64], err[256], fig[256];

	if (!buf)
		die("out of memory");
	reps = reps < 1 ? 1 : reps > 16 ? 16 : reps;
	snprintf(spec, sizeof(spec), "sim:flags=1:mem=%" PRIu64, size);
	if (mc_dev_open(spec, &dev, err, sizeof(err)))
		die("%s", err);
	/*
	 * Warm up with one discarded round of each: every page generated, the sim's two
	 * images (live and staging) faulted in, the spill directory's first file made,
	 * so no side pays a first time the other does not.
	 */
	engine_once(dev, &es[0], &er[0], &elen);
	plain_once(dev, buf, bufsz, &ps[0], &pr[0], &plen);
	for (int r = 0; r < reps; r++) {
		/* Alternate which side goes first. */
		if (r & 1) {
			plain_once(dev, buf, bufsz, &ps[r], &pr[r], &plen);
			engine_once(dev, &es[r], &er[r], &elen);
		} else {
			engine_once(dev, &es[r], &er[r], &elen);
			plain_once(dev, buf, bufsz, &ps[r], &pr[r], &plen);
		}
		if (elen != plen)
			die("the two saves differ in length (%" PRIu64 " vs %" PRIu64 ")", elen,
			    plen);
		if (getenv("MCBENCH_VERBOSE"))
			fprintf(stderr,
				"rep %d: engine save %.3f resume %.3f, plain save %.3f resume %.3f s\n",
				r, es[r] / 1e9, er[r] / 1e9, ps[r] / 1e9, pr[r] / 1e9);
	}
	te = median(es, reps) + median(er, reps);
	tp = median(ps, reps) + median(pr, reps);
	snprintf(
		fig, sizeof(fig),
		"%.0f MiB x%d (spill in %s): engine save %.0f MB/s resume %.0f MB/s, plain save %.0f MB/s resume %.0f MB/s",
		elen / 1048576.0, reps,
		getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		elen * 1e3 / median(es, reps), elen * 1e3 / median(er, reps),
		plen * 1e3 / median(ps, reps), plen * 1e3 / median(pr, reps));
	verdict("stream", fig, (double)te / (double)tp, 1.1);
	mc_dev_close(dev);
	free(buf);
	return te <= 1.1 * tp ? 0 : 1;
}

/* ---------------------------------------------------------------- arcs on a real device */

static int bench_arcs(const char *spec, int reps, bool run)
{
	struct {
		struct vfio_device_feature hdr;
		struct vfio_device_feature_mig_state st;
	} f;
	uint64_t t_mc, t_raw;
	struct mc_dev *dev;
	char err[256], fig[200];
	int devfd, rc = 0;

	if (run) {
		uint64_t t0 = now_ns();
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			execl("/bin/migcheck", "migcheck", "run", "--device", spec, "--out",
			      "/tmp/bench-run", "--quiet", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, &st, 0);
		printf("bench %-16s whole case set on %s: %.2f s (migcheck exit %d)\n", "full-run",
		       spec, (now_ns() - t0) / 1e9, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	if (mc_dev_open(spec, &dev, err, sizeof(err)))
		die("%s", err);
	devfd = mc_dev_rawfd(dev);
	if (devfd < 0)
		die("%s: no kernel device fd (arcs needs a real device)", spec);
	/* Short blocks, alternating, medians: a loaded host disturbs both sides alike. */
	{
		enum { BLOCKS = 41 };
		uint64_t tm[BLOCKS], tr[BLOCKS];
		int per = reps / BLOCKS > 0 ? reps / BLOCKS : 1;

		for (int b = -1; b < BLOCKS; b++) { /* block -1 warms up */
			uint64_t t0 = now_ns();

			for (int i = 0; i < per; i++)
				if (mc_set_state(dev,
						 i & 1 ? VFIO_DEVICE_STATE_RUNNING :
							 VFIO_DEVICE_STATE_STOP,
						 NULL))
					die("SET through migcheck failed");
			t_mc = now_ns() - t0;
			t0 = now_ns();
			for (int i = 0; i < per; i++) {
				memset(&f, 0, sizeof(f));
				f.hdr.argsz = sizeof(f);
				f.hdr.flags = VFIO_DEVICE_FEATURE_SET |
					      VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
				f.st.device_state = i & 1 ? VFIO_DEVICE_STATE_RUNNING :
							    VFIO_DEVICE_STATE_STOP;
				if (ioctl(devfd, VFIO_DEVICE_FEATURE, &f))
					die("bare ioctl failed: %s", strerror(errno));
			}
			t_raw = now_ns() - t0;
			if (b >= 0) {
				tm[b] = t_mc;
				tr[b] = t_raw;
			}
		}
		reps = per * BLOCKS;
		t_mc = median(tm, BLOCKS) * BLOCKS;
		t_raw = median(tr, BLOCKS) * BLOCKS;
	}
	snprintf(fig, sizeof(fig),
		 "%d SETs STOP/RUNNING: migcheck %.2f us/SET, bare ioctl %.2f us/SET", reps,
		 t_mc / 1e3 / reps, t_raw / 1e3 / reps);
	verdict("arc-ioctl", fig, (double)t_mc / (double)t_raw, 1.2);
	rc = t_mc <= 1.2 * t_raw ? 0 : 1;
	mc_reset(dev);
	mc_dev_close(dev);
	return rc;
}

int main(int argc, char **argv)
{
	const char *device = NULL;
	uint64_t size = 1ull << 30;
	int reps = 0;
	bool run = false;

	if (argc < 2)
		goto usage;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--size") && i + 1 < argc)
			size = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--device") && i + 1 < argc)
			device = argv[++i];
		else if (!strcmp(argv[i], "--run"))
			run = true;
		else
			goto usage;
	}
	if (!strcmp(argv[1], "walker"))
		return bench_walker(reps > 0 ? reps : 9);
	if (!strcmp(argv[1], "stream")) {
		if (size < 4096 || size % 4096)
			die("--size must be a positive multiple of 4096");
		return bench_stream(size, reps > 0 ? reps : 5);
	}
	if (!strcmp(argv[1], "arcs") && device)
		return bench_arcs(device, reps > 0 ? reps : 2000, run);
usage:
	fprintf(stderr,
		"usage: mcbench walker [--reps N] | stream [--size BYTES] | arcs --device SPEC [--reps N] [--run]\n");
	return 2;
}
