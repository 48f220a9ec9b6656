// SPDX-License-Identifier: GPL-2.0-only
/*
 * migcheck verify, the archive: every byte of a bundle is checked or a reason to reject
 * it. The members must be exactly MANIFEST.sha256, its signature when there is one, and
 * the manifest's members in its order with its types, modes, sizes and digests, each
 * header byte for byte what `bundle` writes; then the evidence (verify_evidence.c).
 * One pass over the members against the sorted manifest: linear in their number.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "file.h"
#include "rep_load.h"
#include "rep_scope.h"
#include "sha256.h"
#include "sign.h"
#include "tar.h"
#include "verify_priv.h"

#define SIGNATURE MC_BUNDLE_MANIFEST MC_SIG_SUFFIX
#define MEMBERS_SHOWN 20 /* mismatches of members printed; the rest are counted */

/* The bundle file: a regular file (a FIFO or device would block) of at most 1 GiB. */
static int read_all(struct mc_vf *v, const char *path, uint8_t **buf, size_t *len)
{
	int rc = mc_file_read(path, MC_BUNDLE_MAX, 0, (char **)buf, len);

	if (rc)
		mc_vf_say(v, "verify: %s: %s", path,
			  rc == -EFBIG ? "larger than the 1 GiB a bundle may have" :
					 mc_file_strerror(rc));
	return rc;
}

/* A member line of the manifest: pointers into its text. */
struct member {
	const char *name, *hex;
	size_t nlen, size;
	unsigned mode;
};

struct manifest {
	char top[256];
	int64_t mtime;
	struct member *m;
	int n;
};

/* The next '\n'-terminated line of [*p, end) as @l/@len; false at the end or unterminated. */
static bool next_line(const char **p, const char *end, const char **l, size_t *len)
{
	const char *eol = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;

	if (!eol)
		return false;
	*l = *p;
	*len = (size_t)(eol - *p);
	*p = eol + 1;
	return true;
}

