// SPDX-License-Identifier: GPL-2.0-only
/*
 * junit.xml for CI dashboards: one <testsuite> per clause group (FEAT, FSM, ...), named
 * with the device so two devices' reports merged on a dashboard stay apart, one <testcase>
 * per case named "<case> [<CLAUSE>]". Mapping in reports/README.md; the file validates
 * against Jenkins xUnit's junit-10.xsd (tests/junit-10.xsd, make outputs-check). Every
 * string goes through the XML escaper, so the file is well-formed whatever a device
 * put into a detail or oplog.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "escape.h"
#include "rep_scope.h"
#include "report.h"
#include "reporter.h"
#include "waiver.h"

#define NO_GROUP "UNCLASSIFIED" /* cases without a clause: a harness bug, kept visible */

struct tally {
	int tests, failures, errors, skipped;
	uint64_t us;
};

static const char *group_of(const struct mc_case_result *r)
{
	return r->clause && r->clause->group ? r->clause->group : NO_GROUP;
}

static bool counts_as_failure(const struct mc_case_result *r, bool strict)
{
	return !r->waiver && (r->status == MC_FAIL || (strict && r->status == MC_WARN));
}

static void add(struct tally *t, const struct mc_case_result *r, bool strict)
{
	t->tests++;
	t->us += r->duration_us;
	if (counts_as_failure(r, strict))
		t->failures++;
	else if (r->waiver)
		t->skipped++; /* a known deviation: never a pass, not a new failure */
	else if (r->status != MC_PASS && r->status != MC_WARN && r->status != MC_SKIP)
		t->errors++;
	else if (r->status == MC_SKIP)
		t->skipped++;
}

