// SPDX-License-Identifier: GPL-2.0-only
/*
 * `migcheck mutants`: the harness judged by the bugs it catches and the false alarms it
 * does not raise. The whole case set runs against the simulated device with every
 * injectable defect, and with every conforming variant; the result is a kill matrix
 * (defect x clause) and two numbers: defects caught by their intended clause, and
 * false alarms (any fail or warn) on the conforming variants.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic.h"
#include "clauses.h"
#include "mutants.h"
#include "report.h"
#include "runner.h"
#include "sim_defects.h"

/* Clauses a matrix can show; mc_mutants refuses to run with more than this. */
#define MAX_CLAUSES 128

/* What one run left behind, passed from the worker over a pipe. */
struct outcome {
	int code; /* mc_run's exit code */
	int nclauses;
	char status[MAX_CLAUSES]; /* 'F' fail, 'W' warn, 'E' error, '.' pass, ' ' skip */
	char first_bad[320];	  /* the first non-passing case, for the listing */
};

struct job {
	const char *name;
	const char *clauses;  /* defect: intended clauses; variant: "" */
	const char *run_opts; /* variant: the run options it needs; defect: "" */
	bool variant;
	char spec[160];
	struct outcome out;
};

int mc_mutant_budgets(struct mc_budgets *b)
{
	static const char *const words[] = { "arc=STOP_COPY:100ms", "downtime=120ms",
					     "datasize=2" };
	char err[128];
	int rc = 0;

	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]) && !rc; i++)
		rc = mc_budget_parse(words[i], b, err, sizeof(err));
	return rc;
}

static void run_job(struct job *j, const struct mc_mutants_opts *mo)
{
	struct mc_regaccs regions;
	struct mc_budgets b;
	struct mc_run_opts o = {
		.device = j->spec,
		.quiet = true,
		.seed = 1,
		.timeout_ms = 60000,
		.op_timeout_ms = 3000,
		.stream_limit = 256u << 20,
		.destructive = true,
		.budgets = &b,
		.cases_dir = mo->cases_dir,
	};
	struct mc_report *rep = NULL;
	const char *sr;
	char err[256];

	mc_mutant_budgets(&b);
	if (strstr(j->run_opts, "--nondeterministic"))
		o.nondet = true;
	sr = strstr(j->run_opts, "--state-regions ");
	if (sr &&
	    !mc_regacc_parse(sr + strlen("--state-regions "), false, &regions, err, sizeof(err)))
		o.state_regions = &regions;
	memset(&j->out, 0, sizeof(j->out));
	j->out.code = mc_run(&o, &rep);
	if (!rep)
		return;
	for (int i = 0; i < rep->nclauses && i < MAX_CLAUSES; i++) {
		static const char mark[] = {
			[MC_PASS] = '.', [MC_FAIL] = 'F', [MC_WARN] = 'W', [MC_SKIP] = ' ', [MC_ERROR] = 'E'
		};

		j->out.status[i] = mark[rep->clauses[i].status];
		j->out.nclauses = i + 1;
	}
	for (int i = 0; i < rep->ncases; i++)
		if (rep->cases[i].status == MC_FAIL || rep->cases[i].status == MC_WARN ||
		    rep->cases[i].status == MC_ERROR) {
			snprintf(j->out.first_bad, sizeof(j->out.first_bad), "%.120s %s: %.100s",
				 rep->cases[i].name, mc_status_name(rep->cases[i].status),
				 rep->cases[i].detail);
			break;
		}
	mc_report_free(rep);
}

