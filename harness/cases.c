// SPDX-License-Identifier: GPL-2.0-only
/*
 * Case files: parsing and validating rows, loading the built-in set or a directory,
 * selecting rows (--only, --profile) and expanding rows into instances. The verdict helpers
 * operations report through are the case context's (ctx.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "clauses.h"
#include "ctx.h"
#include "file.h"
#include "model.h"
#include "ops.h"
#include "report.h"

#define MAX_CASE_FILE (1 << 20)

static const struct {
	const char *name;
	unsigned bit;
} pre_names[] = {
	{ "p2p", MC_PRE_P2P },	 { "pre_copy", MC_PRE_PRE_COPY },
	{ "log", MC_PRE_LOG },	 { "fault", MC_PRE_FAULT },
	{ "qemu", MC_PRE_QEMU }, { "cloud-hypervisor", MC_PRE_CH },
};

/* The profile name of MC_PRE_* bit @bit ("qemu"), NULL when it is no profile. */
static const char *mc_profile_name(unsigned bit)
{
	return bit == MC_PRE_QEMU ? "qemu" : bit == MC_PRE_CH ? "cloud-hypervisor" : NULL;
}

int mc_profile_parse(const char *list, unsigned *out, char *err, size_t errlen)
{
	const char *p = list;
	bool none = false;

	*out = 0;
	do {
		size_t n = strcspn(p, ",");
		unsigned bit = 0;

		if (n == 3 && !strncmp(p, "all", 3))
			bit = MC_PROFILES_ALL;
		else if (n == 4 && !strncmp(p, "none", 4))
			none = true;
		for (unsigned b = MC_PRE_QEMU; b <= MC_PRE_CH; b <<= 1)
			if (n == strlen(mc_profile_name(b)) && !strncmp(p, mc_profile_name(b), n))
				bit = b;
		if (!bit && !(none && n == 4)) {
			snprintf(err, errlen,
				 "--profile: '%.*s' is no profile (use qemu, "
				 "cloud-hypervisor, all or none, comma separated)",
				 (int)n, p);
			return -EINVAL;
		}
		*out |= bit;
		p += n;
	} while (*p++ == ',');
	if (none && *out) {
		snprintf(err, errlen, "--profile: 'none' cannot be combined with a profile");
		return -EINVAL;
	}
	return 0;
}

const char *mc_profile_text(unsigned profiles, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", profiles & MC_PRE_QEMU ? "qemu" : "",
		 (profiles & MC_PROFILES_ALL) == MC_PROFILES_ALL ? "," : "",
		 profiles & MC_PRE_CH	? "cloud-hypervisor" :
		 profiles & MC_PRE_QEMU ? "" :
					  "none");
	return buf;
}

static int parse_pre(const char *text, unsigned *pre)
{
	char buf[64], *save = NULL;

	*pre = 0;
	if (!strcmp(text, "-"))
		return 0;
	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	for (char *t = strtok_r(buf, "+", &save); t; t = strtok_r(NULL, "+", &save)) {
		size_t i;

		for (i = 0; i < sizeof(pre_names) / sizeof(pre_names[0]); i++)
			if (!strcmp(t, pre_names[i].name))
				break;
		if (i == sizeof(pre_names) / sizeof(pre_names[0]))
			return -EINVAL;
		*pre |= pre_names[i].bit;
	}
	return 0;
}

/* Copy the next whitespace-separated field of *@p into @out; false when none. */
static bool next_field(const char **p, char *out, size_t len, bool *too_long)
{
	const char *s = *p;
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return false;
	while (*s && *s != ' ' && *s != '\t') {
		if (n + 1 < len)
			out[n++] = *s;
		else
			*too_long = true;
		s++;
	}
	out[n] = '\0';
	*p = s;
	return true;
}