/* Seconds with microsecond precision, without going through the locale's printf %f. */
static void put_time(FILE *f, uint64_t us)
{
	fprintf(f, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

/* junit-10.xsd allows skipped= on a <testsuite> only: <testsuites> leaves it out. */
static void put_tally(FILE *f, const struct tally *t, bool skipped)
{
	fprintf(f, " tests=\"%d\" failures=\"%d\" errors=\"%d\"", t->tests, t->failures,
		t->errors);
	if (skipped)
		fprintf(f, " skipped=\"%d\"", t->skipped);
	fputs(" time=\"", f);
	put_time(f, t->us);
	putc('"', f);
}

static void property(FILE *f, const char *name, const char *value)
{
	fprintf(f, "      <property name=\"%s\" value=\"", name);
	mc_xml_attr(f, value ? value : "");
	fputs("\"/>\n", f);
}

/* The kernel's flavour, build, oracles and reports, when the report records them. */
static void put_kernel(FILE *f, const struct mc_report *rep)
{
	const struct mc_kinfo *ki = &rep->info.kernel;
	char names[256], num[24];

	if (!ki->recorded)
		return; /* a report from before they were recorded renders as it did */
	property(f, "kernel_flavour", ki->flavour);
	property(f, "kernel_build", ki->build);
	mc_kinfo_list(ki, MC_ORACLE_PRESENT, names, sizeof(names));
	property(f, "kernel_oracles", names);
	mc_kinfo_list(ki, MC_ORACLE_ABSENT, names, sizeof(names));
	property(f, "kernel_oracles_absent", names);
	mc_kinfo_list(ki, MC_ORACLE_UNKNOWN, names, sizeof(names));
	property(f, "kernel_oracles_unknown", names);
	snprintf(num, sizeof(num), "%d", rep->nkreports + rep->nkreports_omitted);
	property(f, "kernel_reports", rep->kreports_known ? num : "unknown");
}

static void put_properties(FILE *f, const struct mc_report *rep)
{
	const struct mc_run_info *in = &rep->info;
	struct mc_scope sc;
	char num[24];

	mc_report_scope(rep, &sc);
	fputs("    <properties>\n", f);
	property(f, "scope", sc.label);
	property(f, "claim", sc.claim);
	snprintf(num, sizeof(num), "%d", sc.cases_run);
	property(f, "cases_run", num);
	snprintf(num, sizeof(num), "%d", sc.cases_total);
	property(f, "cases_total", sc.cases_total ? num : "unknown");
	snprintf(num, sizeof(num), "%d", sc.cases_judged);
	property(f, "cases_judged", num);
	property(f, "device", in->device_spec);
	property(f, "driver", in->ident.driver);
	property(f, "kernel", in->kernel_release);
	put_kernel(f, rep);
	snprintf(num, sizeof(num), "%" PRIu64, in->mig_flags);
	property(f, "flags", in->flags_known ? num : "unknown");
	snprintf(num, sizeof(num), "%" PRIu64, in->seed);
	property(f, "seed", num);
	property(f, "strict", in->strict ? "true" : "false");
	property(f, "migcheck", in->tool_version);
	property(f, "commit", in->tool_commit);
	property(f, "clauses",
		 "docs/CLAUSES.md of this migcheck version, printed by migcheck clauses");
	fputs("    </properties>\n", f);
}

/* message="": the first line of the detail, which is what dashboards show. */
static void put_message(FILE *f, const char *detail)
{
	char first[MC_DETAIL_MAX];
	size_t n = strcspn(detail, "\n");

	if (n >= sizeof(first))
		n = sizeof(first) - 1;
	memcpy(first, detail, n);
	first[n] = '\0';
	fputs(" message=\"", f);
	mc_xml_attr(f, first);
	putc('"', f);
}

/* <failure>/<error> with the whole detail and the oplog as text. */
static void put_problem(FILE *f, const char *tag, const char *type, const struct mc_case_result *r)
{
	fprintf(f, "      <%s", tag);
	put_message(f, r->detail);
	fprintf(f, " type=\"%s\">", type);
	mc_xml_str(f, r->detail);
	if (r->oplog[0]) {
		fputs("\n\noplog:\n", f);
		mc_xml_str(f, r->oplog);
	}
	fprintf(f, "</%s>\n", tag);
}

/* A waived fail or warn: skipped with the waiver as message, the evidence as output. */
static void put_waived(FILE *f, const struct mc_case_result *r)
{
	char msg[MC_DETAIL_MAX + 600];

	snprintf(msg, sizeof(msg), "waived %s: %s; ref=%s", mc_status_name(r->status),
		 r->waiver->reason, r->waiver->ref);
	fputs("      <skipped", f);
	put_message(f, msg);
	fputs("/>\n      <system-out>waived ", f);
	fputs(mc_status_name(r->status), f);
	fputs(": ", f);
	mc_xml_str(f, r->detail);
	if (r->oplog[0]) {
		fputs("\n\noplog:\n", f);
		mc_xml_str(f, r->oplog);
	}
	fputs("</system-out>\n", f);
}

static void put_case(FILE *f, const struct mc_case_result *r, bool strict)
{
	const char *cl = r->clause ? r->clause->id : NULL;

	fputs("    <testcase classname=\"", f);
	mc_xml_attr(f, group_of(r));
	fputs("\" name=\"", f);
	mc_xml_attr(f, r->name[0] ? r->name : "unnamed");
	if (cl) {
		fputs(" [", f);
		mc_xml_attr(f, cl);
		putc(']', f);
	}
	fputs("\" time=\"", f);
	put_time(f, r->duration_us);
	fputs("\">\n", f);
	switch (r->waiver ? MC_NSTATUS : r->status) {
	case MC_NSTATUS: put_waived(f, r); break;
	case MC_FAIL: /* typed with the clause it is charged to (a setup step's) */
		put_problem(f, "failure", mc_case_charged(r) ? mc_case_charged(r)->id : "fail", r);
		break;
	case MC_WARN:
		if (strict) {
			put_problem(f, "failure", "warn", r);
			break;
		}
		fputs("      <system-out>warn: ", f);
		mc_xml_str(f, r->detail);
		fputs("</system-out>\n", f);
		break;
	case MC_SKIP:
		fputs("      <skipped", f);
		put_message(f, r->detail);
		fputs("/>\n", f);
		break;
	case MC_PASS:
		if (r->detail[0]) { /* INFO measurements */
			fputs("      <system-out>", f);
			mc_xml_str(f, r->detail);
			fputs("</system-out>\n", f);
		}
		break;
	case MC_ERROR:
	default: put_problem(f, "error", "error", r); break;
	}
	fputs("    </testcase>\n", f);
}

/* Has a group with this name already been written (it appears earlier)? */
static bool group_seen(const char *const *groups, int n, const char *g)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(groups[i], g))
			return true;
	return false;
}