/* Run every job, @jobs at a time, each in its own process. */
static int run_all(struct job *jobs, int n, const struct mc_mutants_opts *mo)
{
	struct {
		pid_t pid;
		int fd;
		int idx;
	} slot[16];
	int next = 0, busy = 0, nslots = mo->jobs < 1 ? 1 : mo->jobs > 16 ? 16 : mo->jobs;

	for (int i = 0; i < nslots; i++)
		slot[i].pid = 0;
	while (next < n || busy) {
		for (int i = 0; i < nslots && next < n; i++) {
			int p[2];

			if (slot[i].pid)
				continue;
			if (pipe(p))
				return -errno;
			slot[i].pid = fork();
			if (slot[i].pid < 0)
				return -errno;
			if (!slot[i].pid) {
				close(p[0]);
				run_job(&jobs[next], mo);
				if (write(p[1], &jobs[next].out, sizeof(jobs[next].out)) < 0)
					_exit(3);
				_exit(0);
			}
			close(p[1]);
			slot[i].fd = p[0];
			slot[i].idx = next++;
			busy++;
		}
		{
			int st;
			pid_t pid = wait(&st);

			for (int i = 0; i < nslots && pid > 0; i++) {
				struct job *j;

				if (slot[i].pid != pid)
					continue;
				j = &jobs[slot[i].idx];
				if (read(slot[i].fd, &j->out, sizeof(j->out)) != sizeof(j->out)) {
					memset(&j->out, 0, sizeof(j->out));
					j->out.code = -1;
					snprintf(j->out.first_bad, sizeof(j->out.first_bad),
						 "the run's process died (status 0x%x)", st);
				}
				close(slot[i].fd);
				slot[i].pid = 0;
				busy--;
			}
		}
	}
	return 0;
}

/* Whether the defect's first clause (the intended one) failed, or warned if SHOULD. */
static bool caught(const struct job *j, const struct mc_clause *const *cl, int ncl)
{
	char first[16];

	snprintf(first, sizeof(first), "%.*s", (int)strcspn(j->clauses, ","), j->clauses);
	for (int i = 0; i < ncl && i < j->out.nclauses; i++)
		if (!strcmp(cl[i]->id, first))
			return j->out.status[i] == (cl[i]->level == MC_SHOULD ? 'W' : 'F');
	return false;
}

static bool false_alarm(const struct job *j)
{
	if (j->out.code != 0 || !j->out.nclauses)
		return true;
	for (int i = 0; i < j->out.nclauses; i++)
		if (j->out.status[i] == 'F' || j->out.status[i] == 'W' || j->out.status[i] == 'E')
			return true;
	return false;
}

static void print_matrix(FILE *f, const struct job *jobs, int n, const struct mc_clause *const *cl,
			 int ncl)
{
	/* Column headers: the clause IDs written downwards, 7 rows. */
	for (int row = 0; row < 7; row++) {
		fprintf(f, "%-30s", row == 6 ? "defect / variant" : "");
		for (int i = 0; i < ncl; i++)
			fputc(row < (int)strlen(cl[i]->id) ? cl[i]->id[row] : ' ', f);
		fputc('\n', f);
	}
	for (int k = 0; k < n; k++) {
		const struct job *j = &jobs[k];

		fprintf(f, "%-30.30s", j->name);
		for (int i = 0; i < ncl; i++) {
			char c = i < j->out.nclauses ? j->out.status[i] : '?';
			bool intended = !j->variant && strstr(j->clauses, cl[i]->id);

			/* Intended clauses show as upper case, others' hits in lower case. */
			if (!intended && (c == 'F' || c == 'W'))
				c = (char)(c | 0x20);
			fputc(c, f);
		}
		if (j->variant)
			fprintf(f, "  %s\n", false_alarm(j) ? "FALSE ALARM" : "clean");
		else
			fprintf(f, "  %s\n", caught(j, cl, ncl) ? "caught" : "MISSED");
	}
}

/*
 * --json FILE, written atomically: 0, or -errno (a full disk, no room for the file) with
 * one line on stderr naming the file; the previous FILE, if any, is then left as it was.
 */
