// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner. Every case instance runs in a child process that opens the device, runs
 * the operation and writes its result into memory shared with the parent; the parent's
 * watchdog (watchdog.c) kills a child whose device operation or case outlives its
 * timeout. A child stuck in the kernel is abandoned, never waited for forever.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cases.h"
#include "clauses.h"
#include "ctx.h"
#include "errname.h"
#include "kcov_run.h"
#include "kinfo.h"
#include "klog_run.h"
#include "mc_version.h"
#include "migcheck.h"
#include "model.h"
#include "ops.h"
#include "outdir.h"
#include "report.h"
#include "reporter.h"
#include "runner.h"
#include "runopts.h"
#include "sha256.h"
#include "stream.h"
#include "util.h"
#include "waiver.h"
#include "walker.h"
#include "watchdog.h"

#define MAX_INSTANCES 128

/* Memory shared between the parent and one child at a time. */
struct shm {
	struct mc_watch watch;
	struct mc_case_result res;
	struct mc_arc_cell cell;
	bool cell_set;
	bool done;
	uint64_t end_ns;	    /* CLOCK_MONOTONIC when the child finished */
	struct mc_kcov_shared kcov; /* the case's driver coverage (kcov_run.h) */
	/* preflight */
	int open_rc;
	char open_err[512];
	int flags_rc;
	uint64_t flags;
	struct mc_dev_ident ident;
	bool log;
	int v2_rc;	/* PROBE|SET of MIG_PRECOPY_INFOv2 */
	int unknown_rc; /* PROBE|GET of an undefined feature */
	unsigned fault; /* mc_dev_fault_kinds() */
	char fault_why[200];
	int io_rc; /* the --io data path works with this device */
	char io_why[256];
	int stream_rc;
	bool stream_open_failed;
	char stream_err[MC_DETAIL_MAX + 256];
	char stream_violates[16]; /* the clause the device broke while saving, or "" */
	bool stream_ref;	  /* the reference stream: dirty the source first */
	bool dirtied;
	size_t regions_len; /* the source's --state-regions before the save */
	uint8_t regions[MC_REGACCS_MAX * MC_REGACC_MAX];
	size_t stream_len;
	uint8_t stream[];
};

struct runner {
	const struct mc_run_opts *o;
	uint8_t *foreign; /* parent's copy of the foreign device's stream */
	char foreign_spec[300];
	char foreign_why[MC_DETAIL_MAX + 400];
	char stream_why[MC_DETAIL_MAX + 256]; /* why there is no reference stream */
	char stream_violates[16];
	int flags_rc; /* GET MIGRATION in the preflight */
	struct shm *shm;
	size_t shm_len;
	struct mc_devinfo di;
	uint8_t *stream;	 /* parent's copy of the reference stream */
	struct mc_regaccs dirty; /* --dirty, or the simulated device's default */
	uint8_t ref_regions[MC_REGACCS_MAX * MC_REGACC_MAX];
	struct mc_klog_run klog; /* the machine's kernel log over the run (klog_run.h) */
	struct mc_kcov_run kcov; /* the driver's coverage over the run (kcov_run.h) */
	pid_t stuck;		 /* a child we had to abandon, or 0 */
	char fault_skip[260];	 /* why fault cases skip, when they do */
};

/* The child side of isolated(): @fn with the runner. */
struct iso_job {
	void (*fn)(struct runner *, void *);
	struct runner *r;
};

static void job_run(void *ctx, void *arg)
{
	struct iso_job *j = ctx;

	j->fn(j->r, arg);
}

/* Run @fn(@r, @arg) in a child under the watchdog (watchdog.h), for at most @limit_ms. */
static enum mc_outcome isolated(struct runner *r, void (*fn)(struct runner *, void *), void *arg,
				int *sig, unsigned limit_ms)
{
	struct iso_job j = { .fn = fn, .r = r };
	struct mc_child c = {
		.fn = job_run,
		.ctx = &j,
		.arg = arg,
		.watch = &r->shm->watch,
		.end_ns = &r->shm->end_ns,
		.done = &r->shm->done,
		.limit_ms = limit_ms,
		.op_timeout_ms = r->o->op_timeout_ms,
	};

	if (r->o->no_fork) {
		fn(r, arg);
		return MC_RAN;
	}
	return mc_watchdog_run(&c, sig, &r->stuck);
}

/* ---------------------------------------------------------------- preflight */

/* Preflight is no case: --op-timeout bounds each operation, --timeout but at least 60 s all. */
static unsigned preflight_ms(const struct runner *r)
{
	return r->o->timeout_ms > 60000 ? r->o->timeout_ms : 60000;
}

