// SPDX-License-Identifier: GPL-2.0-only
/*
 * The clause table: every requirement migcheck certifies with its stable ID, group and
 * level, in our own words. IDs are never renumbered or reused; a retired clause stays
 * here with its text prefixed "(retired)". `migcheck clauses` prints it, and
 * `migcheck clauses --markdown` makes docs/CLAUSES.md from it (make clauses-check).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "clauses.h"

static const char *const level_names[] = {
	[MC_MUST] = "must",
	[MC_SHOULD] = "should",
	[MC_INFO] = "info",
};

const char *mc_level_name(enum mc_level lv)
{
	return (unsigned)lv <= MC_INFO ? level_names[lv] : "unknown";
}

int mc_level_parse(const char *name)
{
	for (int i = 0; name && i <= MC_INFO; i++)
		if (!strcmp(name, level_names[i]))
			return i;
	return -1;
}

const struct mc_clause_group mc_clause_groups[] = {
	{ "FEAT", "Discovery and the feature ioctl" },
	{ "FSM", "The state machine" },
	{ "SAVE", "Save side of the data fd" },
	{ "RES", "Resume side of the data fd" },
	{ "PRE", "PRE_COPY" },
	{ "ERR", "ERROR state and reset" },
	{ "LOG", "DMA dirty logging" },
	{ "TIME", "Latency and downtime" },
	{ "VMM", "What the VMMs rely on" },
	{ "ROB", "Robustness of the whole run" },
	{ "REG", "Regressions of driver bug classes fixed upstream" },
	{ "CONC", "Concurrency" },
	{ NULL, NULL },
};

#define C(grp, num, lvl, txt)                                              \
	{                                                                  \
		.id = grp "-" num, .group = grp, .level = lvl, .text = txt \
	}

const struct mc_clause mc_clauses[] = {
	/* FEAT: discovery and the feature ioctl */
	C("FEAT", "01", MC_MUST,
	  "Reading the MIGRATION feature works, reports STOP_COPY, and the flag set is "
	  "1, 3, 5 or 7."),
	C("FEAT", "02", MC_MUST,
	  "Probing features 1 and 2 returns 0 and leaves the payload alone; trying to SET "
	  "feature 1 yields EINVAL."),
	C("FEAT", "03", MC_MUST,
	  "Ill-formed feature requests get EINVAL: too small an argsz, any of flag bits "
	  "19-31, GET combined with SET outside a probe, or neither GET nor SET."),
	C("FEAT", "04", MC_SHOULD,
	  "Reading MIG_DATA_SIZE works in each state the device supports."),

	/* FSM: the state machine */
	C("FSM", "01", MC_MUST,
	  "For each ordered pair of supported states, SET works if and only if the model "
	  "knows a path between them, and a GET afterwards returns the target."),
	C("FSM", "02", MC_MUST,
	  "A SET hands back a data fd only when the final arc walked opens a session "
	  "(RUNNING->PRE_COPY, RUNNING_P2P->PRE_COPY_P2P, STOP->STOP_COPY, STOP->RESUMING); "
	  "any other SET reports data_fd -1."),
	C("FSM", "03", MC_MUST,
	  "Requesting ERROR, an optional state the device lacks, or any value of 8 and "
	  "above fails with EINVAL without moving the device."),
	C("FSM", "04", MC_MUST,
	  "STOP_COPY cannot go back to PRE_COPY or PRE_COPY_P2P: EINVAL, and both the state "
	  "and the running session stay as they were."),
	C("FSM", "05", MC_MUST,
	  "Asking for the state the device is already in succeeds, yields no fd and does "
	  "not disturb an open session."),
	C("FSM", "06", MC_MUST,
	  "A successful SET is complete on return: GET keeps reporting the target, even "
	  "after waiting, and the device never moves on its own."),
	C("FSM", "07", MC_MUST,
	  "When a SET fails, GET reports the starting state, some state on the path that "
	  "SET would have walked, or ERROR, and nothing else."),
	C("FSM", "08", MC_MUST,
	  "Moves within the saving group (PRE_COPY <-> PRE_COPY_P2P, on to STOP_COPY) hand "
	  "back no new fd; the existing fd carries on with the same single stream."),
	C("FSM", "09", MC_MUST,
	  "Each arc gives the same result no matter which predecessor state the device "
	  "came from (all predecessors crossed with all arcs)."),

	/* SAVE: the save side of the data fd */
	C("SAVE", "01", MC_MUST,
	  "In STOP_COPY the stream finishes with read() returning 0, keeps returning 0 "
	  "afterwards, and read() never reports ENOMSG there."),
	C("SAVE", "02", MC_MUST,
	  "How the stream is read (single bytes, odd lengths, pages, one big buffer) does "
	  "not matter: the results are identical for a deterministic device, or each "
	  "one resumes."),
	C("SAVE", "03", MC_MUST,
	  "After a save session is over (the device left the saving group, was reset or "
	  "closed), its fd yields no more data: read() errors or returns 0."),
	C("SAVE", "04", MC_MUST,
	  "The save fd behaves as a stream: lseek and pread give ESPIPE and write gives "
	  "EBADF."),
	C("SAVE", "05", MC_INFO,
	  "How MIG_DATA_SIZE compares with the number of bytes really read in STOP_COPY "
	  "(reported as a ratio)."),

	/* RES: the resume side */
	C("RES", "01", MC_MUST,
	  "A good stream is accepted however it is cut into writes: whole, byte by byte, "
	  "random pieces, every split point near the first 64 bytes, page size +-1, "
	  "writev; only the byte order counts."),
	C("RES", "02", MC_MUST,
	  "The resumed device matches its source: saving it again gives the same stream "
	  "(deterministic device) or one the device's declared oracle deems equivalent."),
	C("RES", "03", MC_MUST,
	  "RESUMING->STOP must fail unless the bytes the device accepted, in order, form "
	  "one complete valid stream; truncated, empty or gapped (a failed write in the "
	  "middle) input is refused."),
	C("RES", "04", MC_MUST,
	  "Streams the device rejected, and streams taken from an incompatible device, "
	  "never lead to a successful RESUMING->STOP."),
	C("RES", "05", MC_MUST,
	  "No stream content can crash, hang or taint the kernel; afterwards GET works, "
	  "reset brings RUNNING and a clean migration succeeds. An accepted stream leaves "
	  "the device usable through its regions without kernel errors."),
	C("RES", "06", MC_MUST,
	  "After a resume session is over, writes to its fd fail. The resume fd behaves "
	  "as a stream: lseek gives ESPIPE and read gives EBADF."),

	/* PRE: PRE_COPY */
	C("PRE", "01", MC_SHOULD,
	  "VFIO_MIG_GET_PRECOPY_INFO works in PRE_COPY and PRE_COPY_P2P and gives EINVAL "
	  "in all other states."),
	C("PRE", "02", MC_MUST,
	  "While the session is read, initial_bytes only goes down or stays, except in an "
	  "answer carrying REINIT after the MIG_PRECOPY_INFOv2 opt-in (PRE-09); dirty_bytes "
	  "begins at 0."),
	C("PRE", "03", MC_SHOULD,
	  "When pre-copy data runs out for now, read() reports ENOMSG instead of "
	  "returning 0."),
	C("PRE", "04", MC_MUST,
	  "The pre-copy bytes and the STOP_COPY bytes read from one fd together make a "
	  "single stream that resumes."),
	C("PRE", "05", MC_MUST,
	  "Any device that advertises PRE_COPY implements VFIO_MIG_GET_PRECOPY_INFO, "
	  "rejecting an argsz under 24 with EINVAL."),
	C("PRE", "06", MC_MUST,
	  "Where the kernel has feature 12 (MIG_PRECOPY_INFOv2, Linux 7.1), a device that "
	  "advertises PRE_COPY answers its PROBE with 0 and a SET, with or without a payload "
	  "(which is ignored), with 0; a device without PRE_COPY gets EINVAL, PROBE included."),
	C("PRE", "07", MC_MUST,
	  "After the MIG_PRECOPY_INFOv2 opt-in, PRECOPY_INFO returns flags 0 whatever the "
	  "caller put there, or REINIT (bit 0) alone; no other bit is ever set."),
	C("PRE", "08", MC_MUST,
	  "Without the opt-in, PRECOPY_INFO never reports REINIT: flags come back as the "
	  "caller sent them (the echo of 6.12 drivers) or 0. Which of the two is recorded."),
	C("PRE", "09", MC_MUST,
	  "An answer carrying REINIT has dirty_bytes 0; the new initial data can then be read "
	  "in full, initial_bytes only going down until the next REINIT, and the stream read "
	  "across the REINIT still resumes."),
	C("PRE", "10", MC_SHOULD,
	  "The MIG_PRECOPY_INFOv2 opt-in ends when the device is closed: after a reopen "
	  "PRECOPY_INFO treats flags as it did before the opt-in. The uAPI text does not say "
	  "so; the 7.1 core clears the opt-in at the device's last close."),

	/* ERR: ERROR and reset */
	C("ERR", "01", MC_MUST,
	  "VFIO_DEVICE_RESET brings every reachable state back to RUNNING and closes any "
	  "session in progress (its fds then obey SAVE-03 / RES-06)."),
	C("ERR", "02", MC_MUST,
	  "In ERROR, every SET is refused and GET reports ERROR until a reset."),
	C("ERR", "03", MC_MUST,
	  "Whatever SET failed, the device can be recovered: reset yields RUNNING and a "
	  "full migration succeeds afterwards."),
	C("ERR", "04", MC_MUST,
	  "Resetting during RESUMING leaves RUNNING, kills the old fd, and a fresh "
	  "session works."),

	/* LOG: device DMA dirty logging */
	C("LOG", "01", MC_MUST,
	  "START with well-formed ranges succeeds and returns a page size; STOP succeeds; "
	  "REPORT over a started range succeeds."),
	C("LOG", "02", MC_MUST,
	  "START rejects an empty range list (EINVAL), more ranges than allowed (E2BIG), "
	  "misaligned or overlapping ranges (EINVAL) and ranges that wrap (EOVERFLOW)."),
	C("LOG", "03", MC_SHOULD,
	  "REPORT before any START fails, and so does a second START without a STOP in "
	  "between."),
	C("LOG", "04", MC_MUST,
	  "REPORT with a page size under 4096 or not a power of two gives EINVAL."),

	/* TIME: latency and downtime */
	C("TIME", "01", MC_INFO,
	  "Latency of each arc: number of samples, median, 99th percentile and maximum."),
	C("TIME", "02", MC_INFO,
	  "Stop-copy downtime, from SET STOP_COPY until end of stream, plus the "
	  "destination's RESUMING->STOP; bytes moved and throughput."),

	/* VMM: the sequences QEMU and Cloud Hypervisor really issue (--profile) */
	C("VMM", "01", MC_MUST,
	  "QEMU's save works: MIG_DATA_SIZE is above 0 before STOP_COPY; in PRE_COPY, "
	  "PRECOPY_INFO works at once and initial_bytes falls by exactly the bytes read "
	  "down to 0; a repeated SET STOP_COPY gives no fd and keeps the session; the "
	  "STOP_COPY reads never fail and end in 0; the stream resumes."),
	C("VMM", "02", MC_MUST,
	  "QEMU's load works: RUNNING->RESUMING in one SET, the stream written in pieces cut "
	  "by QEMU's 32 KiB file buffer, the fd closed while still RESUMING, then "
	  "(RUNNING_P2P->) RUNNING: the device carries the source's state."),
	C("VMM", "03", MC_MUST,
	  "After a SET of QEMU's fails, QEMU's recovery (a SET to its recover state, else "
	  "a reset that gives RUNNING) leaves the device where QEMU believes it is, and the "
	  "next migration works; no SET returns a data fd while one is held."),
	C("VMM", "04", MC_MUST,
	  "QEMU 10's multifd transfer works: the save read by a thread other than the one "
	  "that entered STOP_COPY, with no failed read; the load written by another thread; "
	  "two devices migrating in parallel."),
	C("VMM", "05", MC_MUST,
	  "Cloud Hypervisor's snapshot (RUNNING->STOP->STOP_COPY, read to the end, STOP) "
	  "and restore (RUNNING->RESUMING, write, RESUMING->RUNNING in one SET) carry the "
	  "device's state."),

	/* ROB: robustness of the whole run */
	C("ROB", "01", MC_MUST,
	  "The kernel log, where readable, shows no report (WARN, BUG, Oops, KASAN, KFENCE, "
	  "UBSAN, lockdep, kmemleak, sleep in atomic context, hung task, slab debug) from the "
	  "device's first open to the end of the run."),
	C("ROB", "02", MC_MUST,
	  "Closing the device fd while sessions are open and opening it again gives a "
	  "device that works (after a reset)."),
	C("ROB", "03", MC_MUST,
	  "(destructive, opt-in) A data fd that outlives its device (device fd closed, "
	  "device removed) fails cleanly and leaves the kernel undisturbed."),

	/* REG: regressions of driver bug classes fixed upstream since 6.12 */
	C("REG", "01", MC_MUST,
	  "Migrating into the same destination again and again, its device fd closed and "
	  "reopened between migrations, loads every stream: after each RESUMING->STOP the "
	  "destination holds that migration's source state (by --state-regions, else by "
	  "saving it again), never one left from before."),
	C("REG", "02", MC_MUST,
	  "RESET with a stream half moved (save fd partly read in PRE_COPY or STOP_COPY, "
	  "resume fd partly written), or from another thread during a read or write loop, "
	  "returns 0 and leaves RUNNING; a read or write begun after it moves no data, and a "
	  "full migration works afterwards."),
	C("REG", "03", MC_MUST,
	  "Resume writes whose count nears INT_MAX (after the stream, in its middle, from a "
	  "partly unmapped buffer) or that run on past the declared data size return at most "
	  "their count or an error and never crash or hang; RESUMING->STOP refuses what is "
	  "not one valid stream; after RESET a full migration works."),
	C("REG", "04", MC_MUST,
	  "DMA logging START, REPORT and STOP repeated many times each keep returning what "
	  "they returned the first time: no resource runs out."),

	/* CONC: concurrency, from threads of one process */
	C("CONC", "01", MC_MUST,
	  "A SET that ends a session while another thread reads its save fd or writes its "
	  "resume fd returns; GET then reports what the SET's result says (its target, or "
	  "after a failure a state FSM-07 allows), and a read or write begun after the SET "
	  "returned moves no data."),
	C("CONC", "02", MC_MUST,
	  "RESET racing a SET from another thread: both return (no deadlock), RESET returns "
	  "0, the device ends in RUNNING or (only if the SET succeeded) the SET's target, a "
	  "session fd it handed out is dead when it ended in RUNNING, and a full migration "
	  "works afterwards."),
	C("CONC", "03", MC_MUST,
	  "Two threads reading one save fd together get the stream once: no read returns "
	  "more than asked, the pieces add up to the single-reader stream's length and (for a "
	  "deterministic device) interleave into its bytes, and both then see end of stream."),

	{ .id = NULL },
};

