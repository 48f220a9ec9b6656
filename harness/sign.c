// SPDX-License-Identifier: GPL-2.0-only
/*
 * signify-compatible Ed25519 keys and signatures over libsodium. The layouts are
 * signify's (OpenBSD usr.bin/signify): "Ed" + 8-byte key number + key or signature;
 * secret keys add "BK", bcrypt rounds (0: not encrypted), salt and a SHA-512 checksum.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "sign.h"

#define COMMENT "untrusted comment: "
#define KEYNUM 8

struct pub {
	uint8_t alg[2], keynum[KEYNUM], pk[crypto_sign_PUBLICKEYBYTES];
};
struct sig {
	uint8_t alg[2], keynum[KEYNUM], sig[crypto_sign_BYTES];
};
struct sec {
	uint8_t alg[2], kdf[2], rounds[4], salt[16], checksum[8], keynum[KEYNUM];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
};
_Static_assert(sizeof(struct pub) == 42 && sizeof(struct sig) == 74 && sizeof(struct sec) == 104,
	       "signify layouts are packed");

__attribute__((format(printf, 4, 5))) static int fail(int rc, char *err, size_t errlen,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int init(char *err, size_t errlen)
{
	return sodium_init() < 0 ? fail(-EIO, err, errlen, "libsodium cannot initialise") : 0;
}

/*
 * "untrusted comment: ...\n<base64 of exactly @len bytes>\n" at @text into @out; nothing
 * may follow. 0 or -EINVAL.
 */
static int decode(const char *text, size_t tlen, void *out, size_t len)
{
	const char *nl = memchr(text, '\n', tlen), *b64, *end;
	size_t got = 0;

	if (tlen < strlen(COMMENT) || memcmp(text, COMMENT, strlen(COMMENT)) || !nl ||
	    nl - text > 1024)
		return -EINVAL;
	b64 = nl + 1;
	end = memchr(b64, '\n', tlen - (size_t)(b64 - text));
	if (!end || (size_t)(end + 1 - text) != tlen)
		return -EINVAL;
	if (sodium_base642bin(out, len, b64, (size_t)(end - b64), NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    got != len)
		return -EINVAL;
	return 0;
}

/* @comment line and base64 of @len bytes at @bin as one malloc'd text. */
static char *encode(const char *comment, const void *bin, size_t len, size_t *tlen)
{
	size_t b64len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	size_t clen = strlen(COMMENT) + strlen(comment) + 1;
	char *text = malloc(clen + b64len + 1);

	if (!text)
		return NULL;
	snprintf(text, clen + 1, "%s%s\n", COMMENT, comment);
	sodium_bin2base64(text + clen, b64len, bin, len, sodium_base64_VARIANT_ORIGINAL);
	*tlen = strlen(text);
	text[(*tlen)++] = '\n';
	text[*tlen] = '\0';
	return text;
}

/*
 * A key file of fewer than @cap bytes into @buf, read as every input is (mc_file_read: a
 * regular file only); the heap copy is wiped, since a secret key passes through it. -errno.
 */
static int slurp(const char *path, char *buf, size_t cap, size_t *len)
{
	char *data;
	int rc = mc_file_read(path, cap - 1, 0, &data, len);

	if (rc)
		return rc;
	memcpy(buf, data, *len);
	sodium_memzero(data, *len);
	free(data);
	return 0;
}

static int write_new(const char *path, mode_t mode, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n != (ssize_t)len || fsync(fd)) {
		int rc = n < 0 ? -errno : -EIO;

		close(fd);
		unlink(path);
		return rc;
	}
	return close(fd) ? -errno : 0;
}

int mc_sign_keygen(const char *base, char *err, size_t errlen)
{
	struct sec s = { .alg = "Ed", .kdf = "BK" };
	struct pub p = { .alg = "Ed" };
	char kpath[4096], ppath[4096], *ktext = NULL, *ptext = NULL;
	size_t klen = 0, plen = 0;
	uint8_t digest[crypto_hash_sha512_BYTES];
	int rc = init(err, errlen);

	if (rc)
		return rc;
	snprintf(kpath, sizeof(kpath), "%s.key", base);
	snprintf(ppath, sizeof(ppath), "%s.pub", base);
	randombytes_buf(s.keynum, sizeof(s.keynum));
	crypto_sign_ed25519_keypair(p.pk, s.sk);
	crypto_hash_sha512(digest, s.sk, sizeof(s.sk));
	memcpy(s.checksum, digest, sizeof(s.checksum));
	memcpy(p.keynum, s.keynum, sizeof(p.keynum));
	ktext = encode("migcheck secret key (signify format, not encrypted)", &s, sizeof(s), &klen);
	ptext = encode("migcheck public key (signify format)", &p, sizeof(p), &plen);
	sodium_memzero(&s, sizeof(s));
	if (!ktext || !ptext) {
		rc = fail(-ENOMEM, err, errlen, "out of memory");
		goto out_free;
	}
	rc = write_new(ppath, 0644, ptext, plen);
	if (rc) {
		fail(rc, err, errlen, "%s: %s", ppath, strerror(-rc));
		goto out_free;
	}
	rc = write_new(kpath, 0600, ktext, klen);
	if (rc) {
		fail(rc, err, errlen, "%s: %s", kpath, strerror(-rc));
		unlink(ppath);
	}
out_free:
	if (ktext)
		sodium_memzero(ktext, klen);
	free(ktext);
	free(ptext);
	return rc;
}

