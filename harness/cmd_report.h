/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The report commands of the CLI: report render, bundle, verify, diff. Each takes the
 * command's own arguments (argv[0] is the command name) and returns the exit code:
 * 0 success, 1 a regression (diff) or a rejected bundle (verify), 2 usage or input
 * errors with one line on stderr.
 */
#ifndef MC_CMD_REPORT_H
#define MC_CMD_REPORT_H

#include <stdbool.h>

int mc_cmd_report(int argc, char **argv);
int mc_cmd_bundle(int argc, char **argv);
int mc_cmd_verify(int argc, char **argv);
int mc_cmd_keygen(int argc, char **argv);
int mc_cmd_diff(int argc, char **argv);

struct mc_report;
struct mc_rfiles;
/*
 * mc_render_all: render @rep's report.html, junit.xml, report.ktap and, with @json,
 * report.json into @out with the extras of @fs (its kernel log, fuzz statistics).
 * 0 or -errno with one line on stderr.
 */
int mc_render_all(const struct mc_report *rep, const struct mc_rfiles *fs, const char *out,
		  bool json);

/* Usage lines of these commands, for the CLI's help. */
extern const char mc_cmd_report_usage[];

#endif /* MC_CMD_REPORT_H */
