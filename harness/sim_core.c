// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_DEVICE_FEATURE on the simulated device: the kernel core's dispatch and
 * vfio_check_feature() in their exact errno order (SPEC §3, §6), and a well-behaved
 * driver behind it whose set-state loop steps through mc_model_next() the way in-tree
 * drivers step through vfio_mig_get_next_state(). Defects hook in at named points.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include "mc_uapi.h"
#include "model.h"
#include "sim.h"

#define GET VFIO_DEVICE_FEATURE_GET
#define SET VFIO_DEVICE_FEATURE_SET
#define PROBE VFIO_DEVICE_FEATURE_PROBE

/* ------------------------------------------------------------------ user memory */

/*
 * copy_{from,to}_user without a system call: the kernel copies with plain loads and
 * stores and, when one faults, its exception table sends it to a fixup that returns
 * -EFAULT. Here a SIGSEGV/SIGBUS handler plays the exception table for faults whose
 * address lies in the user range of the copy running on this thread; any other fault
 * goes to the handler that was there before (ASan's, or the default action).
 *
 * On x86-64 the copy is one `rep movsb` in assembly (no sanitizer or coverage hooks) and
 * the fixup is the kernel's: the handler moves the instruction pointer past it, and
 * %rcx holds the bytes not copied. Elsewhere the handler jumps out of a C loop with
 * siglongjmp (SA_NODEFER keeps the signal mask right without saving it); build with
 * -DMC_UCOPY_PORTABLE to use that path on x86-64 too.
 */
#if defined(__x86_64__) && !defined(MC_UCOPY_PORTABLE)
#define UCOPY_REP 1
#endif
static __thread uintptr_t ucopy_lo, ucopy_hi;
static struct sigaction ucopy_old_segv, ucopy_old_bus;
static pthread_once_t ucopy_once = PTHREAD_ONCE_INIT;
static int ucopy_err;

#ifdef UCOPY_REP
/* size_t mc_sim_ucopy_rep(void *dst, const void *src, size_t n): bytes not copied. */
__asm__(".text\n"
	".p2align 4\n"
	".hidden mc_sim_ucopy_rep\n"
	".type mc_sim_ucopy_rep, @function\n"
	"mc_sim_ucopy_rep:\n"
	"	movq %rdx, %rcx\n"
	"mc_sim_ucopy_insn:\n"
	"	rep movsb\n"
	"mc_sim_ucopy_fixup:\n"
	"	movq %rcx, %rax\n"
	"	ret\n"
	".size mc_sim_ucopy_rep, .-mc_sim_ucopy_rep\n");
size_t mc_sim_ucopy_rep(void *dst, const void *src, size_t n);
extern const char mc_sim_ucopy_insn[] __attribute__((visibility("hidden")));
extern const char mc_sim_ucopy_fixup[] __attribute__((visibility("hidden")));
static __thread bool ucopy_active;

static bool ucopy_fixup(siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uintptr_t a = (uintptr_t)si->si_addr;

	if (!ucopy_active || a < ucopy_lo || a >= ucopy_hi ||
	    uc->uc_mcontext.gregs[REG_RIP] != (greg_t)(uintptr_t)mc_sim_ucopy_insn)
		return false;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)mc_sim_ucopy_fixup;
	return true;
}
#else
static __thread sigjmp_buf *ucopy_jb;

static bool ucopy_fixup(siginfo_t *si, void *ucv)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	sigjmp_buf *jb = ucopy_jb;

	(void)ucv;
	if (!jb || a < ucopy_lo || a >= ucopy_hi)
		return false;
	ucopy_jb = NULL;
	siglongjmp(*jb, 1);
}

/* Not instrumented (an ASan check would report the fault first); the barrier keeps it a
 * loop rather than a memcpy call, which a sanitizer runtime intercepts. */
