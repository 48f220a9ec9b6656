/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Symbolic names of errno values and signals, both ways (errname.c): "EINVAL" for a
 * device's -EINVAL in a case's detail, "ENOTTY" as a case file's expected answer,
 * "SIGINT" for an interrupted run in report.json. The lowest layer: even the device
 * layer (dev.c) names errors with it.
 */
#ifndef MC_ERRNAME_H
#define MC_ERRNAME_H

/*
 * Symbolic name of an errno value, sign ignored: "EINVAL" for EINVAL or -EINVAL, "0"
 * for 0, kernel-internal values that leak to user space ("ENOTSUPP" for 524), or
 * "E<n>" (thread-local buffer, valid until the next call) for anything unknown.
 */
const char *mc_errno_name(int err);
/* Inverse of mc_errno_name(): an errno name ("EINVAL") or "ok" (0); -1 when unknown. */
int mc_errno_parse(const char *name);

/* "SIGINT" for SIGINT, "SIG<n>" for a signal without a name; mc_signal_parse() inverts. */
const char *mc_signal_name(int sig);
int mc_signal_parse(const char *name);

#endif /* MC_ERRNAME_H */