static bool valid_name(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

__attribute__((format(printf, 5, 6))) static int
row_error(char *err, size_t errlen, const char *fname, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%d: ", fname, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_row(const char *fname, int lineno, const char *line, struct mc_case *c, char *err,
		     size_t errlen)
{
	char clause[32], pre[64], op[32];
	const char *p = line;
	bool too_long = false;

	memset(c, 0, sizeof(*c));
	if (!next_field(&p, c->name, sizeof(c->name), &too_long) ||
	    !next_field(&p, clause, sizeof(clause), &too_long) ||
	    !next_field(&p, pre, sizeof(pre), &too_long) ||
	    !next_field(&p, op, sizeof(op), &too_long) ||
	    !next_field(&p, c->args, sizeof(c->args), &too_long) ||
	    !next_field(&p, c->expect, sizeof(c->expect), &too_long))
		return row_error(err, errlen, fname, lineno,
				 "expected 7 columns: name clause pre op args expect description");
	if (too_long)
		return row_error(err, errlen, fname, lineno, "a column is too long");
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return row_error(err, errlen, fname, lineno, "case '%s' has no description",
				 c->name);
	snprintf(c->description, sizeof(c->description), "%s", p);
	snprintf(c->where, sizeof(c->where), "%s:%d", fname, lineno);
	if (!valid_name(c->name))
		return row_error(err, errlen, fname, lineno,
				 "case name '%s' must start with a letter and use [A-Za-z0-9._-]",
				 c->name);
	c->clause = mc_clause_find(clause);
	if (!c->clause)
		return row_error(err, errlen, fname, lineno,
				 "unknown clause '%s' (see migcheck clauses)", clause);
	if (parse_pre(pre, &c->pre))
		return row_error(
			err, errlen, fname, lineno,
			"unknown precondition '%s' (use -, p2p, pre_copy, log, fault, qemu, cloud-hypervisor joined by +)",
			pre);
	c->op = mc_op_find(op);
	if (!c->op)
		return row_error(err, errlen, fname, lineno, "unknown operation '%s'", op);
	if (c->op->check) {
		char why[256];

		if (c->op->check(c, why, sizeof(why)))
			return row_error(err, errlen, fname, lineno, "case '%s': %s", c->name, why);
	} else if (strcmp(c->args, "-") || strcmp(c->expect, "model")) {
		return row_error(err, errlen, fname, lineno,
				 "operation '%s' takes args '-' and expect 'model'", op);
	}
	return 0;
}

int mc_cases_parse(const char *fname, const char *text, struct mc_caseset *cs, char *err,
		   size_t errlen)
{
	int lineno = 0;

	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[1024];
		struct mc_case c, *grown;
		const char *s;

		lineno++;
		if (len >= sizeof(line))
			return row_error(err, errlen, fname, lineno, "line longer than %zu bytes",
					 sizeof(line) - 1);
		memcpy(line, p, len);
		line[len] = '\0';
		p = eol ? eol + 1 : p + len;
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (!*s || *s == '#')
			continue;
		for (const char *q = s; *q; q++)
			if ((unsigned char)*q < 0x20 && *q != '\t')
				return row_error(err, errlen, fname, lineno,
						 "control character in row");
		if (parse_row(fname, lineno, s, &c, err, errlen))
			return -EINVAL;
		for (int i = 0; i < cs->n; i++)
			if (!strcmp(cs->cases[i].name, c.name))
				return row_error(err, errlen, fname, lineno,
						 "case name '%s' already used at %s", c.name,
						 cs->cases[i].where);
		grown = realloc(cs->cases, sizeof(*grown) * (size_t)(cs->n + 1));
		if (!grown)
			return row_error(err, errlen, fname, lineno, "out of memory");
		cs->cases = grown;
		cs->cases[cs->n++] = c;
	}
	return 0;
}

int mc_cases_load_builtin(struct mc_caseset *cs, char *err, size_t errlen)
{
	for (const struct mc_embedded_file *f = mc_embedded_cases; f->name; f++) {
		int rc = mc_cases_parse(f->name, f->text, cs, err, errlen);

		if (rc)
			return rc;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_file(const char *path, struct mc_caseset *cs, char *err, size_t errlen)
{
	char *text;
	size_t n;
	int rc = mc_file_read(path, MAX_CASE_FILE, 0, &text, &n);

	if (rc == -EFBIG) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, MAX_CASE_FILE);
	} else if (rc) {
		snprintf(err, errlen, "%s: %s", path, mc_file_strerror(rc));
	} else if (memchr(text, '\0', n)) {
		snprintf(err, errlen, "%s: contains a NUL byte (not a case file)", path);
		rc = -EINVAL;
	} else {
		rc = mc_cases_parse(path, text, cs, err, errlen);
	}
	free(text);
	return rc;
}

