// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migcheck command line: list, run, walk, cases, version. The only place that turns
 * results into exit codes: 0 no MUST failed, 1 a failure, 2 usage or harness error,
 * 4 everything skipped.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "atomic.h"
#include "clauses.h"
#include "cmd_report.h"
#include "cov.h"
#include "devlist.h"
#include "errname.h"
#include "expect.h"
#include "file.h"
#include "klog.h"
#include "fuzz.h"
#include "sim_defects.h"
#include "stream.h"
#include "term.h"
#include "mc_version.h"
#include "mutants.h"
#include "num.h"
#include "render.h"
#include "runner.h"
#include "waiver.h"

#define EXIT_USAGE 2

static void usage(FILE *f)
{
	fprintf(f,
		"usage: migcheck <command> [options]\n"
		"\n"
		"commands:\n"
		"  list                 VFIO devices found, with their migration flags\n"
		"  run                  run every case against a device and write reports\n"
		"  walk                 the arc matrix (every SET from every state) as a table\n"
		"  cases                list the case rows (validates --cases DIR)\n"
		"  expect check EXPECTED REPORT\n"
		"                       compare a report.json with an expected-verdict file: same\n"
		"                       device, same case set, same verdicts (exit 1 on a change)\n"
		"  expect write REPORT EXPECTED\n"
		"                       write the expected-verdict file of a complete run on\n"
		"                       a real device (refuses --only, --cases, stopped early,\n"
		"                       harness errors, the simulated device)\n"
		"  expect agree REPORT-A REPORT-B\n"
		"                       two runs of one device through two access paths (group and\n"
		"                       cdev): same device, clause and case verdicts, the access\n"
		"                       path ignored (exit 1 on a difference)\n"
		"  clauses [--markdown] the clauses migcheck certifies: ID, level, requirement, by\n"
		"                       group (--markdown: docs/CLAUSES.md as the project ships it)\n"
		"  defects              the simulated device's injectable defects and their clauses,\n"
		"                       and its conforming variants\n"
		"  mutants [--jobs N] [--flags F] [--json FILE]\n"
		"                       the case set against every defect and conforming variant:\n"
		"                       kill matrix; exit 1 unless all caught and no false alarm\n"
		"  replay FILE|DIR...   replay fuzz inputs against a device (replay --help)\n"
		"  klog [FILE]          the kernel-log lines of FILE (default stdin) that ROB-01\n"
		"                       counts as reports (WARN, BUG, KASAN, ...); exit 1 if any\n"
		"%s"
		"  version              the version and the commit it was built from (also\n"
		"                       --version, -V)\n"
		"  help [COMMAND]       this text, or COMMAND's usage (also COMMAND --help, -h)\n"
		"\n"
		"options for run and walk:\n"
		"  --device SPEC        sim[:flags=N][:defect=NAME][:id=N][:mem=BYTES], mdev:<uuid>,\n"
		"                       pci:<bdf> or /dev/vfio/devices/vfioN; default: the single\n"
		"                       VFIO device with migration, if there is exactly one\n"
		"  --peer SPEC          second device: streams for RESUMING are saved from it\n"
		"  --foreign SPEC       a device of another type whose stream must be refused\n"
		"                       (RES-04; derived automatically for sim devices)\n"
		"  --io rw|uring        move stream data with read/write (default) or io_uring\n"
		"  --budget B           arc=[FROM->]TO:TIME, downtime=TIME (TIME: N[ns|us|ms|s]) or\n"
		"                       datasize=RATIO; an INFO measurement over budget fails; repeatable\n"
		"  --destructive        allow ROB-03 to remove the device (mdev/pci) at the end\n"
		"  --dirty LIST         R@OFF=HEX,... region writes that change the source before\n"
		"                       its reference stream is saved (RES-02; sim: built in)\n"
		"  --state-regions LIST R@OFF+LEN,... ranges safe to read that hold device state;\n"
		"                       RES-02 also compares them between source and destination\n"
		"  --nondeterministic   the device's streams differ run to run: RES-02 compares\n"
		"                       --state-regions only\n"
		"  --out DIR            report directory (default reports/<device>-<time>/)\n"
		"  --only LIST          comma list of clause IDs (FSM-01), groups (FSM) or case names\n"
		"  --profile LIST       the VMM sequences (VMM clauses) to run: qemu,\n"
		"                       cloud-hypervisor, all (default) or none; the rows of the\n"
		"                       others are skipped with the reason\n"
		"  --strict             SHOULD violations (warn) count as failures\n"
		"  --seed N             seed for randomised choices (default 1)\n"
		"  --timeout MS         per case (default 60000)\n"
		"  --op-timeout MS      per device operation (default 10000)\n"
		"  --cases DIR          load *.cases from DIR instead of the built-in set\n"
		"  --waivers FILE       known deviations (CLAUSE reason ref=URL per line): their\n"
		"                       fail/warn show as waived and do not fail the run\n"
		"  --stream-limit BYTES largest reference stream kept (default 256M, at most 1t)\n"
		"  --quiet              no KTAP on stdout\n"
		"  --no-fork            run cases in-process (debugging: no timeouts)\n"
		"  --no-kcov            no driver coverage on a KCOV kernel (also MC_KCOV=0;\n"
		"                       MC_KCOV_MODULES=a,b names the driver's modules)\n"
		"\n"
		"exit: 0 no MUST clause failed, 1 a clause failed, 2 usage or harness error,\n"
		"      4 every case was skipped, 128+N interrupted by signal N (reports kept)\n",
		mc_cmd_report_usage);
	fputs(mc_cmd_coverage_usage, f);
}