/* "verify with NAME.pub" for the key file @keypath, printable characters only. */
static void sig_comment(const char *keypath, char *out, size_t len)
{
	const char *base = strrchr(keypath, '/') ? strrchr(keypath, '/') + 1 : keypath;
	size_t n = strlen(base);
	int w;

	if (n > 4 && (!strcmp(base + n - 4, ".key") || !strcmp(base + n - 4, ".sec")))
		n -= 4;
	w = snprintf(out, len, "verify with %.*s.pub", (int)(n < 200 ? n : 200), base);
	for (int i = 0; i < w && (size_t)i < len; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f)
			out[i] = '?';
}

int mc_sign(const char *keypath, const void *msg, size_t len, char **sig, size_t *siglen, char *err,
	    size_t errlen)
{
	uint8_t digest[crypto_hash_sha512_BYTES];
	char text[4096], comment[256];
	struct sig sg = { .alg = "Ed" };
	struct sec s;
	size_t tlen;
	int rc = init(err, errlen);

	*sig = NULL;
	if (!rc)
		rc = slurp(keypath, text, sizeof(text), &tlen);
	if (rc)
		return rc == -EIO ? rc :
				    fail(rc, err, errlen, "%s: %s", keypath, mc_file_strerror(rc));
	if (decode(text, tlen, &s, sizeof(s)) || memcmp(s.alg, "Ed", 2) || memcmp(s.kdf, "BK", 2))
		rc = fail(-EINVAL, err, errlen, "%s: not a signify secret key", keypath);
	else if (memcmp(s.rounds, "\0\0\0\0", 4))
		rc = fail(-EINVAL, err, errlen,
			  "%s: the key is protected by a passphrase; make "
			  "one without (migcheck keygen, or signify -G -n)",
			  keypath);
	if (!rc) {
		crypto_hash_sha512(digest, s.sk, sizeof(s.sk));
		if (memcmp(digest, s.checksum, sizeof(s.checksum)))
			rc = fail(-EINVAL, err, errlen,
				  "%s: key checksum mismatch (a corrupted "
				  "key file)",
				  keypath);
	}
	if (!rc) {
		memcpy(sg.keynum, s.keynum, sizeof(sg.keynum));
		crypto_sign_ed25519_detached(sg.sig, NULL, msg, len, s.sk);
		sig_comment(keypath, comment, sizeof(comment));
		*sig = encode(comment, &sg, sizeof(sg), siglen);
		if (!*sig)
			rc = fail(-ENOMEM, err, errlen, "out of memory");
	}
	sodium_memzero(&s, sizeof(s));
	sodium_memzero(text, sizeof(text));
	return rc;
}

int mc_sign_check(const char *pubpath, const void *msg, size_t len, const char *sig, size_t siglen,
		  char *err, size_t errlen)
{
	char text[4096];
	struct pub p;
	struct sig sg;
	size_t tlen;
	int rc = init(err, errlen);

	if (!rc)
		rc = slurp(pubpath, text, sizeof(text), &tlen);
	if (rc)
		return rc == -EIO ? rc :
				    fail(rc, err, errlen, "%s: %s", pubpath, mc_file_strerror(rc));
	if (decode(text, tlen, &p, sizeof(p)) || memcmp(p.alg, "Ed", 2))
		return fail(-ENOKEY, err, errlen, "%s: not a signify public key", pubpath);
	if (decode(sig, siglen, &sg, sizeof(sg)) || memcmp(sg.alg, "Ed", 2))
		return fail(-EINVAL, err, errlen,
			    "the signature is not a signify Ed25519 "
			    "signature");
	if (memcmp(sg.keynum, p.keynum, KEYNUM))
		return fail(-EBADMSG, err, errlen,
			    "the signature was made with another key "
			    "than %s",
			    pubpath);
	if (crypto_sign_ed25519_verify_detached(sg.sig, msg, len, p.pk))
		return fail(-EBADMSG, err, errlen, "the signature does not verify with %s",
			    pubpath);
	return 0;
}
