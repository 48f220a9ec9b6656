// SPDX-License-Identifier: GPL-2.0-only
/*
 * What `migcheck verify` prints (verify_priv.h): one line at a time, escaped as a whole
 * since its strings come from the bundle, and mismatches counted even when quiet. Both
 * halves of verify, the archive (verify.c) and the evidence (verify_evidence.c), use it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "term.h"
#include "verify_priv.h"

__attribute__((format(printf, 3, 0))) static void vsay(struct mc_vf *v, const char *prefix,
						       const char *fmt, va_list ap)
{
	fputs(prefix, v->out);
	mc_term_vprintf(v->out, fmt, ap);
	fputc('\n', v->out);
}

void mc_vf_say(struct mc_vf *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(v, "", fmt, ap);
	va_end(ap);
}

void mc_vf_mismatch(struct mc_vf *v, const char *fmt, ...)
{
	va_list ap;

	v->bad++;
	if (v->quiet)
		return;
	va_start(ap, fmt);
	vsay(v, "MISMATCH: ", fmt, ap);
	va_end(ap);
}