/*
 * `migcheck CMD --help`: CMD's blocks of the usage text (a block is a line indented by two
 * spaces whose first word is CMD, and the deeper-indented lines after it), so a command's
 * help cannot differ from what `migcheck --help` says of it; run and walk add their options
 * and the exit codes. Returns 0, or 2 when the usage text has no block for @cmd.
 */
static int cmd_usage(const char *cmd, FILE *out)
{
	bool run = !strcmp(cmd, "run") || !strcmp(cmd, "walk"), in = false, tail = false;
	size_t len = strlen(cmd), n = 0;
	char *text = NULL, *line, *save = NULL;
	FILE *mem = open_memstream(&text, &n);
	int found = 0;

	if (!mem)
		return EXIT_USAGE;
	usage(mem);
	if (fclose(mem)) {
		free(text);
		return EXIT_USAGE;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "options for run", 15))
			tail = run;
		if (line[0] == ' ' && line[1] == ' ' && line[2] != ' ')
			in = !strncmp(line + 2, cmd, len) &&
			     (!line[2 + len] || line[2 + len] == ' ');
		else if (line[0] != ' ')
			in = false;
		if (in || tail) {
			if (!found)
				fputs("usage:\n", out);
			fprintf(out, "%s%s\n", tail && line[0] != ' ' ? "\n" : "", line);
			found++;
		}
	}
	free(text);
	return found ? 0 : EXIT_USAGE;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/*
 * `migcheck CMD [ARG...] --help`, `CMD -h` and `help CMD`: CMD's usage on stdout, exit 0, before
 * CMD reads any argument (klog would open a file named --help). replay's options are the
 * fuzz replayer's, which says them itself.
 */
static int cmd_help(char *cmd)
{
	char help[] = "--help";

	if (!strcmp(cmd, "replay"))
		return mc_fuzz_replay_main(2, (char *[]){ cmd, help, NULL }, NULL);
	if (!cmd_usage(cmd, stdout))
		return 0;
	mc_term_printf(stderr, "migcheck: unknown command '%s' (try migcheck help)\n", cmd);
	return EXIT_USAGE;
}

/* The largest --stream-limit: the reference stream is kept in a shared mapping. */
#define STREAM_LIMIT_MAX (1ull << 40)

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	uint64_t v;
	int rc = mc_num_parse(s, 0, 0, max, &v);

	if (!rc)
		*out = v;
	return rc;
}

