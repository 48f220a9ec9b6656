// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.html's Kernel section: the kernel the run ran on (release, flavour, the rig's
 * build label, config), the kernel-log oracles it has and lacks, and every kernel report
 * of the run with the case (linked to its row) or the phase it was charged to.
 */
#include <stdlib.h>
#include <string.h>

#include "rep_html.h"
#include "report.h"

static void row(FILE *f, const char *k, const char *v, const char *none)
{
	fprintf(f, "<tr><th>%s</th><td>", k);
	if (v && v[0])
		H(v);
	else
		fprintf(f, "<span class=\"muted\">%s</span>", none);
	fputs("</td></tr>", f);
}

static void info(FILE *f, const struct mc_run_info *in)
{
	const struct mc_kinfo *ki = &in->kernel;

	fputs("<div class=\"tscroll\"><table class=\"kv\" id=\"kernel-info\">", f);
	row(f, "Release", in->kernel_release, "not recorded");
	if (ki->recorded) {
		fprintf(f, "<tr><th>Flavour</th><td id=\"kernel-flavour\" data-flavour=\"%s\">",
			ki->flavour);
		mc_html_badge(f, ki->flavour);
		fprintf(f, " <span class=\"muted\">%s</span></td></tr>",
			!strcmp(ki->flavour, "unknown") ?
				"the kernel's config was not read, so nothing is claimed" :
				"from its config: debug when any of CONFIG_KASAN, CONFIG_UBSAN, "
				"CONFIG_PROVE_LOCKING, CONFIG_DEBUG_KMEMLEAK, CONFIG_DEBUG_ATOMIC_SLEEP is on");
		row(f, "Build", ki->build, "no label (not run by the rig)");
	}
	row(f, "Config SHA-256", in->kernel_config, "not recorded");
	row(f, "Config source", in->kernel_config_src, "not recorded");
	if (ki->recorded)
		row(f, "Boot options (oracles)", ki->boot_options, "none that bear on the oracles");
	fputs("</table></div>", f);
}