static void preflight_child(struct runner *r, void *arg)
{
	struct shm *shm = r->shm;
	struct mc_dev *dev;
	uint8_t probe[16] = { 0 };
	struct vfio_device_feature *hdr = (void *)probe;

	(void)arg;
	shm->open_rc = mc_dev_open(r->o->device, &dev, shm->open_err, sizeof(shm->open_err));
	if (shm->open_rc) {
		shm->done = true;
		return;
	}
	mc_dev_set_watch(dev, &shm->watch);
	shm->ident = *mc_dev_ident(dev);
	shm->flags_rc = mc_get_flags(dev, &shm->flags);
	hdr->argsz = 8;
	hdr->flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		     VFIO_DEVICE_FEATURE_DMA_LOGGING_START;
	shm->log = mc_feature_raw(dev, probe, sizeof(probe)) == 0;
	/*
	 * Which uAPI the kernel speaks (SPEC §16), probed rather than read from its version:
	 * PRECOPY_INFOv2 (7.1) and the errno of a feature nobody defines (ENOTTY since 6.18
	 * and its stable backports, EINVAL before). PROBE opts nothing in.
	 */
	hdr->flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		     VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2;
	shm->v2_rc = mc_feature_raw(dev, probe, sizeof(probe));
	hdr->flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET | MC_UNKNOWN_FEATURE;
	shm->unknown_rc = mc_feature_raw(dev, probe, sizeof(probe));
	shm->fault = mc_dev_fault_kinds(dev, shm->fault_why, sizeof(shm->fault_why));
	shm->io_rc = mc_io_available(dev, r->o->io, shm->io_why, sizeof(shm->io_why));
	mc_dev_close(dev);
	shm->done = true;
}

/*
 * What a simulated source gets written before its reference stream is saved, so that
 * RES-02 compares a changed state, not two power-on states: 8 bytes of BAR0 (which
 * also counts a BAR write) and 4 bytes of writable config space.
 */
#define SIM_DIRTY "0@0x100=6d6967636865636b,7@0x40=a55a5aa5"

/*
 * Save a stream from @arg (a spec): the reference stream (from the peer when there is
 * one, after the --dirty writes) or the foreign one.
 */
static void stream_child(struct runner *r, void *arg)
{
	const char *spec = arg;
	struct shm *shm = r->shm;
	struct mc_case_result res = { .status = MC_PASS };
	struct mc_devinfo di = { 0 };
	struct mc_case c = { .name = "preflight" };
	struct mc_clause cl = { .id = "FSM-01", .level = MC_MUST };
	struct mc_ctx ctx = { .di = &di, .c = &c, .res = &res };
	uint64_t flags = 0;
	uint8_t *buf;
	ssize_t n;

	c.clause = &cl;
	shm->stream_rc = mc_dev_open(spec, &ctx.dev, shm->stream_err, sizeof(shm->stream_err));
	if (shm->stream_rc) {
		shm->stream_open_failed = true;
		goto out;
	}
	mc_dev_set_watch(ctx.dev, &shm->watch);
	shm->stream_rc = mc_get_flags(ctx.dev, &flags);
	if (shm->stream_rc) {
		snprintf(shm->stream_err, sizeof(shm->stream_err), "%s: GET MIGRATION: %s", spec,
			 mc_errno_name(shm->stream_rc));
		goto out_close;
	}
	ctx.flags = flags & 7;
	if (shm->stream_ref && r->dirty.n) {
		char why[256];

		shm->stream_rc = mc_regacc_write(ctx.dev, &r->dirty, why, sizeof(why));
		if (shm->stream_rc) {
			snprintf(shm->stream_err, sizeof(shm->stream_err), "%s: --dirty: %s", spec,
				 why);
			goto out_close;
		}
		shm->dirtied = true;
	}
	if (shm->stream_ref && r->o->state_regions) {
		char why[256];
		ssize_t got = mc_regacc_read(ctx.dev, r->o->state_regions, shm->regions,
					     sizeof(shm->regions), why, sizeof(why));

		if (got < 0) {
			shm->stream_rc = (int)got;
			snprintf(shm->stream_err, sizeof(shm->stream_err),
				 "%s: --state-regions: %s", spec, why);
			goto out_close;
		}
		shm->regions_len = (size_t)got;
	}
	n = mc_save_stream(&ctx, 65536, &buf);
	if (n < 0) {
		shm->stream_rc = (int)n;
		snprintf(shm->stream_err, sizeof(shm->stream_err), "%s: %s", spec, res.detail);
		if (ctx.violated)
			snprintf(shm->stream_violates, sizeof(shm->stream_violates), "%s",
				 ctx.violated);
	} else if ((size_t)n > r->o->stream_limit) {
		shm->stream_rc = -EFBIG;
		snprintf(shm->stream_err, sizeof(shm->stream_err),
			 "%s: stream of %zd bytes exceeds --stream-limit %zu", spec, n,
			 r->o->stream_limit);
		free(buf);
	} else {
		memcpy(shm->stream, buf, (size_t)n);
		shm->stream_len = (size_t)n;
		free(buf);
	}
	mc_reset(ctx.dev);
out_close:
	mc_dev_close(ctx.dev);
out:
	shm->done = true;
}