/* Pick the single VFIO device with migration, or say why not. */
static int autodetect(char *spec, size_t len)
{
	struct mc_devlist_entry *e = NULL;
	char err[512];
	int n = 0, found = 0, rc;

	rc = mc_devlist_scan(&e, &n, err, sizeof(err));
	if (rc) {
		fprintf(stderr,
			"migcheck: no --device given and scanning for VFIO devices failed: "
			"%s\n",
			err);
		return rc;
	}
	for (int i = 0; i < n; i++) {
		if (!e[i].open_err && (e[i].mig_flags & VFIO_MIGRATION_STOP_COPY)) {
			if (!found++)
				snprintf(spec, len, "%s", e[i].spec);
		}
	}
	mc_devlist_free(e, n);
	if (found == 1)
		return 0;
	fprintf(stderr,
		"migcheck: no --device given and %s VFIO devices with migration "
		"support were found; name one with --device (or try --device sim)\n",
		found ? "several" : "no");
	return -ENODEV;
}

static const char *short_state(uint32_t s)
{
	static const char *const names[MC_NSTATES] = {
		"ERR", "STOP", "RUN", "SC", "RES", "P2P", "PRE", "PREP2P",
	};

	return s < MC_NSTATES ? names[s] : "?";
}

static void print_matrix(const struct mc_report *rep)
{
	uint64_t flags = rep->info.mig_flags & 7;
	int mismatches = 0;

	printf("device %s  flags %#llx\n", rep->info.device_spec,
	       (unsigned long long)rep->info.mig_flags);
	printf("row = current state, column = SET target; ok / ok+fd / errno, @STATE when GET\n"
	       "then reports another state; '!' marks a cell that differs from the model\n"
	       "(the model's answer in brackets)\n\n");
	printf("%-13s", "from \\ to");
	for (uint32_t t = 0; t < MC_NSTATES; t++)
		printf(" %-16s", mc_state_name(t));
	printf("\n");
	for (uint32_t f = 1; f < MC_NSTATES; f++) {
		if (!mc_model_supported(flags, f))
			continue;
		printf("%-13s", mc_state_name(f));
		for (uint32_t t = 0; t < MC_NSTATES; t++) {
			const struct mc_arc_cell *c = &rep->matrix[f][t];
			char cell[48], exp[24];

			if (c->verdict == MC_CELL_UNTESTED || c->verdict == MC_CELL_ERROR) {
				snprintf(cell, sizeof(cell), "%s", c->verdict ? "error" : "-");
			} else {
				/* "@STATE" when GET did not report what the model expects. */
				snprintf(cell, sizeof(cell), "%s%s%s%s%s",
					 c->verdict == MC_CELL_MISMATCH ? "!" : "",
					 c->obs_err ? mc_errno_name(c->obs_err) : "ok",
					 !c->obs_err && c->obs_fd ? "+fd" : "",
					 c->obs_state != (c->exp_err ? f : t) ? "@" : "",
					 c->obs_state != (c->exp_err ? f : t) ?
						 short_state(c->obs_state) :
						 "");
				if (c->verdict == MC_CELL_MISMATCH) {
					snprintf(exp, sizeof(exp), "[%s%s]",
						 c->exp_err ? mc_errno_name(c->exp_err) : "ok",
						 !c->exp_err && c->exp_fd ? "+fd" : "");
					strncat(cell, exp, sizeof(cell) - strlen(cell) - 1);
					mismatches++;
				}
			}
			printf(" %-16s", cell);
		}
		printf("\n");
	}
	printf("\n%d cell(s) differ from the model\n", mismatches);
}

static int cmd_list(void)
{
	struct mc_devlist_entry *e = NULL;
	char err[512];
	int n = 0, rc = mc_devlist_scan(&e, &n, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "migcheck: %s\n", err);
		return EXIT_USAGE;
	}
	if (!n)
		printf("no VFIO devices found (try: migcheck run --device sim)\n");
	for (int i = 0; i < n; i++) {
		if (e[i].open_err)
			printf("%-44s %-12s %-10s group %-4d  %s\n", e[i].spec, e[i].driver,
			       e[i].type, e[i].group, e[i].error);
		else
			printf("%-44s %-12s %-10s group %-4d  migration flags %#llx\n", e[i].spec,
			       e[i].driver, e[i].type, e[i].group,
			       (unsigned long long)e[i].mig_flags);
	}
	mc_devlist_free(e, n);
	return 0;
}

