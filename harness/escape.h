/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Escaping for the files migcheck writes (escape.c): JSON string literals and XML text
 * and attribute values. Whatever bytes a device, a kernel or a file gave, the output is
 * valid JSON or XML: nothing needs checking first.
 */
#ifndef MC_ESCAPE_H
#define MC_ESCAPE_H

#include <stdio.h>

/*
 * Write @s to @f as a JSON string literal (quotes included), escaping everything needed;
 * invalid UTF-8 bytes become U+FFFD, so the output is always valid JSON. NULL -> null.
 */
void mc_json_str(FILE *f, const char *s);
/*
 * Write @s to @f with XML escaping (&, <, >, ", ' and CR); characters XML 1.0 forbids
 * are dropped and invalid UTF-8 bytes become U+FFFD. NULL writes nothing.
 */
void mc_xml_str(FILE *f, const char *s);

/* As mc_xml_str(), for attribute values: also writes tab, newline and CR as references. */
void mc_xml_attr(FILE *f, const char *s);

#endif /* MC_ESCAPE_H */
