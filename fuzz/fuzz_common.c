// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzzing context and the run of one input (fresh device, kernel-log bracketing),
 * findings and their dedup key, defensive input decoding and the kernel-log helpers.
 * Device steps and write plans: fuzz_dev.c; replay: replay.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errname.h"
#include "fuzz.h"
#include "fuzz_kcov.h"
#include "fuzz_trace.h"
#include "klog.h"
#include "model.h"

static const struct mc_fuzz_target targets[] = {
#define MC_FUZZ_X_ROW(n, nd, w) { .name = #n, .need = nd, .what = w, .run = mc_fuzz_##n },
	MC_FUZZ_TARGET_LIST(MC_FUZZ_X_ROW)
#undef MC_FUZZ_X_ROW
};

const struct mc_fuzz_target *mc_fuzz_targets(int *n)
{
	*n = (int)(sizeof(targets) / sizeof(targets[0]));
	return targets;
}

const struct mc_fuzz_target *mc_fuzz_target_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(targets) / sizeof(targets[0]); i++)
		if (!strcmp(targets[i].name, name))
			return &targets[i];
	return NULL;
}

/* ---------------------------------------------------------------- context */

static bool env_bool(const char *name, bool dflt)
{
	const char *v = getenv(name);

	return v && *v ? strcmp(v, "0") != 0 : dflt;
}

/* Save one STOP_COPY stream of the foreign device; without one, RES-04 is not judged. */
static void save_foreign(struct mc_fuzz_ctx *ctx)
{
	const char *spec = getenv("MIGCHECK_FUZZ_FOREIGN");
	struct mc_dev *dev = NULL;
	uint8_t *buf = NULL;
	char err[256];
	ssize_t n;
	int fd = -1;

	if (spec && *spec)
		snprintf(ctx->foreign_spec, sizeof(ctx->foreign_spec), "%s", spec);
	else if (mc_devspec_foreign(ctx->spec, ctx->foreign_spec, sizeof(ctx->foreign_spec)))
		return;
	if (mc_dev_open(ctx->foreign_spec, &dev, err, sizeof(err)))
		goto out;
	if (mc_reset(dev) || mc_set_state(dev, VFIO_DEVICE_STATE_STOP_COPY, &fd) || fd < 0)
		goto out;
	n = mc_read_all(dev, fd, MC_FUZZ_SAVE_CHUNK, MC_FUZZ_STREAM_MAX, &buf, NULL);
	if (n > 0) {
		ctx->foreign = buf;
		ctx->foreign_len = (size_t)n;
		buf = NULL;
	}
	mc_data_close(dev, fd);
	mc_reset(dev);
out:
	free(buf);
	mc_dev_close(dev);
	if (!ctx->foreign)
		ctx->foreign_spec[0] = '\0';
}

/* MIGCHECK_FUZZ_SAMPLE (struct mc_fuzz_ctx): the directory, made if missing. */
static void sample_open(struct mc_fuzz_ctx *ctx)
{
	const char *dir = getenv("MIGCHECK_FUZZ_SAMPLE"),
		   *every = getenv("MIGCHECK_FUZZ_SAMPLE_EVERY");

	if (!dir || !*dir || (mkdir(dir, 0755) && errno != EEXIST))
		return;
	ctx->sample = strdup(dir);
	ctx->sample_every = every && atoi(every) > 0 ? (unsigned)atoi(every) : 499;
	ctx->sample_rng = 0x9e3779b97f4a7c15ull;
}

/* Reservoir sampling of the candidates: each has the same chance to be kept. */
static void sample_keep(struct mc_fuzz_ctx *ctx, const uint8_t *data, size_t size)
{
	uint64_t slot = ctx->sample_k++;
	char path[4096];
	int fd;

	if (slot >= MC_FUZZ_SAMPLE_MAX) {
		ctx->sample_rng ^= ctx->sample_rng << 13;
		ctx->sample_rng ^= ctx->sample_rng >> 7;
		ctx->sample_rng ^= ctx->sample_rng << 17;
		slot = ctx->sample_rng % ctx->sample_k;
		if (slot >= MC_FUZZ_SAMPLE_MAX)
			return;
	}
	snprintf(path, sizeof(path), "%s/s%04u", ctx->sample, (unsigned)slot);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, data, size) < 0)
		ctx->sample_every = ~0u; /* a full disk: stop sampling */
	close(fd);
}

/* A context with no device yet, or NULL with one line in @err. */
static struct mc_fuzz_ctx *ctx_new(char *err, size_t errlen)
{
	struct mc_fuzz_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		snprintf(err, errlen, "fuzz: out of memory");
	else
		ctx->kmsg_fd = -1;
	return ctx;
}