static int cmd_cases(const char *dir)
{
	struct mc_caseset cs = { 0 };
	char err[1024];
	int rc = dir ? mc_cases_load_dir(dir, &cs, err, sizeof(err)) :
		       mc_cases_load_builtin(&cs, err, sizeof(err));

	if (rc) {
		mc_term_printf(stderr, "migcheck: %s\n", err);
		return EXIT_USAGE;
	}
	for (int i = 0; i < cs.n; i++)
		printf("%-28s %-8s %-5s %s\n", cs.cases[i].name, cs.cases[i].clause->id,
		       mc_level_name(cs.cases[i].clause->level), cs.cases[i].description);
	mc_cases_free(&cs);
	return 0;
}

/* "sim:flags=7" -> "sim-flags-7" for a directory name. */
static void sanitize(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		out[i] = (in[i] == '/' || in[i] == ':' || in[i] == '=' || in[i] == ' ') ? '-' :
											  in[i];
	out[i] = '\0';
}

/*
 * Where the reports of a run that got to its cases went, whatever its end: on stdout with
 * --quiet (the one line a script reads), on stderr beside the KTAP on stdout (which stays
 * KTAP alone). A run stopped before its cases has said why in its one line on stderr.
 */
static void where(const struct mc_run_opts *o, const struct mc_report *rep, int code)
{
	FILE *f = o->quiet ? stdout : stderr;

	if (!rep || !rep->ncases)
		return;
	if (rep->published)
		fprintf(f, "migcheck: %s: exit %d, reports in %s\n", o->device, code, o->out);
	else
		fprintf(f, "migcheck: %s: exit %d, no reports written\n", o->device, code);
}

