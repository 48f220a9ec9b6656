// SPDX-License-Identifier: GPL-2.0-only
/*
 * --budget: the limits that turn TIME measurements (INFO) into verdicts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "runopts.h"

/* "50ms", "200us", "1s", "750000ns"; a bare number is milliseconds. */
static int parse_time(const char *s, uint64_t *ns)
{
	static const struct {
		const char *sfx;
		uint64_t mul;
	} units[] = {
		{ "ns", 1 },	     { "us", 1000 },  { "ms", 1000000 },
		{ "s", 1000000000 }, { "", 1000000 },
	};
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].sfx))
			continue;
		if (!v || v > UINT64_MAX / units[i].mul)
			return -EINVAL;
		*ns = v * units[i].mul;
		return 0;
	}
	return -EINVAL;
}

/* The base arcs (one-step model paths, as TIME-01 expands them) @from (-1: any) -> @to. */
static int arcs_into(uint64_t flags, int from, uint32_t to)
{
	uint32_t path[MC_MAX_PATH];
	int n = 0;

	for (uint32_t f = 1; f < MC_NSTATES; f++)
		n += (from < 0 || (uint32_t)from == f) && f != to && mc_model_supported(flags, f) &&
		     mc_model_supported(flags, to) && mc_model_path(flags, f, to, path) == 1;
	return n;
}

int mc_budget_check(const struct mc_budgets *b, uint64_t flags, char *err, size_t len)
{
	for (int i = 0; b && i < b->narcs; i++) {
		if (arcs_into(flags, b->arcs[i].from, b->arcs[i].to))
			continue;
		snprintf(err, len,
			 "--budget '%s': the device (migration flags %llu) has no such "
			 "arc, so the budget could never apply",
			 b->arcs[i].word, (unsigned long long)flags);
		return -EINVAL;
	}
	return 0;
}

int mc_budget_parse(const char *s, struct mc_budgets *b, char *err, size_t len)
{
	char buf[96], *colon, *arrow;
	uint64_t ns;
	int from = -1, to;

	if (!strncmp(s, "downtime=", 9)) {
		if (parse_time(s + 9, &ns))
			goto bad_time;
		b->downtime_ns = ns;
		return 0;
	}
	if (!strncmp(s, "datasize=", 9)) {
		char *end;
		double r;

		errno = 0;
		r = strtod(s + 9, &end);
		if (errno || *end || s[9] < '0' || s[9] > '9' || !(r >= 1.0) || r > 1e9) {
			snprintf(
				err, len,
				"--budget '%s': expected datasize=RATIO with RATIO >= 1 (e.g. 2 or 1.5)",
				s);
			return -EINVAL;
		}
		b->datasize_ratio = r;
		return 0;
	}
	if (strncmp(s, "arc=", 4) || strlen(s + 4) >= sizeof(buf)) {
		snprintf(
			err, len,
			"--budget '%s': expected arc=[FROM->]TO:TIME, downtime=TIME or datasize=RATIO",
			s);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", s + 4);
	colon = strrchr(buf, ':');
	if (!colon) {
		snprintf(err, len, "--budget '%s': no ':TIME' after the arc", s);
		return -EINVAL;
	}
	*colon = '\0';
	if (parse_time(colon + 1, &ns))
		goto bad_time;
	arrow = strstr(buf, "->");
	if (arrow) {
		*arrow = '\0';
		from = mc_state_parse(buf);
	}
	to = mc_state_parse(arrow ? arrow + 2 : buf);
	if (to <= 0 || (arrow && from <= 0)) {
		snprintf(
			err, len,
			"--budget '%s': unknown state (STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P)",
			s);
		return -EINVAL;
	}
	if (!arcs_into(1, from, (uint32_t)to) && !arcs_into(3, from, (uint32_t)to) &&
	    !arcs_into(5, from, (uint32_t)to) && !arcs_into(7, from, (uint32_t)to)) {
		snprintf(err, len,
			 "--budget '%s': %s%s%s is no arc of the state machine, so the "
			 "budget could never apply (TIME-01 times single base arcs)",
			 s, arrow ? mc_state_name((uint32_t)from) : "",
			 arrow ? "->" : "no arc into ", mc_state_name((uint32_t)to));
		return -EINVAL;
	}
	if (b->narcs == MC_BUDGET_ARCS) {
		snprintf(err, len, "--budget '%s': more than %d arc budgets", s, MC_BUDGET_ARCS);
		return -EINVAL;
	}
	b->arcs[b->narcs].from = from;
	b->arcs[b->narcs].to = (uint32_t)to;
	snprintf(b->arcs[b->narcs++].word, sizeof(b->arcs[0].word), "%s", s);
	for (int f = 1; f < MC_NSTATES; f++)
		if (from < 0 || f == from)
			b->arc_ns[f][to] = ns;
	return 0;
bad_time:
	snprintf(err, len, "--budget '%s': bad time (N followed by ns, us, ms or s)", s);
	return -EINVAL;
}
