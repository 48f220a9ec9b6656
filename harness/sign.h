/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bundle signatures: Ed25519 (libsodium) in signify's file formats, so that a customer
 * checks a bundle's manifest with `signify-openbsd -V` and no migcheck. Keys: NAME.key
 * (unencrypted signify secret key, mode 0600) and NAME.pub; signatures: detached
 * "untrusted comment" + base64 files, as `signify -S` writes them.
 */
#ifndef MC_SIGN_H
#define MC_SIGN_H

#include <stddef.h>

#define MC_SIG_SUFFIX ".sig" /* signify's name for a file's signature */

/*
 * mc_sign_keygen: make a key pair and write @base.key (0600) and @base.pub. Neither may
 * exist already. Returns 0, or -errno with the reason in @err (-EEXIST for an existing
 * file; nothing is left behind on failure).
 */
int mc_sign_keygen(const char *base, char *err, size_t errlen);

/*
 * mc_sign: sign @len bytes at @msg with the secret key file @keypath (signify's format,
 * unencrypted: `signify -G -n` or mc_sign_keygen). On success *@sig (free()) holds the
 * signature file's text, *@siglen bytes. -errno with @err set otherwise (-EINVAL for a
 * malformed or passphrase-protected key).
 */
int mc_sign(const char *keypath, const void *msg, size_t len, char **sig, size_t *siglen, char *err,
	    size_t errlen);

/*
 * mc_sign_check: check signature file text @sig (@siglen bytes) over @msg with the
 * public key file @pubpath. Returns 0 when it verifies; -EBADMSG when it does not or
 * was made by another key, -EINVAL when @sig is not a signify signature (both: the
 * message was not signed by that key); another -errno when @pubpath cannot be read or
 * is not a signify public key. @err says which.
 */
int mc_sign_check(const char *pubpath, const void *msg, size_t len, const char *sig, size_t siglen,
		  char *err, size_t errlen);

#endif /* MC_SIGN_H */
