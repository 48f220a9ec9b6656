// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read and write plans (stream.h): their text form ("fixed:7", "random:3:64", ...), and
 * the walk that yields each call's size.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

static const struct mc_plan plan_one = { .kind = MC_PLAN_ONE };

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ------------------------------------------------------------------ plans: text */

static const char *const plan_names[] = {
	[MC_PLAN_ONE] = "one",	     [MC_PLAN_FIXED] = "fixed", [MC_PLAN_LIST] = "list",
	[MC_PLAN_RANDOM] = "random", [MC_PLAN_PAGE] = "page",	[MC_PLAN_SPLIT] = "split",
	[MC_PLAN_WRITEV] = "writev",
};

/* List entries in use (a hand-built plan may claim more than there are). */
static unsigned list_len(const struct mc_plan *p)
{
	return p->nlist < MC_PLAN_MAX_LIST ? p->nlist : MC_PLAN_MAX_LIST;
}

__attribute__((format(printf, 4, 5))) static int plan_err(char *err, size_t len, const char *text,
							  const char *fmt, ...)
{
	int n = snprintf(err, len, "plan '%s': ", text);
	va_list ap;

	if (n >= 0 && (size_t)n < len) {
		va_start(ap, fmt);
		vsnprintf(err + n, len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Decimal digits only (no sign, space or base prefix), @lo..@hi, into *@v. */
static int plan_num(const char *text, const char *part, const char *what, uint64_t lo, uint64_t hi,
		    uint64_t *v, char *err, size_t len)
{
	uint64_t x = 0;

	if (!*part)
		return plan_err(err, len, text, "missing %s", what);
	for (const char *c = part; *c; c++) {
		if (*c < '0' || *c > '9')
			return plan_err(err, len, text, "%s '%s' is not a decimal number", what,
					part);
		if (x > (UINT64_MAX - (uint64_t)(*c - '0')) / 10)
			return plan_err(err, len, text, "%s '%s' is too large", what, part);
		x = x * 10 + (uint64_t)(*c - '0');
	}
	if (x < lo || x > hi)
		return plan_err(err, len, text, "%s %s is not %llu..%llu", what, part,
				(unsigned long long)lo, (unsigned long long)hi);
	*v = x;
	return 0;
}

static int parse_list(const char *text, char *arg, struct mc_plan *p, char *err, size_t len)
{
	uint64_t v;
	char *next;
	int rc;

	for (char *part = arg; part; part = next) {
		next = strchr(part, '/');
		if (next)
			*next++ = '\0';
		if (p->nlist == MC_PLAN_MAX_LIST)
			return plan_err(err, len, text, "more than %d sizes", MC_PLAN_MAX_LIST);
		rc = plan_num(text, part, "size", 1, MC_PLAN_MAX_CALL, &v, err, len);
		if (rc)
			return rc;
		p->list[p->nlist++] = (size_t)v;
	}
	return 0;
}

/* The arguments of @p->kind in @arg (NULL when the text had no ':'), split at ':'. */
static int parse_args(const char *text, char *arg, struct mc_plan *p, char *err, size_t len)
{
	char *second = arg ? strchr(arg, ':') : NULL;
	uint64_t a = 0, b = 0;
	int rc = 0;

	if (second)
		*second++ = '\0';
	if (p->kind == MC_PLAN_ONE || p->kind == MC_PLAN_PAGE)
		return arg ? plan_err(err, len, text, "'%s' takes no argument",
				      plan_names[p->kind]) :
			     0;
	if (!arg)
		return plan_err(err, len, text, "'%s' needs an argument", plan_names[p->kind]);
	if (second && p->kind != MC_PLAN_RANDOM && p->kind != MC_PLAN_WRITEV)
		return plan_err(err, len, text, "unexpected ':%s'", second);
	switch (p->kind) {
	case MC_PLAN_FIXED:
		rc = plan_num(text, arg, "size", 1, MC_PLAN_MAX_CALL, &a, err, len);
		p->k = (size_t)a;
		break;
	case MC_PLAN_LIST: rc = parse_list(text, arg, p, err, len); break;
	case MC_PLAN_RANDOM:
		rc = plan_num(text, arg, "seed", 0, UINT64_MAX, &p->seed, err, len);
		if (!rc && second)
			rc = plan_num(text, second, "max", 1, MC_PLAN_MAX_CALL, &b, err, len);
		p->max = second ? (size_t)b : MC_PLAN_RANDOM_MAX;
		break;
	case MC_PLAN_SPLIT:
		rc = plan_num(text, arg, "offset", 0, SIZE_MAX, &a, err, len);
		p->k = (size_t)a;
		break;
	default: /* MC_PLAN_WRITEV */
		rc = plan_num(text, arg, "iovec count", 1, MC_PLAN_MAX_IOV, &a, err, len);
		if (!rc && second)
			rc = plan_num(text, second, "iovec size", 1, MC_PLAN_MAX_CALL, &b, err,
				      len);
		p->iovcnt = (unsigned)a;
		p->k = second ? (size_t)b : 1;
		if (!rc && a * p->k > MC_PLAN_MAX_CALL)
			rc = plan_err(err, len, text,
				      "%llu iovecs of %zu bytes exceed %u bytes a call",
				      (unsigned long long)a, p->k, MC_PLAN_MAX_CALL);
		break;
	}
	return rc;
}

int mc_plan_parse(const char *s, struct mc_plan *p, char *err, size_t errlen)
{
	char buf[MC_PLAN_TEXT_MAX];
	char *arg;
	size_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf)) {
		snprintf(buf, 32, "%.24s...", s);
		return plan_err(err, errlen, buf, "longer than %zu characters", sizeof(buf) - 1);
	}
	strcpy(buf, s);
	arg = strchr(buf, ':');
	if (arg)
		*arg++ = '\0';
	for (i = 0; i < sizeof(plan_names) / sizeof(plan_names[0]); i++)
		if (!strcmp(buf, plan_names[i]))
			break;
	if (i == sizeof(plan_names) / sizeof(plan_names[0]))
		return plan_err(err, errlen, s,
				"unknown plan '%s' (expected one, fixed:K, list:A/B/C, "
				"random:SEED[:MAX], page, split:N or writev:N[:K])",
				buf);
	p->kind = (enum mc_plan_kind)i;
	rc = parse_args(s, arg, p, err, errlen);
	if (rc)
		memset(p, 0, sizeof(*p));
	return rc;
}

/* snprintf at *@used into @buf, truncating safely however small @len is. */
__attribute__((format(printf, 4, 5))) static void appendf(char *buf, size_t len, size_t *used,
							  const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

void mc_plan_format(const struct mc_plan *p, char *buf, size_t len)
{
	size_t used = 0;

	if (!p)
		p = &plan_one;
	if ((unsigned)p->kind >= sizeof(plan_names) / sizeof(plan_names[0])) {
		appendf(buf, len, &used, "kind-%d", (int)p->kind); /* a hand-built plan */
		return;
	}
	appendf(buf, len, &used, "%s", plan_names[p->kind]);
	switch (p->kind) {
	case MC_PLAN_FIXED:
	case MC_PLAN_SPLIT: appendf(buf, len, &used, ":%zu", p->k); break;
	case MC_PLAN_LIST:
		for (unsigned i = 0; i < list_len(p); i++)
			appendf(buf, len, &used, "%c%zu", i ? '/' : ':', p->list[i]);
		break;
	case MC_PLAN_RANDOM:
		appendf(buf, len, &used, ":%llu", (unsigned long long)p->seed);
		if (p->max != MC_PLAN_RANDOM_MAX)
			appendf(buf, len, &used, ":%zu", p->max);
		break;
	case MC_PLAN_WRITEV:
		appendf(buf, len, &used, ":%u", p->iovcnt);
		if (p->k != 1)
			appendf(buf, len, &used, ":%zu", p->k);
		break;
	default: break;
	}
}

/* ------------------------------------------------------------------ plans: walking */

/* splitmix64: every seed, 0 included, gives a full-period sequence. */
static uint64_t splitmix_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void mc_plan_iter_init(struct mc_plan_iter *it, const struct mc_plan *p)
{
	it->p = p ? p : &plan_one;
	it->n = 0;
	it->done = 0;
	it->rng = it->p->seed;
}

/* The call size @p asks for next, before capping. */
static size_t plan_want(struct mc_plan_iter *it)
{
	const struct mc_plan *p = it->p;

	switch (p->kind) {
	case MC_PLAN_FIXED: return p->k;
	case MC_PLAN_LIST:
		if (!list_len(p))
			return 1;
		return p->list[it->n < list_len(p) ? it->n : list_len(p) - 1];
	case MC_PLAN_RANDOM: return 1 + (size_t)(splitmix_next(&it->rng) % (p->max ? p->max : 1));
	case MC_PLAN_PAGE: return it->n % 2 ? 4097 : 4095;
	case MC_PLAN_SPLIT: return it->done < p->k ? p->k - it->done : MC_PLAN_MAX_CALL;
	case MC_PLAN_WRITEV: return (size_t)p->iovcnt * p->k;
	default: return MC_PLAN_MAX_CALL;
	}
}

size_t mc_plan_next(struct mc_plan_iter *it, uint64_t remaining)
{
	size_t n = min_sz(plan_want(it), MC_PLAN_MAX_CALL);

	if (remaining && n > remaining)
		n = (size_t)remaining;
	if (!n)
		n = 1; /* a hand-built plan with a 0 size must not stall a loop */
	it->n++;
	it->done += n;
	return n;
}

/* The largest call @p ever issues: the size of a read or bounce buffer for it. */
size_t mc_plan_max_call(const struct mc_plan *p)
{
	size_t m = 1;

	switch (p->kind) {
	case MC_PLAN_FIXED: m = p->k; break;
	case MC_PLAN_LIST:
		for (unsigned i = 0; i < list_len(p); i++)
			m = p->list[i] > m ? p->list[i] : m;
		break;
	case MC_PLAN_RANDOM: m = p->max; break;
	case MC_PLAN_PAGE: m = 4097; break;
	case MC_PLAN_WRITEV: m = (size_t)p->iovcnt * p->k; break;
	default: m = MC_PLAN_MAX_CALL; break;
	}
	return m < 1 ? 1 : min_sz(m, MC_PLAN_MAX_CALL);
}