int mc_fuzz_ctx_open(const char *spec, struct mc_fuzz_ctx **ctxp, char *err, size_t errlen)
{
	struct mc_fuzz_ctx *ctx = ctx_new(err, errlen);
	uint8_t probe[8] = { 0 };
	int rc;

	*ctxp = NULL;
	if (!ctx)
		return -ENOMEM;
	if (!spec)
		spec = getenv("MIGCHECK_FUZZ_DEVICE");
	snprintf(ctx->spec, sizeof(ctx->spec), "%s", spec && *spec ? spec : MC_FUZZ_DEFAULT_DEVICE);
	rc = mc_dev_open(ctx->spec, &ctx->dev, err, errlen);
	if (rc)
		goto out_free;
	ctx->sim = !strcmp(mc_dev_ident(ctx->dev)->driver, "sim");
	ctx->reopen = env_bool("MIGCHECK_FUZZ_REOPEN", ctx->sim);
	ctx->strict = env_bool("MIGCHECK_FUZZ_STRICT", ctx->sim);
	ctx->deterministic = env_bool("MIGCHECK_FUZZ_DETERMINISTIC", ctx->sim);
	ctx->kmsg = env_bool("MIGCHECK_FUZZ_KMSG", false);
	ctx->keep_ref = ctx->reopen && ctx->deterministic;
	ctx->klog = mc_klog_read(ctx->dev, (char *)probe, sizeof(probe)) >= 0;
	{
		struct vfio_device_feature hdr = {
			.argsz = sizeof(hdr),
			.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
		};

		ctx->log = mc_feature_raw(ctx->dev, &hdr, sizeof(hdr)) == 0;
	}
	ctx->guard = mmap(NULL, MC_FUZZ_PAGE + MC_FUZZ_GUARD, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ctx->guard == MAP_FAILED ||
	    mprotect(ctx->guard + MC_FUZZ_PAGE, MC_FUZZ_GUARD, PROT_NONE)) {
		rc = -errno;
		snprintf(err, errlen, "fuzz: guard pages: %s", strerror(errno));
		ctx->guard = ctx->guard == MAP_FAILED ? NULL : ctx->guard;
		goto out_close;
	}
	save_foreign(ctx);
	sample_open(ctx);
	*ctxp = ctx;
	return 0;
out_close:
	mc_fuzz_ctx_close(ctx);
	return rc;
out_free:
	free(ctx);
	return rc;
}

int mc_fuzz_ctx_open_for(const struct mc_fuzz_target *t, const char *spec,
			 struct mc_fuzz_ctx **ctxp, char *err, size_t errlen)
{
	struct mc_fuzz_ctx *ctx;

	if (!t || !(t->need & MC_FUZZ_NO_DEVICE))
		return mc_fuzz_ctx_open(spec, ctxp, err, errlen);
	*ctxp = ctx = ctx_new(err, errlen);
	if (!ctx)
		return -ENOMEM;
	snprintf(ctx->spec, sizeof(ctx->spec), "none");
	sample_open(ctx);
	return 0;
}

static void ref_free(struct mc_fuzz_ref *r)
{
	free(r->own);
	free(r->resaved);
	memset(r, 0, sizeof(*r));
}

void mc_fuzz_ctx_close(struct mc_fuzz_ctx *ctx)
{
	if (!ctx)
		return;
	ref_free(&ctx->ref);
	mc_fuzz_kcov_close(ctx->kcov);
	mc_dev_close(ctx->dev);
	if (ctx->guard)
		munmap(ctx->guard, MC_FUZZ_PAGE + MC_FUZZ_GUARD);
	if (ctx->kmsg_fd >= 0)
		close(ctx->kmsg_fd);
	free(ctx->foreign);
	free(ctx->scratch);
	free(ctx->sample);
	free(ctx);
}

