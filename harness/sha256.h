/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 (FIPS 180-4) for certification bundles: the manifest's digests and the
 * kernel config hash. Streaming (init/update/final) and one-shot helpers.
 */
#ifndef MC_SHA256_H
#define MC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define MC_SHA256_LEN 32
#define MC_SHA256_HEX (2 * MC_SHA256_LEN + 1) /* hex digits and the NUL */

struct mc_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	size_t used; /* bytes waiting in @buf */
};

void mc_sha256_init(struct mc_sha256 *s);
void mc_sha256_update(struct mc_sha256 *s, const void *data, size_t len);
/* Write the digest to @out; @s must be initialised again before reuse. */
void mc_sha256_final(struct mc_sha256 *s, uint8_t out[MC_SHA256_LEN]);
/* Digest of @len bytes at @data as lower-case hex into @hex (MC_SHA256_HEX bytes). */
void mc_sha256_hex(const void *data, size_t len, char hex[MC_SHA256_HEX]);
/*
 * Digest of the file @path as hex. Returns 0, or -errno when it cannot be read;
 * *@size (may be NULL) gets its length.
 */
int mc_sha256_file(const char *path, char hex[MC_SHA256_HEX], uint64_t *size);

/*
 * mc_kernel_config_hash: SHA-256 of the running kernel's config, from the first of
 * /boot/config-@release, /lib/modules/@release/config, /proc/config.gz that is readable
 * (the last hashed as stored, compressed). Fills @hex and @src (the file used); both
 * "" and -ENOENT when none is readable.
 */
int mc_kernel_config_hash(const char *release, char hex[MC_SHA256_HEX], char *src, size_t srclen);

#endif /* MC_SHA256_H */