int mc_cases_load_dir(const char *dir, struct mc_caseset *cs, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	int n = 0, rc = 0;
	struct dirent *de;

	if (!d) {
		snprintf(err, errlen, "case directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **grown;

		if (l < 7 || strcmp(de->d_name + l - 6, ".cases"))
			continue;
		grown = realloc(names, sizeof(*names) * (size_t)(n + 1));
		if (!grown || !(grown[n] = strdup(de->d_name))) {
			names = grown ? grown : names;
			rc = -ENOMEM;
			snprintf(err, errlen, "case directory %s: out of memory", dir);
			break;
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (!rc && !n) {
		snprintf(err, errlen, "case directory %s: no *.cases files", dir);
		rc = -ENOENT;
	}
	if (!rc)
		qsort(names, (size_t)n, sizeof(*names), by_name);
	for (int i = 0; i < n; i++) {
		char path[4096];

		if (!rc) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			rc = load_file(path, cs, err, errlen);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

void mc_cases_free(struct mc_caseset *cs)
{
	free(cs->cases);
	cs->cases = NULL;
	cs->n = 0;
}

/* Whether one --only word names @c: its clause ID, its group or a prefix of its name. */
static bool names(const char *t, const struct mc_case *c)
{
	return !strcasecmp(t, c->clause->id) || !strcasecmp(t, c->clause->group) ||
	       !strncmp(c->name, t, strlen(t));
}

bool mc_case_selected(const struct mc_case *c, const char *only)
{
	char buf[512], *save = NULL;

	if (!only)
		return true;
	snprintf(buf, sizeof(buf), "%s", only);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (names(t, c))
			return true;
	return false;
}

int mc_cases_check_only(const struct mc_caseset *cs, const char *only, char *err, size_t errlen)
{
	const char *p = only;

	if (!only)
		return 0;
	if (strlen(only) >= 512) {
		snprintf(err, errlen, "--only: longer than 511 characters");
		return -EINVAL;
	}
	do {
		size_t n = strcspn(p, ",");
		char t[512];
		int i;

		snprintf(t, sizeof(t), "%.*s", (int)n, p);
		for (i = 0; n && i < cs->n && !names(t, &cs->cases[i]); i++)
			;
		if (!n) {
			snprintf(err, errlen, "--only '%.400s': an empty word", only);
			return -EINVAL;
		}
		if (i == cs->n) {
			snprintf(err, errlen,
				 "--only: '%.400s' is no clause ID, group or case name of "
				 "the case set (migcheck cases lists them)",
				 t);
			return -EINVAL;
		}
		p += n;
	} while (*p++);
	return 0;
}

int mc_case_expand(const struct mc_case *c, uint64_t flags, struct mc_param *out, int max)
{
	int n = 0;

	switch (c->op->expand) {
	case MC_EXPAND_NONE:
		if (max < 1)
			return 0;
		memset(&out[0], 0, sizeof(out[0]));
		return 1;
	case MC_EXPAND_STATE:
		for (uint32_t s = 1; s < MC_NSTATES && n < max; s++) {
			if (!mc_model_supported(flags, s))
				continue;
			out[n] = (struct mc_param){ .a = s };
			snprintf(out[n].label, sizeof(out[n].label), "%s", mc_state_name(s));
			n++;
		}
		return n;
	case MC_EXPAND_RESUME_EXIT:
		for (uint32_t s = 1; s < MC_NSTATES && n < max; s++) {
			if (!mc_model_supported(flags, s) || s == VFIO_DEVICE_STATE_RESUMING)
				continue;
			out[n] = (struct mc_param){ .a = VFIO_DEVICE_STATE_RESUMING, .b = s };
			snprintf(out[n].label, sizeof(out[n].label), "RESUMING->%s",
				 mc_state_name(s));
			n++;
		}
		return n;
	case MC_EXPAND_SESSION: {
		char kind[16] = "", fate[16] = "";

		mc_case_arg(c, "fd", kind, sizeof(kind));
		mc_case_arg(c, "fate", fate, sizeof(fate));
		for (uint32_t a = 1; a < MC_NSTATES; a++) {
			bool save = mc_model_saving(a);

			if (!mc_model_supported(flags, a) || !mc_model_has_session(a) ||
			    save != !strcmp(kind, "save"))
				continue;
			for (uint32_t b = 0; b < MC_NSTATES && n < max; b++) {
				struct mc_expect e;

				mc_model_expect(flags, a, b, &e);
				if ((e.old_session == MC_SESSION_ENDED) != !strcmp(fate, "ended"))
					continue;
				out[n] = (struct mc_param){ .a = a, .b = b };
				snprintf(out[n].label, sizeof(out[n].label), "%s->%s",
					 mc_state_name(a), mc_state_name(b));
				n++;
			}
		}
		return n;
	}
	case MC_EXPAND_PAIR:
	case MC_EXPAND_LONG_PAIR:
	case MC_EXPAND_ARC:
		/* Every supported start state against every target 0..7, the model decides. */
		for (uint32_t a = 1; a < MC_NSTATES; a++) {
			for (uint32_t b = 0; b < MC_NSTATES && n < max; b++) {
				uint32_t path[MC_MAX_PATH];

				if (!mc_model_supported(flags, a))
					continue;
				if (c->op->expand == MC_EXPAND_LONG_PAIR &&
				    mc_model_path(flags, a, b, path) < 2)
					continue;
				if (c->op->expand == MC_EXPAND_ARC &&
				    (a == b || mc_model_path(flags, a, b, path) != 1))
					continue;
				out[n] = (struct mc_param){ .a = a, .b = b };
				snprintf(out[n].label, sizeof(out[n].label), "%s->%s",
					 mc_state_name(a), mc_state_name(b));
				n++;
			}
		}
		return n;
	}
	return 0;
}
