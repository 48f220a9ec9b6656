// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device spec parsing: "sim[:k=v]...", "mdev:<uuid>", "pci:<bdf>" and
 * "/dev/vfio/devices/vfioN". Syntax only; whether the device exists is the backend's
 * business at open time.
 */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "num.h"

static bool is_uuid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* [dddd:]bb:dd.f with hex digits. */
static bool is_bdf(const char *s)
{
	unsigned dom, bus, dev, fn;
	int len = 0;

	if (sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &len) == 4 && !s[len])
		return true;
	len = 0;
	return sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &len) == 3 && !s[len];
}

static int parse_params(char *rest, struct mc_devspec *spec, const char *text, char *err,
			size_t errlen)
{
	char *save = NULL;

	for (char *tok = strtok_r(rest, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok || !eq[1]) {
			snprintf(err, errlen, "device spec '%s': parameter '%s' is not key=value",
				 text, tok);
			return -EINVAL;
		}
		if (spec->nparams == MC_SPEC_MAX_PARAMS) {
			snprintf(err, errlen, "device spec '%s': more than %d parameters", text,
				 MC_SPEC_MAX_PARAMS);
			return -EINVAL;
		}
		*eq = '\0';
		if (strlen(tok) >= sizeof(spec->params[0].key) ||
		    strlen(eq + 1) >= sizeof(spec->params[0].val)) {
			snprintf(err, errlen, "device spec '%s': parameter '%s' is too long", text,
				 tok);
			return -EINVAL;
		}
		if (mc_devspec_get(spec, tok)) {
			snprintf(err, errlen, "device spec '%s': parameter '%s' given twice", text,
				 tok);
			return -EINVAL;
		}
		strcpy(spec->params[spec->nparams].key, tok);
		strcpy(spec->params[spec->nparams].val, eq + 1);
		spec->nparams++;
	}
	return 0;
}

int mc_devspec_parse(const char *text, struct mc_devspec *spec, char *err, size_t errlen)
{
	char buf[1024];
	char *colon;

	memset(spec, 0, sizeof(*spec));
	if (!text || !*text) {
		snprintf(err, errlen,
			 "empty device spec (try --device sim, mdev:<uuid> or pci:<bdf>)");
		return -EINVAL;
	}
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen, "device spec is too long (%zu bytes)", strlen(text));
		return -EINVAL;
	}
	strcpy(buf, text);

	if (!strncmp(buf, "/dev/vfio/devices/", 18)) {
		if (strlen(buf) >= sizeof(spec->target) || !buf[18] || strchr(buf + 18, '/')) {
			snprintf(err, errlen,
				 "device spec '%s': not a /dev/vfio/devices/vfioN path", text);
			return -EINVAL;
		}
		strcpy(spec->kind, "cdev");
		strcpy(spec->target, buf);
		return 0;
	}

	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (!strcmp(buf, "sim")) {
		strcpy(spec->kind, "sim");
		return colon ? parse_params(colon + 1, spec, text, err, errlen) : 0;
	}
	if (!strcmp(buf, "mdev") || !strcmp(buf, "pci")) {
		const char *target = colon ? colon + 1 : "";

		strcpy(spec->kind, buf);
		if (!strcmp(buf, "mdev") ? !is_uuid(target) : !is_bdf(target)) {
			snprintf(err, errlen, "device spec '%s': %s", text,
				 !strcmp(buf, "mdev") ?
					 "expected mdev:<uuid> (8-4-4-4-12 hex digits)" :
					 "expected pci:<[domain:]bus:dev.fn>");
			return -EINVAL;
		}
		strcpy(spec->target, target);
		for (char *p = spec->target; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return 0;
	}
	snprintf(err, errlen,
		 "device spec '%s': unknown kind '%s' (expected sim, mdev:<uuid>, pci:<bdf> or "
		 "/dev/vfio/devices/vfioN)",
		 text, buf);
	return -EINVAL;
}

const char *mc_devspec_get(const struct mc_devspec *spec, const char *key)
{
	for (int i = 0; i < spec->nparams; i++)
		if (!strcmp(spec->params[i].key, key))
			return spec->params[i].val;
	return NULL;
}

int mc_devspec_foreign(const char *spec, char *out, size_t len)
{
	struct mc_devspec ds;
	char err[256];
	bool has_id = false;
	size_t n;

	if (mc_devspec_parse(spec, &ds, err, sizeof(err)) || strcmp(ds.kind, "sim"))
		return -ENOENT;
	n = (size_t)snprintf(out, len, "sim");
	for (int i = 0; i < ds.nparams && n < len; i++) {
		bool id = !strcmp(ds.params[i].key, "id");
		uint64_t v = 0;

		if (id && mc_num_parse(ds.params[i].val, 0, 0, UINT32_MAX, &v))
			return -EINVAL; /* the device's own open refuses it */
		has_id |= id;
		if (id)
			n += (size_t)snprintf(out + n, len - n, ":id=%llu",
					      (unsigned long long)(v ^ 1));
		else
			n += (size_t)snprintf(out + n, len - n, ":%s=%s", ds.params[i].key,
					      ds.params[i].val);
	}
	if (!has_id && n < len)
		n += (size_t)snprintf(out + n, len - n, ":id=1");
	return n < len ? 0 : -ENAMETOOLONG;
}