static void put_suite(FILE *f, const struct mc_report *rep, const char *group)
{
	const char *spec = rep->info.device_spec ? rep->info.device_spec : "";
	struct tally t = { 0 };
	bool strict = rep->info.strict;

	for (int i = 0; i < rep->ncases; i++)
		if (!strcmp(group_of(&rep->cases[i]), group))
			add(&t, &rep->cases[i], strict);
	if (!t.tests)
		return;
	/* "FEAT (mdev:<uuid>)": dashboards merge suites by name across files. */
	fputs("  <testsuite name=\"", f);
	mc_xml_attr(f, group);
	if (spec[0]) {
		fputs(" (", f);
		mc_xml_attr(f, spec);
		putc(')', f);
	}
	fputs("\" package=\"", f);
	mc_xml_attr(f, spec);
	putc('"', f);
	put_tally(f, &t, true);
	fputs(" timestamp=\"", f);
	mc_xml_attr(f, rep->info.started);
	fputs("\" hostname=\"", f);
	mc_xml_attr(f, rep->info.hostname);
	fputs("\">\n", f);
	put_properties(f, rep);
	for (int i = 0; i < rep->ncases; i++)
		if (!strcmp(group_of(&rep->cases[i]), group))
			put_case(f, &rep->cases[i], strict);
	fputs("  </testsuite>\n", f);
}

int mc_junit_write(FILE *f, const struct mc_report *rep)
{
	int n = mc_clause_count(), ngroups = 0;
	const char **groups = calloc((size_t)(n + rep->ncases + 1), sizeof(*groups));
	struct tally all = { 0 };

	if (!groups)
		return -ENOMEM;
	/* Suites in clause-table order; groups only cases know (none, so far) after. */
	for (int i = 0; i < n; i++)
		if (!group_seen(groups, ngroups, mc_clauses[i].group))
			groups[ngroups++] = mc_clauses[i].group;
	for (int i = 0; i < rep->ncases; i++) {
		if (!group_seen(groups, ngroups, group_of(&rep->cases[i])))
			groups[ngroups++] = group_of(&rep->cases[i]);
		add(&all, &rep->cases[i], rep->info.strict);
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"migcheck\"", f);
	put_tally(f, &all, false);
	fputs(">\n", f);
	for (int i = 0; i < ngroups; i++)
		put_suite(f, rep, groups[i]);
	fputs("</testsuites>\n", f);
	free(groups);
	return ferror(f) ? -EIO : 0;
}

/* ---------------------------------------------------------------- reporter */

static int junit_begin(void **priv, const struct mc_run_info *info, int nplanned,
		       const char *outdir)
{
	(void)info;
	(void)nplanned;
	return mc_file_reporter_begin(priv, outdir, "junit.xml");
}

/* Suites group cases, so the file is written at end(). */
static int junit_end(void *priv, const struct mc_report *rep)
{
	return mc_file_reporter_end(priv, "junit.xml", mc_junit_write, rep);
}

const struct mc_reporter_ops mc_junit_reporter = {
	.name = "junit",
	.begin = junit_begin,
	.result = mc_file_reporter_result,
	.end = junit_end,
};