#undef C

int mc_clause_count(void)
{
	int n = 0;

	while (mc_clauses[n].id)
		n++;
	return n;
}

const struct mc_clause *mc_clause_find(const char *id)
{
	if (!id)
		return NULL;
	for (const struct mc_clause *c = mc_clauses; c->id; c++)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

const char *mc_clause_group_title(const char *group)
{
	for (const struct mc_clause_group *g = mc_clause_groups; g->group; g++)
		if (!strcmp(g->group, group))
			return g->title;
	return group;
}

/* @s with Markdown's table and emphasis characters escaped. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("|*_`<>[]\\", *s))
			fputc('\\', f);
		fputc(*s, f);
	}
}

void mc_clauses_print(FILE *f, bool markdown)
{
	if (!markdown) {
		for (const struct mc_clause_group *g = mc_clause_groups; g->group; g++) {
			fprintf(f, "%s%s: %s\n", g == mc_clause_groups ? "" : "\n", g->group,
				g->title);
			for (const struct mc_clause *c = mc_clauses; c->id; c++)
				if (!strcmp(c->group, g->group))
					fprintf(f, "  %-8s %-6s %s\n", c->id,
						mc_level_name(c->level), c->text);
		}
		return;
	}
	fputs("<!-- Generated by `migcheck clauses --markdown` from harness/clauses.c: edit that\n"
	      "     file, then `make clauses-doc`. `make clauses-check` (in `make check`) fails when\n"
	      "     this file is not what the binary prints. -->\n"
	      "# migcheck's conformance clauses\n\n"
	      "What migcheck certifies about a device's VFIO migration protocol v2 (Linux's\n"
	      "`include/uapi/linux/vfio.h`). Every case names exactly one clause, and every report\n"
	      "gives a verdict per clause. IDs are stable: a clause is never renumbered, and a\n"
	      "retired one keeps its ID, marked \"(retired)\", which is never reused.\n\n"
	      "Levels:\n"
	      "- **MUST**: a violation is `fail`.\n"
	      "- **SHOULD**: a violation is `warn`; it counts against the device only under `--strict`.\n"
	      "- **INFO**: measured and reported, no verdict, unless a `--budget` is set for it:\n"
	      "  then `fail` when the budget is exceeded.\n\n"
	      "A clause whose precondition the device lacks (a flag it does not advertise, a feature\n"
	      "whose PROBE fails) is `skip`, with the reason. A case the harness itself could not\n"
	      "carry out (its setup failed, a timeout in harness code) is `error`, never `fail`.\n",
	      f);
	for (const struct mc_clause_group *g = mc_clause_groups; g->group; g++) {
		fprintf(f, "\n## %s: %s\n\n| ID | Level | Requirement |\n|---|---|---|\n", g->group,
			g->title);
		for (const struct mc_clause *c = mc_clauses; c->id; c++) {
			if (strcmp(c->group, g->group))
				continue;
			fprintf(f, "| %s | ", c->id);
			for (const char *l = mc_level_name(c->level); *l; l++)
				fputc(toupper((unsigned char)*l), f);
			fputs(" | ", f);
			md_text(f, c->text);
			fputs(" |\n", f);
		}
	}
}