static void oracles(FILE *f, const struct mc_kinfo *ki)
{
	static const enum mc_oracle_state order[] = {
		MC_ORACLE_PRESENT,
		MC_ORACLE_ABSENT,
		MC_ORACLE_UNKNOWN,
	};
	static const char *const label[] = { "Present", "Absent", "Not known" };
	char names[256];
	int shown = 0;

	if (!ki->recorded) {
		fputs("<p id=\"kernel-unrecorded\" class=\"muted\">This report predates the record "
		      "of the kernel's flavour and oracles: they are not known.</p>",
		      f);
		return;
	}
	fputs("<h3>Kernel-log oracles</h3><p id=\"oracle-summary\">", f);
	for (int i = 0; i < 3; i++) {
		if (!mc_kinfo_list(ki, order[i], names, sizeof(names)) && i)
			continue; /* "Present: none" is always said */
		fprintf(f, "%s%s: <b>", shown++ ? ". " : "", label[i]);
		H(names[0] ? names : "none");
		fputs("</b>", f);
	}
	fputs(".</p><div class=\"tscroll\"><table id=\"oracle-table\"><thead><tr><th>Oracle</th><th>State</th>"
	      "<th>Why (config, boot options)</th></tr></thead><tbody>",
	      f);
	for (int i = 0; i < ki->noracles && i < MC_KINFO_ORACLES; i++) {
		const struct mc_koracle *o = &ki->oracles[i];
		const char *st = mc_kinfo_state_name(o->state);

		fprintf(f, "<tr class=\"or-%s\" data-oracle=\"", st);
		A(o->name);
		fputs("\"><td class=\"mono\">", f);
		H(o->name);
		fputs("</td><td>", f);
		mc_html_badge(f, st);
		fputs("</td><td>", f);
		H(o->detail);
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table></div>", f);
}

static const struct mc_case_result *case_named(const struct mc_report *rep, const char *name)
{
	for (int i = 0; i < rep->ncases; i++)
		if (!strcmp(rep->cases[i].name, name))
			return &rep->cases[i];
	return NULL;
}

/* Where report @k was charged: a link to its case's row, or the phase. */
static void charged(FILE *f, const struct mc_report *rep, const struct mc_kreport *k)
{
	const struct mc_case_result *r = k->in_case ? case_named(rep, k->where) : NULL;

	if (!k->in_case) {
		fputs("<span class=\"phase\">phase: ", f);
		H(k->where);
		fputs("</span>", f);
		return;
	}
	if (!r) {
		fputs("case <span class=\"mono\">", f);
		H(k->where);
		fputs("</span> <span class=\"muted\">(not in this report)</span>", f);
		return;
	}
	fputs("case <a class=\"mono case-link\" href=\"#", f);
	mc_html_case_anchor(f, r);
	fputs("\">", f);
	H(r->name);
	fputs("</a> ", f);
	mc_html_badge(f, mc_html_case_status(r));
}

static void kreports(FILE *f, const struct mc_report *rep)
{
	fputs("<h3 id=\"kreports\">Kernel reports</h3>", f);
	if (!rep->kreports_known || !rep->nkreports) {
		fprintf(f, "<p id=\"kreports-none\" class=\"muted\">%s</p>",
			rep->kreports_known ?
				"No kernel report from the device's first open to the "
				"end of the run." :
			rep->info.kernel.recorded ?
				"The kernel log was not read "
				"during this run: no kernel report is known." :
				"This report predates the "
				"list of kernel reports; the ROB-01 case's detail holds them.");
		return;
	}
	fputs("<div class=\"tscroll\"><table id=\"kreport-table\"><thead><tr><th class=\"num\">#</th><th>Kind</th>"
	      "<th>Charged to (with the case's own verdict; every report fails ROB-01)</th>"
	      "<th>First lines</th></tr></thead><tbody>",
	      f);
	for (int i = 0; i < rep->nkreports; i++) {
		const struct mc_kreport *k = &rep->kreports[i];
		size_t n = strlen(k->lines);
		char *copy;

		fprintf(f, "<tr class=\"%s\" id=\"kreport-%d\" data-kind=\"",
			k->in_case ? "kr-case" : "kr-phase", i + 1);
		A(k->kind);
		fprintf(f, "\"><td class=\"num\">%d</td><td class=\"mono\">", i + 1);
		H(k->kind);
		fputs("</td><td>", f);
		charged(f, rep, k);
		fputs("</td><td><pre class=\"log\">", f);
		copy = strndup(k->lines, n && k->lines[n - 1] == '\n' ? n - 1 : n);
		H(copy ? copy : k->lines); /* without the last line's newline */
		free(copy);
		fputs("</pre></td></tr>", f);
	}
	fputs("</tbody></table></div>", f);
	if (rep->nkreports_omitted)
		fprintf(f, "<p class=\"muted\">%d more report(s) not listed.</p>",
			rep->nkreports_omitted);
}

void mc_html_case_kreports(FILE *f, const struct mc_report *rep, const struct mc_case_result *r)
{
	int n = 0;

	for (int i = 0; i < rep->nkreports; i++) {
		const struct mc_kreport *k = &rep->kreports[i];

		if (!k->in_case || strcmp(k->where, r->name))
			continue;
		fputs(n++ ? ", " :
			    "<p class=\"kr-back\">Kernel reports during this case (they fail "
			    "ROB-01): ",
		      f);
		fprintf(f, "<a href=\"#kreport-%d\">#%d ", i + 1, i + 1);
		H(k->kind);
		fputs("</a>", f);
	}
	if (n)
		fputs("</p>", f);
}

void mc_html_kernel(FILE *f, const struct mc_report *rep)
{
	fputs("<section id=\"kernel\"><h2>Kernel</h2>", f);
	info(f, &rep->info);
	oracles(f, &rep->info.kernel);
	kreports(f, rep);
	fputs("</section>\n", f);
}