/* ---------------------------------------------------------------- one case */

/* A case the interrupted run did not carry out (@when: "" or "while it ran"). */
static void mark_not_run(struct mc_case_result *res, const char *when)
{
	res->status = MC_SKIP;
	res->not_run = true;
	snprintf(res->detail, sizeof(res->detail), "not run: the run was interrupted by %s%s%s",
		 mc_signal_name(mc_run_interrupted()), when[0] ? " " : "", when);
}

struct job {
	const struct mc_case *c;
	const struct mc_param *p;
};

static void case_body(struct runner *r, struct job *j)
{
	struct shm *shm = r->shm;
	struct mc_ctx ctx = {
		.di = &r->di,
		.flags = r->di.flags & 7,
		.c = j->c,
		.p = j->p,
		.res = &shm->res,
		.cell = &shm->cell,
		.cell_set = &shm->cell_set,
		.watch = &shm->watch,
	};
	char err[512];
	int rc;

	if (j->c->op->no_device) {
		j->c->op->run(&ctx);
		return;
	}
	rc = mc_dev_open(r->o->device, &ctx.dev, err, sizeof(err));
	if (rc) {
		mc_harness_error(&ctx, "could not open the device: %s", err);
		return;
	}
	mc_dev_set_watch(ctx.dev, &shm->watch);
	mc_dev_oplog_clear(ctx.dev);
	j->c->op->run(&ctx);
	if (!ctx.dev) /* the op closed the device and could not reopen it */
		return;
	if (shm->res.status == MC_FAIL || shm->res.status == MC_ERROR || shm->res.status == MC_WARN)
		mc_dev_oplog(ctx.dev, shm->res.oplog, sizeof(shm->res.oplog));
	mc_reset(ctx.dev); /* leave the device RUNNING for whoever comes next */
	mc_dev_close(ctx.dev);
}

/* One case in its process, traced from its device's open to its close (kcov_run.h). */
static void case_child(struct runner *r, void *arg)
{
	mc_kcov_case_begin(&r->kcov, &r->shm->kcov);
	case_body(r, arg);
	mc_kcov_case_end();
	r->shm->done = true;
}

/* ---------------------------------------------------------------- the run */

/* Why @c cannot run on this device, or NULL. */
static const char *precondition(const struct runner *r, const struct mc_case *c)
{
	if ((c->pre & MC_PRE_PRE_COPY) && !(r->di.flags & VFIO_MIGRATION_PRE_COPY))
		return "the device does not advertise VFIO_MIGRATION_PRE_COPY";
	if ((c->pre & MC_PRE_P2P) && !(r->di.flags & VFIO_MIGRATION_P2P))
		return "the device does not advertise VFIO_MIGRATION_P2P";
	if ((c->pre & MC_PRE_LOG) && !r->di.log)
		return "PROBE of DMA_LOGGING_START failed: no device dirty logging";
	if ((c->pre & MC_PRE_FAULT) && !r->di.fault)
		return r->fault_skip;
	if (c->pre & r->o->profiles_off & MC_PRE_QEMU)
		return "--profile excludes qemu";
	if (c->pre & r->o->profiles_off & MC_PRE_CH)
		return "--profile excludes cloud-hypervisor";
	return NULL;
}