__attribute__((noinline, no_sanitize("address", "undefined"))) MC_NO_COVERAGE static void
ucopy_loop(uint8_t *d, const uint8_t *s, size_t n)
{
	for (; n; n--) {
		*d++ = *s++;
		__asm__ volatile("" ::: "memory");
	}
}
#endif

static void ucopy_fault(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *old = sig == SIGBUS ? &ucopy_old_bus : &ucopy_old_segv;
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	if (ucopy_fixup(si, uc))
		return;
	if (old->sa_flags & SA_SIGINFO) {
		if (old->sa_sigaction) {
			old->sa_sigaction(sig, si, uc);
			return;
		}
	} else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
		return;
	}
	/* No handler before: the default action, and the access faults again and kills. */
	sigaction(sig, &dfl, NULL);
}

static void ucopy_install(void)
{
	struct sigaction sa = { .sa_sigaction = ucopy_fault,
				.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &ucopy_old_segv) || sigaction(SIGBUS, &sa, &ucopy_old_bus))
		ucopy_err = -errno;
}

MC_NO_COVERAGE
static int ucopy(void *dst, const void *src, size_t n, bool to_user)
{
	uintptr_t u = (uintptr_t)(to_user ? dst : src);
	size_t left;

	if (!n)
		return 0;
	if (u + n < u)
		return -EFAULT;
	pthread_once(&ucopy_once, ucopy_install);
	if (ucopy_err)
		return ucopy_err;
	ucopy_lo = u;
	ucopy_hi = u + n;
#ifdef UCOPY_REP
	ucopy_active = true;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	left = mc_sim_ucopy_rep(dst, src, n);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	ucopy_active = false;
#else
	sigjmp_buf jb;

	if (sigsetjmp(jb, 0))
		return -EFAULT;
	ucopy_jb = &jb;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	ucopy_loop(dst, src, n);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	ucopy_jb = NULL;
	left = 0;
#endif
	return left ? -EFAULT : 0;
}

int mc_sim_uread(void *dst, const void *usrc, size_t n)
{
	return ucopy(dst, usrc, n, false);
}

int mc_sim_uwrite(void *udst, const void *src, size_t n)
{
	return ucopy(udst, src, n, true);
}

/* ------------------------------------------------------------------ sessions */

void mc_sim_end_save(struct mc_sim_dev *dev)
{
	/* Defect set_read_race: the ended session is only marked, until the next one. */
	if (MC_SIM_HAS(dev, SET_READ_RACE) && dev->save) {
		mc_sim_save_free(dev->zombie);
		dev->zombie = dev->save;
		dev->save = NULL;
		return;
	}
	mc_sim_save_free(dev->save);
	dev->save = NULL;
}

void mc_sim_end_resume(struct mc_sim_dev *dev)
{
	mc_sim_resume_free(dev, dev->resume);
	dev->resume = NULL;
}

/*
 * Variant alloc_faults: the driver allocates a session here; an armed ALLOC_NTH fault
 * counts it and fails the N-th (-ENOMEM), ALLOC_COUNT counts it.
 */
static int alloc_point(struct mc_sim_dev *dev)
{
	if (dev->fault == MC_FAULT_ALLOC_COUNT)
		dev->alloc_seen++;
	if (dev->fault != MC_FAULT_ALLOC_NTH || --dev->alloc_left)
		return 0;
	dev->fault = MC_FAULT_NONE;
	return -ENOMEM;
}

static int start_save(struct mc_sim_dev *dev, bool final)
{
	struct mc_sim_save *s = alloc_point(dev) ? NULL : mc_sim_save_new(dev, final);

	if (!s)
		return -ENOMEM;
	mc_sim_end_save(dev);
	dev->save = s;
	return 0;
}

/*
 * The file every data fd number stands for: one eventfd per process, duplicated for
 * each session. A dup only takes a slot in the fd table, where a new eventfd allocated
 * a file and an inode; the sim's own table (dev->fds) tells the sessions apart.
 */