/* SIGINT, SIGTERM, SIGHUP: stop the run, keep what ran (mc_run() returns 128 + sig). */
static void on_signal(int sig)
{
	mc_run_interrupt(sig);
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int cmd_run(int argc, char **argv, bool walk)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "peer", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "only", required_argument, NULL, 'O' },
		{ "strict", no_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "op-timeout", required_argument, NULL, 'T' },
		{ "cases", required_argument, NULL, 'c' },
		{ "stream-limit", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-fork", no_argument, NULL, 'F' },
		{ "no-kcov", no_argument, NULL, 'K' },
		{ "foreign", required_argument, NULL, 'f' },
		{ "budget", required_argument, NULL, 'B' },
		{ "io", required_argument, NULL, 'I' },
		{ "destructive", no_argument, NULL, 'D' },
		{ "dirty", required_argument, NULL, 'y' },
		{ "state-regions", required_argument, NULL, 'R' },
		{ "nondeterministic", no_argument, NULL, 'N' },
		{ "waivers", required_argument, NULL, 'W' },
		{ "profile", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mc_run_opts o = {
		.seed = 1,
		.timeout_ms = 60000,
		.op_timeout_ms = 10000,
		.stream_limit = 256u << 20,
	};
	char spec[256], outdir[512], cmdline[1024] = "", err[512];
	struct mc_report *rep = NULL;
	static struct mc_budgets budgets;
	static struct mc_regaccs dirty, state_regions;
	static struct mc_waivers waivers;
	unsigned long long v;
	uint64_t v64;
	struct mc_devspec ds;
	int opt, code;

	for (int i = 0; i < argc; i++)
		snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), "%s%s",
			 i ? " " : "migcheck ", argv[i]);
	o.cmdline = cmdline;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd': o.device = optarg; break;
		case 'p': o.peer = optarg; break;
		case 'o': o.out = optarg; break;
		case 'O': o.only = optarg; break;
		case 's': o.strict = true; break;
		case 'c': o.cases_dir = optarg; break;
		case 'q': o.quiet = true; break;
		case 'F': o.no_fork = true; break;
		case 'K': o.no_kcov = true; break;
		case 'f': o.foreign = optarg; break;
		case 'D': o.destructive = true; break;
		case 'N': o.nondet = true; break;
		case 'P': {
			unsigned on;

			if (mc_profile_parse(optarg, &on, err, sizeof(err))) {
				fprintf(stderr, "migcheck: %s\n", err);
				return EXIT_USAGE;
			}
			o.profiles_off = MC_PROFILES_ALL & ~on;
			break;
		}
		case 'W':
			if (mc_waivers_load(optarg, &waivers, err, sizeof(err)) ||
			    mc_waivers_validate(&waivers, err, sizeof(err))) {
				mc_term_printf(stderr, "migcheck: %s\n", err);
				return EXIT_USAGE;
			}
			o.waivers = &waivers;
			break;
		case 'y':
		case 'R':
			if (mc_regacc_parse(optarg, opt == 'y',
					    opt == 'y' ? &dirty : &state_regions, err,
					    sizeof(err))) {
				fprintf(stderr, "migcheck: %s\n", err);
				return EXIT_USAGE;
			}
			*(opt == 'y' ? &o.dirty : &o.state_regions) = opt == 'y' ? &dirty :
										   &state_regions;
			break;
		case 'B':
			if (mc_budget_parse(optarg, &budgets, err, sizeof(err))) {
				fprintf(stderr, "migcheck: %s\n", err);
				return EXIT_USAGE;
			}
			o.budgets = &budgets;
			break;
		case 'I':
			if (!strcmp(optarg, "rw"))
				o.io = MC_IO_RW;
			else if (!strcmp(optarg, "uring"))
				o.io = MC_IO_URING;
			else
				goto bad_value;
			break;
		case 'S':
			if (parse_uint(optarg, UINT64_MAX, &v))
				goto bad_value;
			o.seed = v;
			break;
		case 't':
		case 'T':
			if (parse_uint(optarg, 86400000, &v) || !v)
				goto bad_value;
			*(opt == 't' ? &o.timeout_ms : &o.op_timeout_ms) = (unsigned)v;
			break;
		case 'L':
			if (mc_num_parse(optarg, MC_NUM_SIZE, 1, STREAM_LIMIT_MAX, &v64))
				goto bad_value;
			o.stream_limit = (size_t)v64;
			break;
		case 'h': return cmd_usage(walk ? "walk" : "run", stdout);
		default: cmd_usage(walk ? "walk" : "run", stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "migcheck: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (o.nondet && !o.state_regions) {
		fprintf(stderr,
			"migcheck: --nondeterministic needs --state-regions (what RES-02 compares instead)\n");
		return EXIT_USAGE;
	}
	if (!o.device) {
		if (autodetect(spec, sizeof(spec)))
			return EXIT_USAGE;
		o.device = spec;
	}
	if (mc_devspec_parse(o.device, &ds, err, sizeof(err)) ||
	    (o.peer && mc_devspec_parse(o.peer, &ds, err, sizeof(err))) ||
	    (o.foreign && mc_devspec_parse(o.foreign, &ds, err, sizeof(err)))) {
		fprintf(stderr, "migcheck: %s\n", err);
		return EXIT_USAGE;
	}
	if (walk) {
		o.only = "fsm.pair";
		o.quiet = true;
		o.out = NULL;
	} else {
		if (!o.out) {
			char clean[128], stamp[32];
			time_t t = time(NULL);

			sanitize(o.device, clean, sizeof(clean));
			strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&t));
			snprintf(outdir, sizeof(outdir), "reports/%s-%s", clean, stamp);
			o.out = outdir;
		}
	}
	catch_signals();
	code = mc_run(&o, &rep);
	if (walk && rep && rep->have_matrix)
		print_matrix(rep);
	else if (!walk)
		where(&o, rep, code);
	mc_report_free(rep);
	return code;