static int write_json(const struct mc_mutants_opts *mo, const struct job *jobs, int nd, int nv,
		      const struct mc_clause *const *cl, int ncl, int missed, int alarms)
{
	char dir[4096], tmp[4352];
	const char *name;
	FILE *jf;

	mc_path_split(mo->json, dir, sizeof(dir), &name);
	jf = mc_atomic_open(dir, name, tmp, sizeof(tmp));
	if (!jf)
		return -errno;
	fprintf(jf,
		"{\"flags\": %d, \"defects\": %d, \"caught\": %d, \"variants\": %d, \"false_alarms\": %d, \"rows\": [",
		mo->flags, nd, nd - missed, nv, alarms);
	for (int i = 0; i < nd + nv; i++) {
		const struct job *j = &jobs[i];

		fprintf(jf,
			"%s\n  {\"name\": \"%s\", \"kind\": \"%s\", \"intended\": \"%s\", \"ok\": %s, \"clauses\": {",
			i ? "," : "", j->name, j->variant ? "variant" : "defect", j->clauses,
			j->variant ? (false_alarm(j) ? "false" : "true") :
				     (caught(j, cl, ncl) ? "true" : "false"));
		for (int k = 0, first = 1; k < j->out.nclauses && k < ncl; k++) {
			char c = j->out.status[k];

			if (c != 'F' && c != 'W' && c != 'E')
				continue;
			fprintf(jf, "%s\"%s\": \"%s\"", first ? "" : ", ", cl[k]->id,
				c == 'F' ? "fail" :
				c == 'W' ? "warn" :
					   "error");
			first = 0;
		}
		fprintf(jf, "}}");
	}
	fprintf(jf, "\n]}\n");
	return mc_atomic_commit(jf, tmp, dir, name);
}

int mc_mutants(const struct mc_mutants_opts *mo)
{
	const struct mc_sim_defect *d, *v;
	const struct mc_clause *cl[MAX_CLAUSES];
	int nd, nv, ncl = 0, missed = 0, alarms = 0, n, rc;
	struct job *jobs;

	d = mc_sim_defects(&nd);
	v = mc_sim_variants(&nv);
	n = mc_clause_count();
	if (n > MAX_CLAUSES) {
		fprintf(stderr, "migcheck mutants: %d clauses, the matrix holds %d\n", n,
			MAX_CLAUSES);
		return -E2BIG;
	}
	for (; ncl < n; ncl++)
		cl[ncl] = &mc_clauses[ncl];
	jobs = calloc((size_t)(nd + nv), sizeof(*jobs));
	if (!jobs)
		return -ENOMEM;
	for (int i = 0; i < nd; i++) {
		jobs[i] = (struct job){ .name = d[i].name,
					.clauses = d[i].clauses,
					.run_opts = d[i].run_opts };
		snprintf(jobs[i].spec, sizeof(jobs[i].spec), "sim:flags=%d:defect=%s", mo->flags,
			 d[i].name);
	}
	for (int i = 0; i < nv; i++) {
		struct job *j = &jobs[nd + i];

		*j = (struct job){ .name = v[i].name,
				   .clauses = v[i].clauses,
				   .run_opts = v[i].run_opts,
				   .variant = true };
		snprintf(j->spec, sizeof(j->spec), "sim:flags=%d:variant=%s", mo->flags, v[i].name);
	}
	if (run_all(jobs, nd + nv, mo)) {
		free(jobs);
		return -EIO;
	}
	printf("kill matrix: F/W fail/warn on an intended clause, f/w on another, . pass, "
	       "blank skip, E error\n\n");
	print_matrix(stdout, jobs, nd + nv, cl, ncl);
	printf("\n");
	for (int i = 0; i < nd + nv; i++) {
		const struct job *j = &jobs[i];

		if (!j->variant && !caught(j, cl, ncl)) {
			missed++;
			printf("MISSED %s (intended %s): %s\n", j->name, j->clauses,
			       j->out.first_bad[0] ? j->out.first_bad : "every case passed");
		} else if (j->variant && false_alarm(j)) {
			alarms++;
			printf("FALSE ALARM %s (exit %d): %s\n", j->name, j->out.code,
			       j->out.first_bad);
		}
	}
	printf("defects caught by their intended clause: %d/%d\n", nd - missed, nd);
	printf("false alarms on conforming variants: %d (of %d variants)\n", alarms, nv);
	rc = mo->json ? write_json(mo, jobs, nd, nv, cl, ncl, missed, alarms) : 0;
	free(jobs);
	return rc ? rc : missed || alarms ? 1 : 0;
}
