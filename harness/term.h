/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text from inputs (reports, bundles, kernel logs, expected-verdict files) on a terminal:
 * escaped, so that a crafted string cannot move the cursor, retitle the window, forge a
 * line or hide itself. Control bytes (C0, DEL, newline and tab included), C1 controls,
 * Unicode bidi and zero-width controls (U+200B..U+200F, U+2028..U+202E, U+2060..U+206F,
 * U+FEFF) and bytes that are not UTF-8 are shown as \xNN, a backslash as "\\"; valid
 * printable UTF-8 is kept.
 */
#ifndef MC_TERM_H
#define MC_TERM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/*
 * mc_term_escape: the @n bytes at @s escaped into @out, NUL-terminated and cut at a
 * character boundary when @len is too small. Returns the length of the whole escaped
 * text (like snprintf: >= @len means it was cut). @out may be NULL when @len is 0.
 */
size_t mc_term_escape(char *out, size_t len, const void *s, size_t n);

/* mc_term_str: mc_term_escape() of the C string @s (NULL prints as "(null)"); returns @out. */
const char *mc_term_str(char *out, size_t len, const char *s);

/* mc_term_fwrite: the @n bytes at @s escaped onto @f, without a length limit. */
void mc_term_fwrite(FILE *f, const void *s, size_t n);

/*
 * mc_term_printf: format like fprintf and write the result escaped onto @f, except for
 * one newline that ends @fmt itself. For lines built from input strings; a caller's
 * multi-line output makes one call per line. Returns what fprintf would, or -1.
 */
__attribute__((format(printf, 2, 3))) int mc_term_printf(FILE *f, const char *fmt, ...);
__attribute__((format(printf, 2, 0))) int mc_term_vprintf(FILE *f, const char *fmt, va_list ap);

#endif
