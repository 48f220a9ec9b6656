// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel-report part of a finding's dedup key: the report's kind (klog.h) and its
 * opening line without what differs between two occurrences of the same report: the
 * log's prefix (sequence number, timestamp, caller id), addresses, offsets inside
 * functions, pids, task names, CPU numbers and report counters.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "klog.h"

struct norm {
	char *buf;
	size_t len, n;
};

static void put(struct norm *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && o->n + 1 < o->len; i++)
		o->buf[o->n++] = s[i];
	o->buf[o->n] = '\0';
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The line's text after the renderings' prefixes: "prio,seq[,...]: " or ";", "[ secs]", "[ T12]". */
static const char *skip_prefix(const char *p)
{
	size_t n = strspn(p, "0123456789,-");

	if (n && p[n] == ';')
		p += n + 1;
	else if (n && p[n] == ':' && p[n + 1] == ' ')
		p += n + 2;
	while (*p == '[') {
		size_t k = 1 + strspn(p + 1, " ");

		k += strspn(p + k, "TC");
		k += strspn(p + k, "0123456789.");
		if (p[k] != ']')
			break;
		p += k + 1 + (p[k + 1] == ' ');
	}
	return p;
}

/* Hex digits at @p (after "0x" when @ox), 0 when none. */
static size_t hex_run(const char *p)
{
	return strspn(p, "0123456789abcdefABCDEF");
}

/*
 * The words after which the next token varies from one occurrence to the next: the
 * token (up to a blank, or the next ':' or '/' for task names) becomes "?".
 */
static const struct {
	const char *word, *stop;
} varying[] = {
	{ "CPU: ", " " },      { "PID: ", " " },  { "pid: ", " " },  { "pid=", " ," },
	{ "cpu=", " ," },      { "Comm: ", " " }, { "comm: ", " " }, { "task ", " " },
	{ "kmemleak: ", " " }, { "[#", "]" },
};

static size_t varying_at(const char *line, const char *p, struct norm *o)
{
	for (size_t i = 0; i < sizeof(varying) / sizeof(varying[0]); i++) {
		size_t w = strlen(varying[i].word);

		if (strncmp(p, varying[i].word, w) || (p > line && is_word(p[-1])))
			continue;
		if (!strcmp(varying[i].word, "kmemleak: ") && !isdigit((unsigned char)p[w]))
			continue;
		put(o, p, w);
		put(o, "?", 1);
		return w + strcspn(p + w, varying[i].stop);
	}
	return 0;
}

void mc_fuzz_klog_norm(const char *line, char *buf, size_t len)
{
	struct norm o = { .buf = buf, .len = len };
	const char *kind = mc_klog_kind(line), *p = skip_prefix(line), *start = p;

	if (!len)
		return;
	buf[0] = '\0';
	if (!*line)
		return;
	put(&o, kind ? kind : "log", strlen(kind ? kind : "log"));
	put(&o, ": ", 2);
	while (*p) {
		size_t n = varying_at(start, p, &o), h;

		if (n) {
			p += n;
			continue;
		}
		/* "+0x1a/0x40": an offset inside a function, which moves with every build. */
		if (p[0] == '+' && p[1] == '0' && p[2] == 'x' && (h = hex_run(p + 3)) &&
		    p[3 + h] == '/' && p[4 + h] == '0' && p[5 + h] == 'x') {
			p += 6 + h;
			p += hex_run(p);
			continue;
		}
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && (h = hex_run(p + 2)) &&
		    (p == start || !is_word(p[-1]))) {
			put(&o, "0x?", 3);
			p += 2 + h;
			continue;
		}
		/* A bare address ("addr ffff888003a1b2c0"): eight hex digits or more as a word. */
		if ((h = hex_run(p)) >= 8 && !is_word(p[h]) && (p == start || !is_word(p[-1]))) {
			put(&o, "?", 1);
			p += h;
			continue;
		}
		put(&o, p++, 1);
	}
	while (o.n && isspace((unsigned char)buf[o.n - 1]))
		buf[--o.n] = '\0';
}