static int anon_file = -EBADF; /* the fd, or -errno of the eventfd() that failed */
static pthread_once_t anon_once = PTHREAD_ONCE_INIT;

static void anon_init(void)
{
	anon_file = eventfd(0, EFD_CLOEXEC);
	if (anon_file < 0)
		anon_file = -errno;
}

/* Reserve a real, unique fd number standing for a data file. */
static int fd_add(struct mc_sim_dev *dev, enum mc_sim_fd_kind kind, uint64_t sess)
{
	int fd;

	if (dev->nfds == dev->capfds) {
		size_t cap = dev->capfds ? 2 * dev->capfds : 8;
		struct mc_sim_fd *n = realloc(dev->fds, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		dev->fds = n;
		dev->capfds = cap;
	}
	pthread_once(&anon_once, anon_init);
	if (anon_file < 0)
		return anon_file;
	fd = fcntl(anon_file, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	dev->fds[dev->nfds++] = (struct mc_sim_fd){ .fd = fd, .kind = kind, .sess = sess };
	return fd;
}

/* ------------------------------------------------------------------ the driver */

/* An armed fault on arc @from -> @to fires once: EIO, and ERROR for ARC_ERROR. */
static int arc_fault(struct mc_sim_dev *dev, uint32_t from, uint32_t to)
{
	enum mc_fault_kind kind = dev->fault;

	if ((kind != MC_FAULT_ARC_FAIL && kind != MC_FAULT_ARC_ERROR) ||
	    dev->fault_arc != (from << 8 | to))
		return 0;
	dev->fault = MC_FAULT_NONE;
	if (kind == MC_FAULT_ARC_ERROR) {
		mc_sim_end_save(dev);
		mc_sim_end_resume(dev);
		dev->state = VFIO_DEVICE_STATE_ERROR;
	}
	return -EIO;
}

/*
 * Execute one base arc (SPEC §4.1). *@kind tells which session the arc opened and
 * whose fd the SET must return (0: none).
 */
static int sim_arc(struct mc_sim_dev *dev, uint32_t from, uint32_t to, enum mc_sim_fd_kind *kind)
{
	int ret = arc_fault(dev, from, to);

	*kind = 0;
	if (ret)
		return ret;
	if (MC_SIM_HAS(dev, PATH_DEPENDENT_ARC) && from == VFIO_DEVICE_STATE_STOP &&
	    (to == VFIO_DEVICE_STATE_RUNNING || to == VFIO_DEVICE_STATE_RUNNING_P2P) &&
	    dev->prev_state == VFIO_DEVICE_STATE_STOP_COPY)
		return -EIO;
	if (MC_SIM_HAS(dev, SLOW_STOP_COPY) && from == VFIO_DEVICE_STATE_STOP &&
	    to == VFIO_DEVICE_STATE_STOP_COPY)
		usleep(150000);
	if (mc_model_arc_starts_session(from, to) && to != VFIO_DEVICE_STATE_RESUMING) {
		ret = start_save(dev, to == VFIO_DEVICE_STATE_STOP_COPY);
		*kind = MC_SIM_FD_SAVE;
	} else if (to == VFIO_DEVICE_STATE_STOP_COPY) {
		/* From a pre-copy state: the session goes on (a new one if it was lost). */
		if (dev->save && !MC_SIM_HAS(dev, SECOND_FD_WHILE_HELD)) {
			dev->save->final = true;
		} else {
			ret = start_save(dev, true);
			*kind = MC_SIM_FD_SAVE;
		}
	} else if (from == VFIO_DEVICE_STATE_STOP && to == VFIO_DEVICE_STATE_RESUMING) {
		struct mc_sim_resume *r = alloc_point(dev) ? NULL : mc_sim_resume_new(dev);

		if (!r)
			return -ENOMEM;
		mc_sim_end_resume(dev);
		dev->resume = r;
		*kind = MC_SIM_HAS(dev, NO_FD_RESUMING) ? 0 : MC_SIM_FD_RESUME;
	} else if (from == VFIO_DEVICE_STATE_RESUMING && MC_SIM_HAS(dev, RESUME_ONLY_AT_STOP) &&
		   dev->set_target != VFIO_DEVICE_STATE_STOP && dev->resume) {
		mc_sim_end_resume(dev); /* defect: dropped unread */
	} else if (from == VFIO_DEVICE_STATE_RESUMING && dev->skip_load && dev->resume) {
		/* Defect reopen_skips_load: "already loaded", says a flag from the last open. */
		mc_sim_end_resume(dev);
	} else if (from == VFIO_DEVICE_STATE_RESUMING) {
		ret = dev->resume ? mc_sim_resume_apply(dev, dev->resume) : -EINVAL;
		if (!ret) {
			mc_sim_loaded_mark(dev->id);
			mc_sim_end_resume(dev);
		} else if (MC_SIM_IS(dev, ERROR_ON_BAD_RESUME)) {
			mc_sim_end_resume(dev);
			dev->state = VFIO_DEVICE_STATE_ERROR;
		}
	} else if (mc_model_saving(from) && !mc_model_saving(to)) {
		if (!MC_SIM_HAS(dev, SESSION_SURVIVES_STOP) || from != VFIO_DEVICE_STATE_STOP_COPY)
			mc_sim_end_save(dev);
	}
	if (!ret && to == VFIO_DEVICE_STATE_STOP_COPY)
		dev->stopcopy_thread = pthread_self();
	return ret;
}

/* Hand the caller an fd for the session the last arc opened (or a bogus one). */
static int set_fd(struct mc_sim_dev *dev, enum mc_sim_fd_kind kind, uint32_t last_to, int *fd)
{
	int ret;

	*fd = -1;
	if (kind == MC_SIM_FD_SAVE)
		*fd = fd_add(dev, kind, dev->save->id);
	else if (kind == MC_SIM_FD_RESUME)
		*fd = fd_add(dev, kind, dev->resume->id);
	else if (MC_SIM_HAS(dev, FD_ON_NONSESSION) && last_to == VFIO_DEVICE_STATE_RUNNING)
		*fd = fd_add(dev, MC_SIM_FD_SAVE, 0);
	if (*fd >= 0)
		return 0;
	ret = *fd;
	*fd = -1;
	/* Like a full fd table in the kernel: the transition has already happened. */
	return kind ? ret : 0;
}

/* migration_set_state(): walk to @target one helper step at a time. */
static int sim_set_state(struct mc_sim_dev *dev, uint32_t target, int *data_fd)
{
	enum mc_sim_fd_kind kind = 0;
	uint32_t start, cur, next;
	int narcs = 0, ret = 0;

	*data_fd = -1;
	if (dev->leaked)
		return -EBUSY; /* defect close_leaks_session: the old session holds the device */
	if (dev->state == VFIO_DEVICE_STATE_ERROR) {
		/* Like pds: never run the helper from ERROR (it would WARN). */
		if (!MC_SIM_HAS(dev, SET_IN_ERROR))
			return -EIO;
		dev->state = VFIO_DEVICE_STATE_RUNNING;
	}
	if (MC_SIM_HAS(dev, BAD_TARGET_MASKED) && target >= VFIO_DEVICE_STATE_NR)
		target &= 7;
	start = cur = dev->state;
	dev->set_target = target;
	if (MC_SIM_HAS(dev, STOPCOPY_TO_PRECOPY) && cur == VFIO_DEVICE_STATE_STOP_COPY &&
	    (target == VFIO_DEVICE_STATE_PRE_COPY || target == VFIO_DEVICE_STATE_PRE_COPY_P2P) &&
	    mc_model_supported(dev->flags, target)) {
		dev->state = cur = target;
		narcs = 1;
	} else if (MC_SIM_HAS(dev, SAME_STATE_NEW_FD) && cur == target && mc_model_saving(cur)) {
		ret = start_save(dev, cur == VFIO_DEVICE_STATE_STOP_COPY);
		if (ret)
			return ret;
		kind = MC_SIM_FD_SAVE;
	}
	while (cur != target) {
		ret = mc_model_next(dev->flags, cur, target, &next, NULL);
		if (ret)
			return ret;
		if (MC_SIM_HAS(dev, WRONG_NEXT_STEP) && next == target && narcs >= 1)
			break;
		ret = sim_arc(dev, cur, next, &kind);
		if (!ret && kind && next != target)
			ret = -EINVAL; /* an fd from an interior arc is a driver bug */
		if (ret)
			goto fail;
		dev->prev_state = cur;
		dev->state = cur = next;
		narcs++;
	}
	if (narcs && MC_SIM_HAS(dev, STALE_GET)) {
		dev->stale_pending = true;
		dev->stale_state = start;
	}
	ret = set_fd(dev, kind, narcs ? cur : VFIO_DEVICE_STATE_NR, data_fd);
	if (ret)
		*data_fd = -1;
	return ret;
fail:
	if (MC_SIM_HAS(dev, FAIL_OFF_PATH)) {
		mc_sim_end_save(dev);
		mc_sim_end_resume(dev);
		dev->state = VFIO_DEVICE_STATE_RUNNING;
	}
	return ret;
}

/* migration_get_state(). */
static uint32_t sim_get_state(struct mc_sim_dev *dev)
{
	if (dev->stale_pending) {
		dev->stale_pending = false;
		return dev->stale_state;
	}
	if (MC_SIM_HAS(dev, ASYNC_STATE) && dev->state == VFIO_DEVICE_STATE_STOP &&
	    ++dev->stop_gets % 3 == 0)
		dev->state = VFIO_DEVICE_STATE_RUNNING;
	return dev->state;
}

/* ------------------------------------------------------------------ the core */

int mc_sim_check_feature(uint32_t flags, size_t plen, uint32_t ops, size_t minsz)
{
	if (flags & (GET | SET) & ~ops)
		return -EINVAL;
	if (flags & PROBE)
		return 0;
	if (!(flags & (GET | SET)))
		return -EINVAL;
	if (plen < minsz)
		return -EINVAL;
	return 1;
}

static int feat_migration(struct mc_sim_dev *dev, uint32_t flags, uint8_t *payload, size_t plen,
			  size_t avail)
{
	struct vfio_device_feature_migration mig = { .flags = dev->flags };
	int ret = mc_sim_check_feature(flags, plen, GET, sizeof(mig));

	if (MC_SIM_HAS(dev, NO_STOP_COPY_FLAG))
		mig.flags &= ~(uint64_t)VFIO_MIGRATION_STOP_COPY;
	if (ret == 0 && MC_SIM_HAS(dev, PROBE_WRITES_PAYLOAD) && avail >= sizeof(mig))
		memcpy(payload, &mig, sizeof(mig));
	if (ret != 1)
		return ret;
	if (avail < sizeof(mig))
		return -EFAULT;
	memcpy(payload, &mig, sizeof(mig));
	return 0;
}

static int feat_mig_state(struct mc_sim_dev *dev, uint32_t flags, uint8_t *payload, size_t plen,
			  size_t avail)
{
	struct vfio_device_feature_mig_state mig;
	int ret = mc_sim_check_feature(flags, plen, GET | SET,
				       MC_SIM_HAS(dev, ARGSZ_UNCHECKED) ? 0 : sizeof(mig));
	int fd;

	if (ret != 1)
		return ret;
	if (avail < sizeof(mig))
		return -EFAULT;
	memcpy(&mig, payload, sizeof(mig));
	if (flags & GET) {
		mig.device_state = sim_get_state(dev);
		ret = 0;
		fd = -1;
	} else {
		/* Written back on failure too: device_state as given, data_fd -1. */
		ret = sim_set_state(dev, mig.device_state, &fd);
	}
	mig.data_fd = fd;
	memcpy(payload, &mig, sizeof(mig));
	return ret;
}

static int feat_data_size(struct mc_sim_dev *dev, uint32_t flags, uint8_t *payload, size_t plen,
			  size_t avail)
{
	struct vfio_device_feature_mig_data_size ds;
	int ret = mc_sim_check_feature(flags, plen, GET, sizeof(ds));

	if (ret != 1)
		return ret;
	if (MC_SIM_HAS(dev, DATA_SIZE_FAILS_RESUMING) && dev->state == VFIO_DEVICE_STATE_RESUMING)
		return -EIO;
	ds.stop_copy_length = MC_SIM_HAS(dev, DATA_SIZE_ZERO) ? 0 : mc_sim_stream_size(dev);
	if (MC_SIM_HAS(dev, DATA_SIZE_ZERO_RUNNING) && dev->state != VFIO_DEVICE_STATE_STOP_COPY)
		ds.stop_copy_length = 0;
	if (avail < sizeof(ds))
		return -EFAULT;
	memcpy(payload, &ds, sizeof(ds));
	return 0;
}

/*
 * The core's handler of MIG_PRECOPY_INFOv2 (Linux 7.1, SPEC §16.1): no mig_ops gate, a
 * device without PRE_COPY gets EINVAL even for PROBE, SET takes no payload and ignores
 * any. The opt-in lasts until the device is closed.
 */
static int feat_precopy_v2(struct mc_sim_dev *dev, uint32_t flags, size_t plen)
{
	int ret;

	if (!(dev->flags & VFIO_MIGRATION_PRE_COPY))
		return -EINVAL;
	if (MC_SIM_HAS(dev, V2_PROBE_FAILS) && (flags & PROBE))
		return -EINVAL;
	ret = mc_sim_check_feature(flags, plen, SET, 0);
	if (ret != 1)
		return ret;
	dev->precopy_v2 = true;
	return 0;
}

int mc_sim_feature(struct mc_sim_dev *dev, void *buf, size_t buflen)
{
	const uint32_t known = VFIO_DEVICE_FEATURE_MASK | GET | SET | PROBE;
	struct vfio_device_feature hdr;
	uint8_t *payload = (uint8_t *)buf + sizeof(hdr);
	size_t plen, avail;

	if (!buf || buflen < sizeof(hdr))
		return -EFAULT;
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.argsz < sizeof(hdr))
		return -EINVAL;
	if (hdr.flags & ~known)
		return -EINVAL;
	if ((hdr.flags & (GET | SET)) == (GET | SET) && !(hdr.flags & PROBE))
		return -EINVAL;
	plen = hdr.argsz - sizeof(hdr);
	avail = buflen - sizeof(hdr);

	switch (hdr.flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_MIGRATION:
		return feat_migration(dev, hdr.flags, payload, plen, avail);
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		return feat_mig_state(dev, hdr.flags, payload, plen, avail);
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
		return mc_sim_log_start(dev, hdr.flags, payload, plen, avail);
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP: return mc_sim_log_stop(dev, hdr.flags, plen);
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT:
		return mc_sim_log_report(dev, hdr.flags, payload, plen, avail);
	case VFIO_DEVICE_FEATURE_MIG_DATA_SIZE:
		return feat_data_size(dev, hdr.flags, payload, plen, avail);
	case VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2:
		if (!MC_SIM_IS(dev, PRECOPY_V1) && !MC_SIM_IS(dev, UNKNOWN_FEATURE_EINVAL))
			return feat_precopy_v2(dev, hdr.flags, plen);
		__attribute__((fallthrough));
	default:
		/* No device_feature op: ENOTTY since 6.18 and its stable backports (SPEC §16.2). */
		return MC_SIM_IS(dev, UNKNOWN_FEATURE_EINVAL) ? -EINVAL : -ENOTTY;
	}
}
