// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel of a loaded report (rep_load.h): report.json's kernel.{flavour, build,
 * boot_options, oracles} and kernel_reports back into the report, each member checked.
 * Reports written before them have neither: the kernel is then not recorded and the
 * list not known, and every renderer shows them as they were.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rep_load.h"

__attribute__((format(printf, 3, 4))) static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * Copy string member @key of @o into @dst (@len); absent is "" when @opt. Returns 0 or
 * -EINVAL with @err naming "@where.@key".
 */
static int get(const struct mc_json *o, const char *key, bool opt, char *dst, size_t len,
	       const char *where, char *err, size_t errlen)
{
	const struct mc_json *v = mc_json_get(o, key);
	size_t n;
	const char *s = mc_json_string(v, &n);

	dst[0] = '\0';
	if (!v && opt)
		return 0;
	if (!s || strlen(s) != n)
		return bad(err, errlen, "%s.%s: %s", where, key,
			   !v ? "missing" :
			   s  ? "contains a NUL character" :
				"not a string");
	if (n >= len)
		return bad(err, errlen, "%s.%s: longer than %zu bytes", where, key, len - 1);
	memcpy(dst, s, n + 1);
	return 0;
}

static int load_oracles(const struct mc_json *a, struct mc_kinfo *ki, char *err, size_t errlen)
{
	char where[40], state[16];
	int rc = 0;

	if (!mc_json_is(a, MC_JSON_ARRAY) || mc_json_count(a) > MC_KINFO_ORACLES)
		return bad(err, errlen, "kernel.oracles: not an array of at most %d oracles",
			   MC_KINFO_ORACLES);
	for (size_t i = 0; i < mc_json_count(a) && !rc; i++) {
		const struct mc_json *o = mc_json_at(a, i);
		struct mc_koracle *k = &ki->oracles[i];
		int st;

		snprintf(where, sizeof(where), "kernel.oracles[%zu]", i);
		rc = get(o, "name", false, k->name, sizeof(k->name), where, err, errlen);
		rc = rc ? rc : get(o, "state", false, state, sizeof(state), where, err, errlen);
		rc = rc ? rc :
			  get(o, "detail", false, k->detail, sizeof(k->detail), where, err, errlen);
		st = mc_kinfo_state_parse(state);
		if (!rc && st < 0)
			rc = bad(err, errlen, "%s.state: not present, absent or unknown", where);
		k->state = st < 0 ? MC_ORACLE_UNKNOWN : (enum mc_oracle_state)st;
		for (size_t j = 0; j < i && !rc; j++)
			if (!strcmp(ki->oracles[j].name, k->name))
				rc = bad(err, errlen, "%s.name: %s appears twice", where, k->name);
	}
	ki->noracles = (int)mc_json_count(a);
	return rc;
}

static int load_kinfo(const struct mc_json *k, struct mc_kinfo *ki, char *err, size_t errlen)
{
	int rc;

	memset(ki, 0, sizeof(*ki));
	if (!mc_json_get(k, "flavour"))
		return 0; /* a report from before the kernel's flavour was recorded */
	ki->recorded = true;
	rc = get(k, "flavour", false, ki->flavour, sizeof(ki->flavour), "kernel", err, errlen);
	if (!rc && strcmp(ki->flavour, "debug") && strcmp(ki->flavour, "production") &&
	    strcmp(ki->flavour, "unknown"))
		rc = bad(err, errlen, "kernel.flavour: not debug, production or unknown");
	rc = rc ? rc : get(k, "build", false, ki->build, sizeof(ki->build), "kernel", err, errlen);
	rc = rc ? rc :
		  get(k, "boot_options", false, ki->boot_options, sizeof(ki->boot_options),
		      "kernel", err, errlen);
	return rc ? rc : load_oracles(mc_json_get(k, "oracles"), ki, err, errlen);
}

/* first_lines, joined with a newline after each, into @k->lines. */
static int load_lines(const struct mc_json *a, struct mc_kreport *k, const char *where, char *err,
		      size_t errlen)
{
	size_t used = 0;

	if (!mc_json_is(a, MC_JSON_ARRAY))
		return bad(err, errlen, "%s.first_lines: missing or not an array", where);
	for (size_t i = 0; i < mc_json_count(a); i++) {
		size_t n;
		const char *s = mc_json_string(mc_json_at(a, i), &n);

		if (!s || strlen(s) != n || strchr(s, '\n'))
			return bad(err, errlen, "%s.first_lines[%zu]: not a one-line string", where,
				   i);
		if (used + n + 1 >= sizeof(k->lines))
			return bad(err, errlen, "%s.first_lines: longer than %zu bytes", where,
				   sizeof(k->lines) - 1);
		used += (size_t)snprintf(k->lines + used, sizeof(k->lines) - used, "%s\n", s);
	}
	return 0;
}

static int load_kreport(const struct mc_json *o, struct mc_kreport *k, size_t i, char *err,
			size_t errlen)
{
	char where[40];
	bool c = mc_json_get(o, "case") != NULL, p = mc_json_get(o, "phase") != NULL;
	int rc;

	snprintf(where, sizeof(where), "kernel_reports[%zu]", i);
	if (!mc_json_is(o, MC_JSON_OBJECT))
		return bad(err, errlen, "%s: not an object", where);
	if (c == p)
		return bad(err, errlen, "%s: needs exactly one of \"case\" and \"phase\"", where);
	k->in_case = c;
	rc = get(o, "kind", false, k->kind, sizeof(k->kind), where, err, errlen);
	rc = rc ? rc :
		  get(o, c ? "case" : "phase", false, k->where, sizeof(k->where), where, err,
		      errlen);
	return rc ? rc : load_lines(mc_json_get(o, "first_lines"), k, where, err, errlen);
}

int mc_report_load_kernel(const struct mc_json *root, struct mc_report *rep, char *err,
			  size_t errlen)
{
	const struct mc_json *a = mc_json_get(root, "kernel_reports");
	const struct mc_json *om = mc_json_get(root, "kernel_reports_omitted");
	int64_t omitted = 0;
	size_t n = mc_json_count(a);
	int rc = load_kinfo(mc_json_get(root, "kernel"), &rep->info.kernel, err, errlen);

	if (rc || !a || mc_json_is(a, MC_JSON_NULL))
		return rc; /* absent: an older report; null: the log was not read */
	if (!mc_json_is(a, MC_JSON_ARRAY) || n > MC_KREPORTS_MAX)
		return bad(err, errlen,
			   "kernel_reports: not null or an array of at most %d reports",
			   MC_KREPORTS_MAX);
	if (om && (mc_json_int(om, &omitted) || omitted < 0 || omitted > INT32_MAX))
		return bad(err, errlen, "kernel_reports_omitted: not an integer >= 0");
	rep->kreports = calloc(n ? n : 1, sizeof(*rep->kreports));
	if (!rep->kreports)
		return bad(err, errlen, "out of memory");
	for (size_t i = 0; i < n && !rc; i++)
		rc = load_kreport(mc_json_at(a, i), &rep->kreports[i], i, err, errlen);
	rep->nkreports = (int)n;
	rep->nkreports_omitted = (int)omitted;
	rep->kreports_known = true;
	return rc;
}