/* Run one case instance into @res; true when a case process ran (and may have logged). */
static bool run_one(struct runner *r, struct mc_report *rep, const struct mc_case *c,
		    const struct mc_param *p, struct mc_case_result *res)
{
	struct job j = { .c = c, .p = p };
	uint64_t t0 = mc_now_ns();
	char limit[80];
	enum mc_outcome how;
	const char *why;
	int sig = 0;

	memset(r->shm, 0, sizeof(*r->shm));
	r->shm->res.status = MC_PASS;
	if (r->stuck) {
		res->status = MC_ERROR;
		snprintf(res->detail, sizeof(res->detail),
			 "not run: the process of an earlier case (pid %d) is stuck in the device",
			 (int)r->stuck);
		return false;
	}
	if (!r->di.flags_ok && strcmp(c->clause->group, "FEAT")) {
		/* The device's fault (FEAT-01), not the harness's: nothing can run without them. */
		res->status = MC_FAIL;
		res->violates = mc_clause_find("FEAT-01");
		snprintf(res->detail, sizeof(res->detail),
			 "setup violates FEAT-01: the device reported no usable migration flags "
			 "(GET MIGRATION: %s, flags %#llx); not run",
			 mc_errno_name(r->flags_rc), (unsigned long long)r->di.flags);
		return false;
	}
	why = precondition(r, c);
	if (why) {
		res->status = MC_SKIP;
		snprintf(res->detail, sizeof(res->detail), "%s", why);
		return false;
	}
	how = isolated(r, case_child, &j, &sig, r->o->timeout_ms);
	switch (how) {
	case MC_RAN: *res = r->shm->res; break;
	case MC_CRASHED:
		*res = r->shm->res;
		res->status = MC_ERROR;
		snprintf(res->detail, sizeof(res->detail),
			 "the case process died%s%s (last op: %s)",
			 sig ? ": " : " without a result", sig ? strsignal(sig) : "",
			 mc_watch_op(&r->shm->watch));
		break;
	case MC_HUNG_OP:
	case MC_HUNG_CASE:
	case MC_STUCK:
		res->status = MC_FAIL;
		if (how == MC_HUNG_CASE)
			snprintf(limit, sizeof(limit),
				 "still running when the case's %u ms "
				 "--timeout expired",
				 r->o->timeout_ms);
		else
			snprintf(limit, sizeof(limit), "no answer within --op-timeout %u ms",
				 r->o->op_timeout_ms);
		snprintf(res->detail, sizeof(res->detail), "device operation hung: %s (%s)%s",
			 mc_watch_op(&r->shm->watch), limit,
			 r->stuck ? "; the process could not be killed and was abandoned" : "");
		break;
	case MC_TIMED_OUT:
		res->status = MC_ERROR;
		snprintf(
			res->detail, sizeof(res->detail),
			"the case exceeded its %u ms --timeout outside device operations (last op: %s)",
			r->o->timeout_ms, mc_watch_op(&r->shm->watch));
		break;
	case MC_INTERRUPTED: mark_not_run(res, "while it ran"); break;
	}
	res->duration_us = (mc_now_ns() - t0) / 1000;
	if (r->shm->cell_set && !strcmp(c->clause->id, "FSM-01") && p->a < MC_NSTATES &&
	    p->b < MC_NSTATES) {
		rep->matrix[p->a][p->b] = r->shm->cell;
		rep->have_matrix = true;
	}
	return true;
}

struct planned {
	const struct mc_case *c;
	struct mc_param p;
};

/*
 * The case instances of @cs that @only selects, in run order, into *@out (malloc'd); with
 * @out NULL just their number.
 */
static int plan(struct runner *r, const struct mc_caseset *cs, const char *only,
		struct planned **out)
{
	struct planned *pl = NULL, *grown;
	int n = 0;

	for (int pass = 0; pass < MC_ORDER_N; pass++) {
		for (int i = 0; i < cs->n; i++) {
			const struct mc_case *c = &cs->cases[i];
			struct mc_param ps[MAX_INSTANCES];
			int k;

			if (c->op->order != pass || !mc_case_selected(c, only))
				continue;
			k = r->di.flags_ok ? mc_case_expand(c, r->di.flags & 7, ps, MAX_INSTANCES) :
					     1;
			if (!r->di.flags_ok)
				memset(ps, 0, sizeof(ps[0]));
			if (!k)
				continue;
			if (!out) {
				n += k;
				continue;
			}
			grown = realloc(pl, sizeof(*pl) * (size_t)(n + k));
			if (!grown) {
				free(pl);
				return -ENOMEM;
			}
			pl = grown;
			for (int m = 0; m < k; m++)
				pl[n++] = (struct planned){ .c = c, .p = ps[m] };
		}
	}
	if (out)
		*out = pl;
	return n;
}

/*
 * The end of the run: reports that appeared after ROB-01's case @judge (an index of
 * rep->cases, -1 when none ran) read the log still fail it, in report.json and the
 * other files written at the end (a streamed KTAP line has gone out already). Without a
 * ROB-01 case, reports outside the cases are told on stderr.
 */