/* FNV-1a over the operation log: equal inputs must give equal logs (no state leaks). */
static uint64_t oplog_hash(struct mc_dev *dev)
{
	char buf[8192];
	uint64_t h = 0xcbf29ce484222325ull;

	mc_dev_oplog(dev, buf, sizeof(buf));
	for (const char *p = buf; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	return h;
}

static int reopen(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f)
{
	char err[256];
	int rc;

	ctx->rec_dev = NULL;
	/* The spec is parsed once: in the same handle, a fresh device. */
	rc = ctx->dev ? mc_dev_reopen(&ctx->dev, err, sizeof(err)) :
			mc_dev_open(ctx->spec, &ctx->dev, err, sizeof(err));
	if (rc)
		return mc_fuzz_broken(f, rc, "reopening the device: %s", err);
	mc_dev_oplog_clear(ctx->dev);
	mc_fuzz_trace_attach(ctx); /* a trace holds the calls on the device the input ran on */
	return 0;
}

/* Make ctx->ref for @t (struct mc_fuzz_ref), or keep the one made before. */
static int ref_make(struct mc_fuzz_ctx *ctx, const struct mc_fuzz_target *t,
		    struct mc_fuzz_finding *f)
{
	struct mc_fuzz_ref *r = &ctx->ref;
	int rc;

	if (!(ctx->keep_ref && r->t == t)) {
		ref_free(r);
		r->t = t;
		snprintf(r->f.target, sizeof(r->f.target), "%s", t->name);
		rc = mc_fuzz_begin(ctx, &r->f);
		if (!rc)
			rc = mc_fuzz_save(ctx, &r->f, &r->own, &r->own_len);
		if (!rc && (t->need & MC_FUZZ_NEED_RESAVED))
			rc = mc_fuzz_resume_resave(ctx, &r->f, r->own, r->own_len, NULL, 0,
						   ctx->deterministic ? &r->resaved : NULL,
						   &r->resaved_len);
		r->rc = rc;
		/* The input starts on a device that made nothing. */
		if (ctx->keep_ref && rc >= 0 && (rc = reopen(ctx, f)))
			return rc;
	}
	if (r->rc)
		*f = r->f;
	return r->rc;
}

/*
 * KCOV is per thread: it is opened by the thread that runs the inputs, on the first one.
 * Kernel backends only; a kernel without KCOV says so once and fuzzing goes on unguided.
 */
static void kcov_first(struct mc_fuzz_ctx *ctx)
{
	char err[256];

	if (ctx->kcov_tried || ctx->sim)
		return;
	ctx->kcov_tried = true;
	if (mc_fuzz_kcov_open(&ctx->kcov, mc_dev_ident(ctx->dev)->driver, err, sizeof(err)))
		fprintf(stderr, "migcheck-fuzz: %s; no kernel coverage\n", err);
}

int mc_fuzz_run(struct mc_fuzz_ctx *ctx, const struct mc_fuzz_target *t, const uint8_t *data,
		size_t size, struct mc_fuzz_finding *f)
{
	int rc;

	memset(f, 0, sizeof(*f));
	snprintf(f->target, sizeof(f->target), "%s", t->name);
	if (size > MC_FUZZ_MAX_INPUT)
		size = MC_FUZZ_MAX_INPUT;
	/* A parser target: the input is a file, nothing around it touches a device. */
	if (t->need & MC_FUZZ_NO_DEVICE) {
		rc = t->run(ctx, data, size, f);
		if (ctx->sample && ++ctx->sample_n % ctx->sample_every == 0)
			sample_keep(ctx, data, size);
		return rc;
	}
	if (!ctx->dev)
		return mc_fuzz_broken(f, -ENODEV, "target %s needs a device", t->name);
	if (ctx->reopen && (rc = reopen(ctx, f)))
		return rc;
	mc_dev_oplog_clear(ctx->dev);
	mc_fuzz_trace_attach(ctx);
	mc_fuzz_kmsg_note(ctx, t->name, data, size);
	/*
	 * What the log holds from before this input (its own note last) is no part of it:
	 * skipped unread (a seek on /dev/kmsg instead of reading the note back and matching
	 * it against the report patterns, most of the check's cost under TCG).
	 */
	if (ctx->klog)
		mc_klog_skip(ctx->dev);
	kcov_first(ctx);
	mc_fuzz_kcov_begin(ctx->kcov);
	rc = t->need ? ref_make(ctx, t, f) : 0;
	if (!rc)
		rc = t->run(ctx, data, size, f);
	mc_fuzz_kcov_end(ctx->kcov);
	/* A finding keeps its clause; the first report line joins its dedup key. */
	if (rc >= 0 && ctx->klog && mc_fuzz_klog_check(ctx, f))
		rc = 1;
	if (ctx->trace_on)
		ctx->trace = oplog_hash(ctx->dev);
	if (ctx->sample && ++ctx->sample_n % ctx->sample_every == 0)
		sample_keep(ctx, data, size);
	return rc;
}

/* ---------------------------------------------------------------- findings */

int mc_fuzz_fail(struct mc_fuzz_finding *f, const char *clause, int err, uint32_t state,
		 const char *fmt, ...)
{
	va_list ap;

	snprintf(f->clause, sizeof(f->clause), "%s", clause);
	f->err = err;
	f->state = state;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return 1;
}

int mc_fuzz_broken(struct mc_fuzz_finding *f, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -EIO;
}

void mc_fuzz_finding_key(const struct mc_fuzz_finding *f, char *buf, size_t len)
{
	const struct mc_fuzz_target *t = mc_fuzz_target_find(f->target);
	char k[sizeof(f->klog) + 32];

	mc_fuzz_klog_norm(f->klog, k, sizeof(k));
	/* A parser's finding has no device state: "-" rather than state 0's name. */
	snprintf(buf, len, "%s|%s|%s|%s|%s", f->target, f->clause, mc_errno_name(f->err),
		 t && (t->need & MC_FUZZ_NO_DEVICE) ? "-" : mc_state_name(f->state), k);
}

void mc_fuzz_finding_print(FILE *out, const struct mc_fuzz_finding *f)
{
	char key[512];

	mc_fuzz_finding_key(f, key, sizeof(key));
	fprintf(out, "FINDING %s\n  %s: %s\n", key, f->clause, f->msg);
	if (f->klog[0])
		fprintf(out, "  kernel log: %s\n", f->klog);
}

/* FNV-1a of @s: the name a kept input gets from its key. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

/* Write @len bytes of @data to a new file @path (O_EXCL): 1, 0 when it exists, or -errno. */
static int write_new(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ssize_t n = 0;
	int rc = 1;

	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	while (len && (n = write(fd, data, len)) > 0) {
		data = (const uint8_t *)data + n;
		len -= (size_t)n;
	}
	if (n < 0 || len)
		rc = n < 0 ? -errno : -EIO;
	if (close(fd) && rc == 1)
		rc = -errno;
	return rc;
}

int mc_fuzz_finding_keep(const char *dir, const struct mc_fuzz_finding *f, const uint8_t *data,
			 size_t size)
{
	char key[512], path[4096], text[1024];
	int rc, n;

	mc_fuzz_finding_key(f, key, sizeof(key));
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/%016llx", dir, (unsigned long long)fnv1a(key));
	rc = write_new(path, data, size);
	if (rc <= 0)
		return rc;
	n = snprintf(text, sizeof(text), "FINDING %s\n  %s: %s\n", key, f->clause, f->msg);
	strncat(path, ".key", sizeof(path) - strlen(path) - 1);
	return write_new(path, text, n < (int)sizeof(text) ? (size_t)n : sizeof(text) - 1);
}

/* ---------------------------------------------------------------- input decoding */

void mc_fuzz_in_init(struct mc_fuzz_in *in, const uint8_t *p, size_t len)
{
	in->p = p;
	in->len = p ? len : 0;
	in->off = 0;
}

uint8_t mc_fuzz_u8(struct mc_fuzz_in *in)
{
	return in->off < in->len ? in->p[in->off++] : (in->off++, 0);
}

uint16_t mc_fuzz_u16(struct mc_fuzz_in *in)
{
	uint16_t lo = mc_fuzz_u8(in);

	return (uint16_t)(lo | mc_fuzz_u8(in) << 8);
}

uint32_t mc_fuzz_u32(struct mc_fuzz_in *in)
{
	uint32_t lo = mc_fuzz_u16(in);

	return lo | (uint32_t)mc_fuzz_u16(in) << 16;
}

size_t mc_fuzz_left(const struct mc_fuzz_in *in)
{
	return in->off < in->len ? in->len - in->off : 0;
}

const uint8_t *mc_fuzz_take(struct mc_fuzz_in *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p + (in->off < in->len ? in->off : in->len);

	*got = n < mc_fuzz_left(in) ? n : mc_fuzz_left(in);
	in->off += *got;
	return p;
}

/* ---------------------------------------------------------------- kernel log */

int mc_fuzz_klog_check(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f)
{
	char buf[8192], *save = NULL;
	ssize_t n;
	int found = 0;

	if (!ctx->klog)
		return 0;
	while ((n = mc_klog_read(ctx->dev, buf, sizeof(buf))) > 0) {
		for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			if (found || !mc_klog_is_report(l))
				continue;
			snprintf(f->klog, sizeof(f->klog), "%s", l);
			found = 1;
		}
		if ((size_t)n < sizeof(buf) - 1)
			break;
	}
	if (found && !f->clause[0])
		mc_fuzz_fail(f, "ROB-01", 0, 0,
			     "the kernel log reported a problem during the input");
	return found;
}

void mc_fuzz_kmsg_note(struct mc_fuzz_ctx *ctx, const char *target, const uint8_t *data,
		       size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char line[640];
	size_t n, show = size < 256 ? size : 256;

	if (!ctx->kmsg || !ctx->klog)
		return;
	if (ctx->kmsg_fd < 0)
		ctx->kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (ctx->kmsg_fd < 0)
		return;
	n = (size_t)snprintf(line, sizeof(line), "<5>migcheck-fuzz: %s len=%zu hex=", target, size);
	/* By hand: a snprintf() per byte was most of the note's cost under TCG. */
	for (size_t i = 0; i < show && n + 3 < sizeof(line); i++) {
		line[n++] = hex[data[i] >> 4];
		line[n++] = hex[data[i] & 15];
	}
	line[n] = '\0';
	n += (size_t)snprintf(line + n, sizeof(line) - n, "%s\n", show < size ? "..." : "");
	if (write(ctx->kmsg_fd, line, n < sizeof(line) ? n : sizeof(line) - 1) < 0)
		ctx->kmsg = false; /* no permission: stop trying */
}
