// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pieces of report.html every section uses (rep_html.h): a case's shown status, the
 * coloured status pill and the id of a case's row that other sections link to. Below
 * the page (rep_html.c) and its sections (rep_html_data.c, rep_html_kernel.c) alike.
 */
#include <stdio.h>

#include "rep_html.h"
#include "report.h"

const char *mc_html_case_status(const struct mc_case_result *r)
{
	return r->waiver ? "waived" : mc_status_name(r->status);
}

void mc_html_badge(FILE *f, const char *st)
{
	fprintf(f, "<span class=\"badge b-%s\">%s</span>", st, st);
}

void mc_html_case_anchor(FILE *f, const struct mc_case_result *r)
{
	fputs("case-", f);
	A(r->name);
}