bad_value:
	fprintf(stderr, "migcheck: invalid value '%s' for --%s\n", optarg,
		opt == 'S' ? "seed (0 to 2^64-1)" :
		opt == 't' ? "timeout (milliseconds, 1 to 86400000)" :
		opt == 'T' ? "op-timeout (milliseconds, 1 to 86400000)" :
		opt == 'I' ? "io (rw or uring)" :
			     "stream-limit (bytes, 1 to 1t; suffixes k, m, g, t)");
	return EXIT_USAGE;
}

static int load_json(const char *path, struct mc_json_doc **doc)
{
	struct mc_json_error je;

	if (!mc_json_parse_file(path, NULL, doc, &je))
		return 0;
	if (je.line)
		mc_term_printf(stderr, "migcheck: %s:%u:%u: %s\n", path, je.line, je.col, je.msg);
	else
		mc_term_printf(stderr, "migcheck: %s: %s\n", path, je.msg);
	return -1;
}

static int cmd_expect(int argc, char **argv)
{
	struct mc_json_doc *a = NULL, *b = NULL;
	char err[512], dir[4096], tmp[4200];
	const char *name;
	int rc = EXIT_USAGE;
	FILE *f;

	if (argc != 4 ||
	    (strcmp(argv[1], "check") && strcmp(argv[1], "write") && strcmp(argv[1], "agree"))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (load_json(argv[2], &a))
		goto out;
	if (strcmp(argv[1], "write")) {
		bool agree = !strcmp(argv[1], "agree");

		if (load_json(argv[3], &b))
			goto out;
		int n = agree ? mc_expect_agree(mc_json_root(a), mc_json_root(b), stdout, err,
						sizeof(err)) :
				mc_expect_check(mc_json_root(a), mc_json_root(b), stdout, err,
						sizeof(err));

		if (n < 0)
			mc_term_printf(stderr, "migcheck: %s\n", err);
		else if (!agree)
			printf("%s: %d difference(s) from %s\n", argv[3], n, argv[2]);
		rc = n < 0 ? EXIT_USAGE : n ? 1 : 0;
		goto out;
	}
	mc_path_split(argv[3], dir, sizeof(dir), &name);
	f = mc_atomic_open(dir, name, tmp, sizeof(tmp));
	if (!f) {
		fprintf(stderr, "migcheck: %s: %s\n", argv[3], strerror(errno));
		goto out;
	}
	if (mc_expect_write(f, mc_json_root(a), err, sizeof(err))) {
		mc_atomic_abort(f, tmp);
		mc_term_printf(stderr, "migcheck: %s: %s\n", argv[2], err);
		goto out;
	}
	rc = mc_atomic_commit(f, tmp, dir, name) ? EXIT_USAGE : 0;
	if (rc)
		fprintf(stderr, "migcheck: %s: cannot write\n", argv[3]);
out:
	mc_json_free(a);
	mc_json_free(b);
	return rc;
}

/* migcheck klog [FILE]: the report lines of a kernel log, judged as ROB-01 judges them. */
static int cmd_klog(int argc, char **argv)
{
	bool named = argc == 2 && strcmp(argv[1], "-");
	FILE *f = named ? mc_file_fopen(argv[1]) : stdin;
	int found;

	if (argc > 2) {
		fprintf(stderr, "usage: migcheck klog [FILE]\n");
		return EXIT_USAGE;
	}
	if (!f) {
		fprintf(stderr, "migcheck: %s: %s\n", argv[1], mc_file_strerror(-errno));
		return EXIT_USAGE;
	}
	found = mc_klog_filter(f, stdout);
	if (found < 0)
		fprintf(stderr, "migcheck: %s: %s\n", named ? argv[1] : "stdin", strerror(-found));
	if (named)
		fclose(f);
	return found < 0 ? EXIT_USAGE : found > 0;
}

/* migcheck mutants [--jobs N] [--flags F] [--json FILE] [--cases DIR] */
static int cmd_mutants(int argc, char **argv)
{
	struct mc_mutants_opts mo = { .flags = 7, .jobs = 2 };
	unsigned long long v;
	int rc;

	for (int i = 1; i < argc; i += 2) { /* options come in pairs */
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			goto usage;
		if (!strcmp(a, "--jobs") && !parse_uint(val, 16, &v) && v)
			mo.jobs = (int)v;
		else if (!strcmp(a, "--flags") && !parse_uint(val, 7, &v) &&
			 mc_model_flags_valid(v))
			mo.flags = (int)v;
		else if (!strcmp(a, "--json"))
			mo.json = val;
		else if (!strcmp(a, "--cases"))
			mo.cases_dir = val;
		else
			goto usage;
	}
	rc = mc_mutants(&mo);
	if (rc < 0) {
		fprintf(stderr, "migcheck: mutants: %s\n", strerror(-rc));
		return EXIT_USAGE;
	}
	return rc;
usage:
	fprintf(stderr,
		"usage: migcheck mutants [--jobs 1..16] [--flags 1|3|5|7] [--json FILE] [--cases DIR]\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	/* CMD's help wherever it is asked for among CMD's arguments, as getopt's tools do. */
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (is_help(argv[i]))
			return cmd_help(argv[1]);
	if (argc == 3 && (is_help(cmd) || !strcmp(cmd, "help")))
		return cmd_help(argv[2]);
	if (!cmd || is_help(cmd) || !strcmp(cmd, "help")) {
		usage(cmd ? stdout : stderr);
		return cmd ? 0 : EXIT_USAGE;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("migcheck %s (%s)\n", MC_VERSION, MC_COMMIT);
		return 0;
	}
	if (!strcmp(cmd, "list"))
		return argc == 2 ? cmd_list() : (usage(stderr), EXIT_USAGE);
	if (!strcmp(cmd, "cases")) {
		if (argc == 2)
			return cmd_cases(NULL);
		if (argc == 4 && !strcmp(argv[2], "--cases"))
			return cmd_cases(argv[3]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "clauses")) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "--markdown"))) {
			fprintf(stderr, "usage: migcheck clauses [--markdown]\n");
			return EXIT_USAGE;
		}
		mc_clauses_print(stdout, argc == 3);
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "migcheck: writing the clause list: %s\n", strerror(errno));
			return 2;
		}
		return 0;
	}
	if (!strcmp(cmd, "defects") && argc == 2) {
		int n;
		const struct mc_sim_defect *d = mc_sim_defects(&n);

		for (int i = 0; i < n; i++)
			printf("%-28s %-16s %s\n", d[i].name, d[i].clauses, d[i].description);
		d = mc_sim_variants(&n);
		printf("\n# conforming variants (sim:variant=NAME): no fail or warn allowed\n");
		for (int i = 0; i < n; i++)
			printf("%-28s %s%s%s\n", d[i].name, d[i].description,
			       d[i].run_opts[0] ? "; run with " : "", d[i].run_opts);
		return 0;
	}
	if (!strcmp(cmd, "mutants"))
		return cmd_mutants(argc - 1, argv + 1);
	if (!strcmp(cmd, "klog"))
		return cmd_klog(argc - 1, argv + 1);
	if (!strcmp(cmd, "expect"))
		return cmd_expect(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return mc_cmd_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "bundle"))
		return mc_cmd_bundle(argc - 1, argv + 1);
	if (!strcmp(cmd, "verify"))
		return mc_cmd_verify(argc - 1, argv + 1);
	if (!strcmp(cmd, "keygen"))
		return mc_cmd_keygen(argc - 1, argv + 1);
	if (!strcmp(cmd, "diff"))
		return mc_cmd_diff(argc - 1, argv + 1);
	if (!strcmp(cmd, "coverage"))
		return mc_cmd_coverage(argc - 1, argv + 1);
	if (!strcmp(cmd, "replay"))
		return mc_fuzz_replay_main(argc - 1, argv + 1, NULL);
	if (!strcmp(cmd, "run") || !strcmp(cmd, "walk"))
		return cmd_run(argc - 1, argv + 1, !strcmp(cmd, "walk"));
	fprintf(stderr, "migcheck: unknown command '%s' (try migcheck help)\n", cmd);
	return EXIT_USAGE;
}
