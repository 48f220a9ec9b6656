/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The report commands of the CLI: report render, bundle, verify, diff. Each takes the
 * command's own arguments (argv[0] is the command name) and returns the exit code:
 * 0 success, 1 a regression (diff) or a rejected bundle (verify), 2 usage or input
 * errors with one line on stderr.
 */
#ifndef MC_CMD_REPORT_H
#define MC_CMD_REPORT_H

int mc_cmd_report(int argc, char **argv);
int mc_cmd_bundle(int argc, char **argv);
int mc_cmd_verify(int argc, char **argv);
int mc_cmd_keygen(int argc, char **argv);
int mc_cmd_diff(int argc, char **argv);

/* Usage lines of these commands, for the CLI's help. */
extern const char mc_cmd_report_usage[];

#endif /* MC_CMD_REPORT_H */