static void klog_late(struct runner *r, struct mc_report *rep, int judge)
{
	struct mc_case_result *res = judge >= 0 ? &rep->cases[judge] : NULL;
	int before = r->klog.nreports;

	mc_klog_run_charge(&r->klog, "after the last case", NULL, 0);
	mc_klog_run_leaks(&r->klog, NULL);
	mc_klog_run_end(&r->klog);
	if (r->klog.nreports == before && (res || !r->klog.nreports))
		return;
	if (!res) {
		fprintf(stderr,
			"migcheck: warning: %d kernel log report(s) during the run, not "
			"judged (ROB-01 not selected)\n",
			r->klog.nreports);
		return;
	}
	if (res->not_run || res->status == MC_ERROR)
		return;
	res->status = MC_FAIL;
	res->violates = NULL;
	snprintf(res->detail, sizeof(res->detail),
		 "kernel log reports during the run (%d, %d after its last case), by case or "
		 "phase:\n%s",
		 r->klog.nreports, r->klog.nreports - before,
		 mc_klog_run_evidence(&r->klog, MC_KLOG_EVIDENCE_ROOM));
	res->waiver = mc_waiver_for(r->o->waivers, res);
}

/*
 * Every planned case in order, each result to the streaming reporters as it comes; once
 * the run is interrupted, the rest are in the report as not run (and not streamed).
 * Returns how many were not run.
 */
static int run_cases(struct runner *r, struct mc_report *rep, const struct planned *pl, int n,
		     const struct mc_reporter_ops *const *reps, void *const *rpriv, int nrep)
{
	char where[2 * sizeof(rep->cases[0].name) + 64], last[sizeof(rep->cases[0].name)] = "";
	char name[sizeof(rep->cases[0].name)];
	int not_run = 0, judge = -1;
	bool group_ran = false; /* a case of the current clause group ran */

	for (int i = 0; i < n; i++) {
		struct mc_case_result *res = &rep->cases[i];
		bool ran = !mc_run_interrupted(), child = false;

		memset(res, 0, sizeof(*res));
		snprintf(name, sizeof(name), "%s%s%s", pl[i].c->name, pl[i].p.label[0] ? ":" : "",
			 pl[i].p.label);
		if (pl[i].c->op->order == MC_ORDER_LAST) {
			/* ROB-01 judges all that came before: the log up to now is read first. */
			snprintf(where, sizeof(where), "after the last case%s%s%s",
				 last[0] ? " (" : "", last, last[0] ? ")" : "");
			mc_klog_run_charge(&r->klog, where, NULL, 0);
			r->di.klog_findings = mc_klog_run_evidence(&r->klog, MC_KLOG_EVIDENCE_ROOM);
			r->di.klog_reports = r->klog.nreports;
			judge = i;
		} else if (ran) {
			snprintf(where, sizeof(where),
				 last[0] ? "between %s and %s" : "after the preflight, before %s%s",
				 last[0] ? last : name, last[0] ? name : "");
			mc_klog_run_charge(&r->klog, where, NULL, 0);
		}
		if (ran)
			child = run_one(r, rep, pl[i].c, &pl[i].p, res);
		else
			mark_not_run(res, "");
		/* Set once the result is in: the child's copy of it replaced the whole struct. */
		snprintf(res->name, sizeof(res->name), "%s", name);
		if (child && mc_kcov_run_add(&r->kcov, res->name, &r->shm->kcov))
			fprintf(stderr, "migcheck: kcov: out of memory\n");
		if (child && pl[i].c->op->order != MC_ORDER_LAST) {
			mc_klog_run_charge(&r->klog, res->name, res->detail, sizeof(res->detail));
			snprintf(last, sizeof(last), "%s", res->name);
			group_ran = true;
		}
		if (group_ran && (i + 1 == n || pl[i + 1].c->op->order == MC_ORDER_LAST ||
				  strcmp(pl[i].c->clause->group, pl[i + 1].c->clause->group))) {
			mc_klog_run_leaks(&r->klog, pl[i].c->clause->group);
			group_ran = false;
		}
		ran = !res->not_run; /* a case the signal cut short is not streamed either */
		not_run += !ran;
		res->clause = pl[i].c->clause;
		res->description = pl[i].c->description;
		res->waiver = mc_waiver_for(r->o->waivers, res);
		rep->ncases++;
		for (int k = 0; k < nrep && ran; k++)
			reps[k]->result(rpriv[k], res, i);
	}
	klog_late(r, rep, judge);
	return not_run;
}

/* Instances of the complete built-in case set on this device, for the verdict's scope. */
static int complete_total(struct runner *r, const struct mc_caseset *builtin)
{
	struct mc_caseset cs = { 0 };
	char err[512];
	int n;

	if (builtin)
		return plan(r, builtin, NULL, NULL);
	if (mc_cases_load_builtin(&cs, err, sizeof(err)))
		n = 0; /* not recorded; the scope then says so */
	else
		n = plan(r, &cs, NULL, NULL);
	mc_cases_free(&cs);
	return n < 0 ? 0 : n;
}