/* Decimal digits of [s, s + len) (no sign, no leading zero) into *@out. */
static bool decimal(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len || len > 15 || (s[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* "# f MODE SIZE NAME" then "HEX  NAME": one member, strictly after @prev. */
static const char *parse_member(const char *l, size_t len, const char *d, size_t dlen,
				const struct member *prev, struct member *m)
{
	const char *sp = len > 9 ? memchr(l + 9, ' ', len - 9) : NULL;
	char name[256];
	uint64_t size;

	if (len < 11 || memcmp(l, "# f ", 4) || l[8] != ' ' || !sp ||
	    strspn(l + 4, "01234567") < 4 || !decimal(l + 9, (size_t)(sp - l - 9), &size))
		return "is not '# f MODE SIZE NAME'";
	m->mode = (unsigned)strtoul(l + 4, NULL, 8);
	m->size = (size_t)size;
	m->name = sp + 1;
	m->nlen = len - (size_t)(sp + 1 - l);
	snprintf(name, sizeof(name), "%.*s", (int)m->nlen, m->name);
	if (m->nlen >= sizeof(name) || !mc_bundle_name_ok(name, false) ||
	    !strcmp(name, MC_BUNDLE_MANIFEST) || !strcmp(name, SIGNATURE))
		return "names a member a bundle cannot have";
	if (prev && (memcmp(prev->name, m->name, prev->nlen < m->nlen ? prev->nlen : m->nlen) > 0 ||
		     (prev->nlen >= m->nlen && !memcmp(prev->name, m->name, m->nlen))))
		return "is not after the member before it (names are sorted and unique)";
	if (dlen != 66 + m->nlen || strspn(d, "0123456789abcdef") < 64 || d[64] != ' ' ||
	    d[65] != ' ' || memcmp(d + 66, m->name, m->nlen))
		return "is not followed by '<sha256>  NAME' of the same name";
	m->hex = d;
	return NULL;
}

/* The three header lines of the manifest into @mm; false when they are not. */
static bool parse_head(const char **p, const char *end, struct manifest *mm)
{
	size_t ll, hl = strlen(MC_BUNDLE_MANIFEST_HEAD);
	const char *l;
	uint64_t mtime;

	if (!next_line(p, end, &l, &ll) || ll != hl || memcmp(l, MC_BUNDLE_MANIFEST_HEAD, hl))
		return false;
	if (!next_line(p, end, &l, &ll) || ll < 13 || ll > 12 + 63 || memcmp(l, "# directory ", 12))
		return false;
	snprintf(mm->top, sizeof(mm->top), "%.*s", (int)ll - 12, l + 12);
	if (!mc_bundle_name_ok(mm->top, true))
		return false;
	if (!next_line(p, end, &l, &ll) || ll < 9 || memcmp(l, "# mtime ", 8) ||
	    !decimal(l + 8, ll - 8, &mtime))
		return false;
	mm->mtime = (int64_t)mtime;
	return true;
}

/* MANIFEST.sha256 (@text, @len bytes) into @mm; false, with a mismatch, when malformed. */
static bool parse_manifest(struct mc_vf *v, const char *text, size_t len, struct manifest *mm)
{
	const char *p = text, *end = text + len, *l, *d, *why = NULL;
	size_t ll, dl;
	int lineno = 3, cap = 0;

	if (!parse_head(&p, end, mm)) {
		mc_vf_mismatch(v,
			       "%s: not a migcheck manifest (format 2): its first lines are not "
			       "'%s', '# directory NAME', '# mtime SECONDS'",
			       MC_BUNDLE_MANIFEST, MC_BUNDLE_MANIFEST_HEAD);
		return false;
	}
	while (p < end && !why) {
		lineno += 2;
		if (!next_line(&p, end, &l, &ll) || !next_line(&p, end, &d, &dl)) {
			why = "is cut short (every line ends in a newline)";
			break;
		}
		if (mm->n == cap) {
			struct member *grown =
				realloc(mm->m, (size_t)(cap = cap ? 2 * cap : 64) * sizeof(*grown));

			if (!grown) {
				why = "cannot be held in memory";
				break;
			}
			mm->m = grown;
		}
		why = parse_member(l, ll, d, dl, mm->n ? &mm->m[mm->n - 1] : NULL, &mm->m[mm->n]);
		mm->n += !why;
	}
	if (why)
		mc_vf_mismatch(v, "%s line %d %s", MC_BUNDLE_MANIFEST, lineno, why);
	return !why;
}

/* What every member must be: inside @top, portable name, regular, 0644, canonical. */
static const char *member_rel(struct mc_vf *v, const struct mc_tar_entry *e, const char *top,
			      int64_t mtime)
{
	size_t tl = strlen(top);
	const char *rel = e->name + tl + 1;
	bool inside = !strncmp(e->name, top, tl) && e->name[tl] == '/';

	if (e->type != '0') {
		mc_vf_mismatch(v,
			       "member \"%s\" (byte %zu) is of type '%c', a bundle holds regular "
			       "files only",
			       e->name, e->off, e->type);
		return NULL;
	}
	if (!inside || !mc_bundle_name_ok(rel, false)) {
		mc_vf_mismatch(v, "member \"%s\" (byte %zu) is not a file name inside %s/", e->name,
			       e->off, top);
		return NULL;
	}
	if (e->mode != MC_BUNDLE_MODE)
		mc_vf_mismatch(v, "member %s has mode %04o, a bundle's are %04o", e->name, e->mode,
			       MC_BUNDLE_MODE);
	else if (!e->canonical || e->mtime != mtime)
		mc_vf_mismatch(v,
			       "member %s: its header is not the one `migcheck bundle` writes "
			       "(repacked or edited)",
			       e->name);
	return rel;
}

struct walk {
	const struct mc_tar_entry *man, *sig;
	struct mc_rfiles fs; /* the regular files inside the top directory */
	bool *seen;	     /* per manifest member: found in the archive */
};

/* @mm's member called @rel (a binary search: the manifest is sorted), or -1. */
static int find_member(const struct manifest *mm, const char *rel)
{
	size_t rl = strlen(rel);
	int lo = 0, hi = mm->n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const struct member *m = &mm->m[mid];
		int c = memcmp(rel, m->name, rl < m->nlen ? rl : m->nlen);

		if (!c)
			c = rl < m->nlen ? -1 : rl > m->nlen;
		if (!c)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/*
 * The @pos-th member of @t0 against the manifest: the member after the previous one
 * (*@j), found without a search when the archive is in order.
 */
static int check_member(struct mc_vf *v, const struct mc_tar_entry *t0, int pos,
			const struct manifest *mm, int *j, struct walk *w)
{
	const struct mc_tar_entry *e = &t0[pos];
	const char *rel = member_rel(v, e, mm->top, mm->mtime);
	const struct member *m;
	char hex[MC_SHA256_HEX];
	int k;

	if (!rel)
		return 0;
	if (!strcmp(rel, MC_BUNDLE_MANIFEST) || !strcmp(rel, SIGNATURE)) {
		if (e != (e == w->man ? &t0[0] : &t0[1]))
			mc_vf_mismatch(v,
				       "member %s is member %d, a bundle has the manifest first, "
				       "its signature second and each once",
				       e->name, pos);
		return 0;
	}
	k = *j < mm->n && strlen(rel) == mm->m[*j].nlen &&
			    !memcmp(rel, mm->m[*j].name, mm->m[*j].nlen) ?
		    *j :
		    find_member(mm, rel);
	if (k < 0) {
		mc_vf_mismatch(v, "member %s is not in the manifest", e->name);
	} else if (w->seen[k]) {
		mc_vf_mismatch(v, "member %s is in the bundle twice", e->name);
	} else {
		m = &mm->m[k];
		w->seen[k] = true;
		if (k != *j)
			mc_vf_mismatch(v, "member %s is out of the manifest's order", e->name);
		*j = k + 1;
		mc_sha256_hex(e->data, e->len, hex);
		if (e->len != m->size || memcmp(hex, m->hex, 64))
			mc_vf_mismatch(v,
				       "%s: %zu bytes, SHA-256 %s; the manifest says %zu bytes, "
				       "%.64s (the file was changed after bundling)",
				       rel, e->len, hex, m->size, m->hex);
		if (m->mode != MC_BUNDLE_MODE)
			mc_vf_mismatch(v, "%s: the manifest gives mode %04o, a bundle's are %04o",
				       rel, m->mode, MC_BUNDLE_MODE);
	}
	return mc_rfiles_append(&w->fs, rel, e->data, e->len); /* twice is rejected above */
}

/* Every member of @t in order against @mm; the files into @w->fs. 0 or -ENOMEM. */
static int check_members(struct mc_vf *v, const struct mc_tar *t, const struct manifest *mm,
			 struct walk *w)
{
	int j = 0, rc = 0, before = v->bad;

	w->seen = calloc((size_t)mm->n + 1, sizeof(*w->seen));
	if (!w->seen)
		return -ENOMEM;
	for (int i = 0; i < t->n && !rc; i++) {
		v->quiet = v->bad - before >= MEMBERS_SHOWN;
		rc = check_member(v, t->e, i, mm, &j, w);
	}
	for (int k = 0; k < mm->n && !rc; k++) {
		v->quiet = v->bad - before >= MEMBERS_SHOWN;
		if (!w->seen[k])
			mc_vf_mismatch(v, "%.*s is in the manifest but not in the bundle",
				       (int)mm->m[k].nlen, mm->m[k].name);
	}
	v->quiet = false;
	if (v->bad - before > MEMBERS_SHOWN)
		mc_vf_say(v, "(%d more mismatch(es) of members not shown)",
			  v->bad - before - MEMBERS_SHOWN);
	if (t->junk)
		mc_vf_mismatch(v, "data after the end-of-archive marker (byte %zu)", t->junk);
	mc_vf_say(v,
		  "checked: %d members against %s (names, types, modes, sizes, digests, "
		  "order)",
		  t->n, MC_BUNDLE_MANIFEST);
	return rc;
}

/*
 * The manifest, "DIR/MANIFEST.sha256", and its signature: found wherever they are, so
 * that a repacked bundle is still judged member by member (check_member() wants them
 * first and second).
 */
static void find_manifest(const struct mc_tar *t, char *top, size_t len, struct walk *w)
{
	for (int i = 0; i < t->n && !w->man; i++) {
		const char *slash = strchr(t->e[i].name, '/');

		if (slash && !strcmp(slash + 1, MC_BUNDLE_MANIFEST) && t->e[i].type == '0') {
			snprintf(top, len, "%.*s", (int)(slash - t->e[i].name), t->e[i].name);
			w->man = &t->e[i];
		}
	}
	for (int i = 0; w->man && i < t->n && !w->sig; i++)
		if (!strncmp(t->e[i].name, top, strlen(top)) &&
		    !strcmp(t->e[i].name + strlen(top), "/" SIGNATURE) && t->e[i].type == '0')
			w->sig = &t->e[i];
}

/* The signature of @w->man with @pubkey: 0, 1 (mismatch) or 2 (the key is unreadable). */
static int check_signature(struct mc_vf *v, const struct walk *w, const char *pubkey)
{
	char err[600];
	int rc;

	if (!pubkey) {
		mc_vf_say(v,
			  "NOT AUTHENTICATED: no --key given, so this shows only that the bundle "
			  "is self-consistent; anyone can edit a result, re-render and bundle it "
			  "again. Check it with the maker's key: migcheck verify BUNDLE --key "
			  "MAKER.pub%s",
			  w->sig ? " (it carries a signature)" : " (it is not signed)");
		return 0;
	}
	if (!w->sig) {
		mc_vf_mismatch(v,
			       "the bundle is not signed (no %s), so --key %s cannot vouch for it",
			       SIGNATURE, pubkey);
		return 1;
	}
	rc = mc_sign_check(pubkey, w->man->data, w->man->len, (const char *)w->sig->data,
			   w->sig->len, err, sizeof(err));
	if (rc == -EBADMSG || rc == -EINVAL) {
		mc_vf_mismatch(v, "%s: %s", SIGNATURE, err);
		return 1;
	}
	if (rc) {
		mc_vf_say(v, "verify: %s", err);
		return 2;
	}
	mc_vf_say(v, "checked: %s is signed by the key %s (signify Ed25519)", MC_BUNDLE_MANIFEST,
		  pubkey);
	return 0;
}

/* The closing line of an accepted bundle: the one place that states its verdict. */
static void verdict_line(struct mc_vf *v, const struct mc_report *rep, bool authenticated)
{
	struct mc_scope sc;

	mc_report_scope(rep, &sc);
	mc_vf_say(v, "bundle %s: device %s (%s %s), kernel %s: verdict %s",
		  authenticated ? "intact and signed" : "intact but NOT AUTHENTICATED (no --key)",
		  rep->info.device_spec, rep->info.ident.driver, rep->info.ident.type,
		  rep->info.kernel_release, sc.label);
}

/* report.json of @fs, then the evidence against it. */
static void check_report(struct mc_vf *v, const struct mc_rfiles *fs, struct mc_json_doc **doc,
			 struct mc_report **rep)
{
	const struct mc_rfile *rj = mc_rfiles_get(fs, "report.json");
	struct mc_json_error je;
	char err[600];

	if (!rj) {
		mc_vf_mismatch(v, "report.json is missing from the bundle");
		return;
	}
	if (mc_json_parse(rj->data, rj->len, NULL, doc, &je)) {
		mc_vf_mismatch(v, "report.json:%u:%u: %s", je.line, je.col, je.msg);
		return;
	}
	if (mc_report_from_json(mc_json_root(*doc), rep, err, sizeof(err))) {
		mc_vf_mismatch(v, "report.json: %s", err);
		return;
	}
	mc_vf_evidence(v, fs, mc_json_root(*doc), *rep);
}

int mc_bundle_verify(const char *path, const char *pubkey, FILE *out)
{
	struct mc_vf v = { .out = out };
	struct manifest mm = { .top = "" };
	struct walk w = { 0 };
	struct mc_tar t = { 0 };
	struct mc_json_doc *doc = NULL;
	struct mc_report *rep = NULL;
	char err[600], top[256] = "", mhex[MC_SHA256_HEX];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = 2;

	if (read_all(&v, path, &buf, &len))
		return 2;
	if (mc_tar_parse(buf, len, &t, err, sizeof(err))) {
		mc_vf_say(&v, "verify: %s: not a readable bundle: %s", path, err);
		goto out;
	}
	find_manifest(&t, top, sizeof(top), &w);
	if (!w.man) {
		mc_vf_say(&v, "verify: %s: no DIR/%s: not a migcheck bundle", path,
			  MC_BUNDLE_MANIFEST);
		goto out;
	}
	mc_sha256_hex(w.man->data, w.man->len, mhex);
	mc_vf_say(&v, "bundle %s: %d members in %s/, manifest SHA-256 %s", path, t.n, top, mhex);
	if (parse_manifest(&v, (const char *)w.man->data, w.man->len, &mm) && strcmp(mm.top, top))
		mc_vf_mismatch(&v, "%s names the directory %s, the members are in %s/",
			       MC_BUNDLE_MANIFEST, mm.top, top);
	snprintf(mm.top, sizeof(mm.top), "%s", top);
	rc = check_signature(&v, &w, pubkey);
	if (rc == 2)
		goto out;
	if (check_members(&v, &t, &mm, &w)) {
		mc_vf_say(&v, "verify: out of memory");
		rc = 2;
		goto out;
	}
	check_report(&v, &w.fs, &doc, &rep);
	rc = v.bad ? 1 : 0;
out:
	if (rc == 0)
		verdict_line(&v, rep, pubkey != NULL);
	else if (rc == 1)
		mc_vf_say(&v, "bundle REJECTED: %d mismatch(es)", v.bad);
	mc_report_unload(rep);
	mc_json_free(doc);
	mc_rfiles_free(&w.fs);
	free(mm.m);
	free(w.seen);
	free(t.e);
	free(buf);
	return rc;
}