static void fill_info(struct runner *r, struct mc_run_info *info)
{
	const struct mc_run_opts *o = r->o;
	struct utsname u;
	time_t t = time(NULL);

	info->tool_version = MC_VERSION;
	info->tool_commit = MC_COMMIT;
	info->device_spec = o->device;
	info->peer_spec = o->peer;
	info->ident = r->shm->ident;
	info->mig_flags = r->shm->flags;
	info->flags_known = r->shm->flags_rc == 0;
	info->uapi_known = true;
	info->precopy_v2_rc = r->di.precopy_v2_rc;
	info->unknown_feature_rc = r->di.unknown_feature_rc;
	if (!uname(&u)) {
		snprintf(info->kernel_release, sizeof(info->kernel_release), "%s", u.release);
		snprintf(info->hostname, sizeof(info->hostname), "%.*s",
			 (int)sizeof(info->hostname) - 1, u.nodename);
		mc_kernel_config_hash(u.release, info->kernel_config, info->kernel_config_src,
				      sizeof(info->kernel_config_src));
	}
	mc_kinfo_probe(&info->kernel, info->kernel_config_src);
	info->seed = o->seed;
	info->strict = o->strict;
	info->only = o->only;
	info->cases_dir = o->cases_dir;
	mc_profile_text(MC_PROFILES_ALL & ~o->profiles_off, info->profiles, sizeof(info->profiles));
	snprintf(info->cmdline, sizeof(info->cmdline), "%s", o->cmdline ? o->cmdline : "");
	strftime(info->started, sizeof(info->started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
}

/*
 * RES-04's material: a stream saved from a device of another type, when there is one.
 * A --foreign the user named that cannot be opened or hangs is a usage error (-EINVAL, one
 * line on stderr), not a silent skip. One that opens but then fails to give a stream (it
 * breaks a clause while saving) is that device's fault, not the user's nor the device under
 * test's: RES-04's foreign case is skipped with the reason, and stderr says so. A derived one (sim) that fails leaves RES-04
 * skipped too.
 */
static int preflight_foreign(struct runner *r)
{
	struct shm *shm = r->shm;
	enum mc_outcome how;
	int sig = 0;

	if (r->o->foreign)
		snprintf(r->foreign_spec, sizeof(r->foreign_spec), "%s", r->o->foreign);
	else if (mc_devspec_foreign(r->o->device, r->foreign_spec, sizeof(r->foreign_spec))) {
		r->foreign_spec[0] = '\0';
		snprintf(
			r->foreign_why, sizeof(r->foreign_why),
			"no device of another type to save a foreign stream from (--foreign SPEC)");
		return 0;
	}
	shm->done = false;
	shm->stream_rc = 0;
	shm->stream_err[0] = '\0';
	shm->stream_violates[0] = '\0';
	shm->stream_open_failed = false;
	shm->stream_ref = false;
	how = isolated(r, stream_child, r->foreign_spec, &sig, preflight_ms(r));
	mc_klog_run_charge(&r->klog, "foreign-save (saving the foreign stream)", NULL, 0);
	if (how != MC_RAN || shm->stream_rc) {
		snprintf(r->foreign_why, sizeof(r->foreign_why),
			 "could not save a stream from --foreign %.280s: %.*s", r->foreign_spec,
			 MC_DETAIL_MAX,
			 shm->stream_err[0] ? shm->stream_err : mc_watch_op(&shm->watch));
		r->foreign_spec[0] = '\0';
		if (!r->o->foreign)
			return 0;
		if (how == MC_RAN && !shm->stream_open_failed) {
			fprintf(stderr, "migcheck: warning: %s\n", r->foreign_why);
			return 0;
		}
		fprintf(stderr, "migcheck: %s\n", r->foreign_why);
		return -EINVAL;
	}
	r->foreign = malloc(shm->stream_len ? shm->stream_len : 1);
	if (!r->foreign) {
		snprintf(r->foreign_why, sizeof(r->foreign_why), "out of memory");
		r->foreign_spec[0] = '\0';
		return -ENOMEM;
	}
	memcpy(r->foreign, shm->stream, shm->stream_len);
	r->di.foreign = r->foreign;
	r->di.foreign_len = shm->stream_len;
	r->di.foreign_spec = r->foreign_spec;
	return 0;
}

/* Preflight: open the device, read its flags, save the reference stream. */
static int preflight(struct runner *r)
{
	struct shm *shm = r->shm;
	enum mc_outcome how;
	int sig = 0;

	if (isolated(r, preflight_child, NULL, &sig, preflight_ms(r)) != MC_RAN || !shm->done) {
		if (mc_run_interrupted())
			return -EINTR;
		fprintf(stderr, "migcheck: %s: opening the device hung or crashed (last op: %s)\n",
			r->o->device, mc_watch_op(&shm->watch));
		return -EIO;
	}
	mc_klog_run_charge(&r->klog, "preflight (opening the device)", NULL, 0);
	if (shm->open_rc) {
		fprintf(stderr, "migcheck: %s\n", shm->open_err);
		return shm->open_rc;
	}
	if (shm->io_rc) {
		fprintf(stderr, "migcheck: %s: --io %s: %s\n", r->o->device,
			r->o->io == MC_IO_URING ? "uring" : "rw", shm->io_why);
		return -EINVAL;
	}
	r->di.flags = shm->flags;
	r->di.flags_ok = !shm->flags_rc && (shm->flags & VFIO_MIGRATION_STOP_COPY);
	r->flags_rc = shm->flags_rc;
	r->di.log = shm->log;
	r->di.precopy_v2_rc = shm->v2_rc;
	r->di.unknown_feature_rc = shm->unknown_rc;
	r->di.fault = shm->fault != 0;
	r->di.fault_kinds = shm->fault;
	snprintf(r->fault_skip, sizeof(r->fault_skip), "the device cannot inject faults: %s",
		 shm->fault_why);
	r->di.klog = r->klog.kl != NULL;
	r->di.klog_why = r->klog.why;
	r->di.peer_spec = r->o->peer;
	r->di.seed = r->o->seed;
	r->di.device_spec = r->o->device;
	r->di.budgets = r->o->budgets;
	r->di.io = r->o->io;
	r->di.destructive = r->o->destructive;
	r->di.foreign_why = r->foreign_why;
	r->di.state_regions = r->o->state_regions;
	r->di.stream_nondet = r->o->nondet;
	if (!r->di.flags_ok)
		return 0;
	if (r->o->dirty)
		r->dirty = *r->o->dirty;
	else if (!strcmp(shm->ident.driver, "sim"))
		mc_regacc_parse(SIM_DIRTY, true, &r->dirty, NULL, 0);
	shm->done = false;
	shm->stream_ref = true;
	how = isolated(r, stream_child, (void *)(r->o->peer ? r->o->peer : r->o->device), &sig,
		       preflight_ms(r));
	mc_klog_run_charge(&r->klog, "reference-save (saving the reference stream)", NULL, 0);
	if (how != MC_RAN || shm->stream_rc) {
		if (r->o->peer && shm->stream_open_failed) {
			fprintf(stderr, "migcheck: peer: %s\n", shm->stream_err);
			return shm->stream_rc;
		}
		snprintf(r->stream_why, sizeof(r->stream_why), "%s",
			 shm->stream_err[0] ? shm->stream_err : mc_watch_op(&shm->watch));
		fprintf(stderr, "migcheck: warning: no reference stream: %s\n", r->stream_why);
		r->di.stream_why = r->stream_why;
		if (shm->stream_violates[0]) {
			snprintf(r->stream_violates, sizeof(r->stream_violates), "%s",
				 shm->stream_violates);
			r->di.stream_violates = r->stream_violates;
		}
		return r->o->foreign ? preflight_foreign(r) : 0;
	}
	r->stream = malloc(shm->stream_len ? shm->stream_len : 1);
	if (!r->stream)
		return -ENOMEM;
	memcpy(r->stream, shm->stream, shm->stream_len);
	r->di.stream = r->stream;
	r->di.stream_len = shm->stream_len;
	r->di.dirty = shm->dirtied ? &r->dirty : NULL;
	memcpy(r->ref_regions, shm->regions, shm->regions_len);
	r->di.ref_regions = r->ref_regions;
	r->di.ref_regions_len = shm->regions_len;
	return preflight_foreign(r);
}

void mc_report_free(struct mc_report *rep)
{
	if (!rep)
		return;
	if (rep->owned) {
		mc_cases_free(rep->owned);
		free(rep->owned);
	}
	free(rep->cases);
	free(rep->clauses);
	free(rep->kreports);
	free(rep);
}

/*
 * The reporters' end() and, with --out, their files published as the current set; a
 * file that could not be written fails the run (2) and leaves the previous set current.
 * A run whose cases ended in a harness error (@code 2) is published all the same: its
 * reports say which case and why.
 */
static int finish(struct mc_report *rep, struct mc_outdir *od,
		  const struct mc_reporter_ops *const *reps, void *const *rpriv, int nrep, int code)
{
	time_t t = time(NULL);
	char err[PATH_MAX + 256];
	bool written = true;

	strftime(rep->info.finished, sizeof(rep->info.finished), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	for (int i = 0; i < nrep; i++)
		if (rpriv[i] && reps[i]->end(rpriv[i], rep))
			written = false;
	if (od && written && mc_outdir_publish(od, err, sizeof(err))) {
		fprintf(stderr, "migcheck: %s\n", err);
		written = false;
	}
	rep->published = od && written;
	return written ? code : 2;
}

int mc_run(const struct mc_run_opts *o, struct mc_report **repp)
{
	const struct mc_reporter_ops *reps[6];
	void *rpriv[6] = { NULL };
	struct runner r = { .o = o };
	struct mc_caseset *csp = calloc(1, sizeof(*csp));
	struct mc_outdir *od = NULL;
	struct planned *pl = NULL;
	struct mc_report *rep;
	char err[PATH_MAX + 256];
	int nrep = 0, n, rc, code = 2;

	*repp = rep = calloc(1, sizeof(*rep));
	if (!rep || !csp) {
		free(csp);
		return 2;
	}
	rep->owned = csp;
	/* An unusable --out (or one another run writes to) stops the run before any case. */
	if (o->out && mc_outdir_open(o->out, o->cmdline, &od, err, sizeof(err))) {
		fprintf(stderr, "migcheck: %s\n", err);
		goto out;
	}
	rc = o->cases_dir ? mc_cases_load_dir(o->cases_dir, csp, err, sizeof(err)) :
			    mc_cases_load_builtin(csp, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "migcheck: %s\n", err);
		goto out;
	}
	if (mc_cases_check_only(csp, o->only, err, sizeof(err))) {
		fprintf(stderr, "migcheck: %s\n", err);
		goto out;
	}
	r.shm_len = sizeof(*r.shm) + o->stream_limit;
	r.shm = mmap(NULL, r.shm_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r.shm == MAP_FAILED) {
		fprintf(stderr, "migcheck: shared memory of %zu bytes: %s\n", r.shm_len,
			strerror(errno));
		r.shm = NULL;
		goto out;
	}
	/* The log is read from before the device's first open: no report falls outside. */
	mc_klog_run_open(&r.klog, o->device);
	if (preflight(&r)) {
		code = mc_run_interrupted() ? 128 + mc_run_interrupted() : 2;
		goto out;
	}
	if (r.di.flags_ok && mc_budget_check(o->budgets, r.di.flags & 7, err, sizeof(err))) {
		fprintf(stderr, "migcheck: %s: %s\n", o->device, err);
		goto out;
	}
	fill_info(&r, &rep->info);
	mc_kcov_run_open(&r.kcov, NULL, r.shm->ident.driver, o->no_kcov);
	for (int i = 0; i < r.kcov.rs.n && r.kcov.on; i++)
		fprintf(stderr, "migcheck: driver coverage (KCOV) of %s, %llu bytes of text\n",
			r.kcov.rs.r[i].name,
			(unsigned long long)(r.kcov.rs.r[i].end - r.kcov.rs.r[i].start));
	rep->info.cases_total = complete_total(&r, o->cases_dir ? NULL : csp);
	n = plan(&r, csp, o->only, &pl);
	if (n < 0)
		goto out;
	if (!n) {
		fprintf(stderr, "migcheck: --only '%s' selects no case\n", o->only ? o->only : "");
		goto out;
	}
	rep->cases = calloc((size_t)n, sizeof(*rep->cases));
	if (!rep->cases)
		goto out;
	if (!o->quiet)
		reps[nrep++] = &mc_ktap_reporter;
	if (o->out) {
		reps[nrep++] = &mc_json_reporter;
		reps[nrep++] = &mc_junit_reporter;
		reps[nrep++] = &mc_html_reporter;
		reps[nrep++] = &mc_ktap_file_reporter;
	}
	if (o->reporter)
		reps[nrep++] = o->reporter;
	for (int i = 0; i < nrep; i++)
		if (reps[i]->begin(&rpriv[i], &rep->info, n, od ? mc_outdir_set(od) : NULL))
			goto out_end;
	/* A signal after the last case leaves a complete run: it is not marked interrupted. */
	if (run_cases(&r, rep, pl, n, reps, rpriv, nrep))
		rep->interrupted = mc_run_interrupted();
	mc_klog_run_report(&r.klog, rep);
	if (od && mc_kcov_run_write(&r.kcov, mc_outdir_set(od)))
		goto out_end;
	rep->waivers = o->waivers && o->waivers->n ? o->waivers : NULL;
	mc_report_rollup(rep);
	code = rep->exit_code = mc_report_exit_code(rep);
out_end:
	code = rep->exit_code = finish(rep, od, reps, rpriv, nrep, code);
out:
	mc_outdir_close(od);
	free(pl);
	free(r.stream);
	free(r.foreign);
	mc_klog_run_free(&r.klog);
	mc_kcov_run_free(&r.kcov);
	if (r.shm)
		munmap(r.shm, r.shm_len);
	return code;
}
