/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The clause table (clauses.c; docs/CLAUSES.md): every requirement migcheck certifies,
 * with its stable ID, group and level. Cases name the clause they judge, and the report
 * rolls their verdicts up per clause.
 */
#ifndef MC_CLAUSES_H
#define MC_CLAUSES_H

#include <stdbool.h>
#include <stdio.h>

/*
 * How binding a clause is: a violated MUST fails the case, a SHOULD warns; an INFO clause
 * measures and gives no verdict of its own (only a budget fails it).
 */
enum mc_level { MC_MUST = 0, MC_SHOULD, MC_INFO };

/* "must", "should", "info"; mc_level_parse() inverts it (-1 when unknown). */
const char *mc_level_name(enum mc_level lv);
int mc_level_parse(const char *name);

/* One clause of the clause table (clauses.c; docs/CLAUSES.md). */
struct mc_clause {
	const char *id;	   /* "FSM-01" */
	const char *group; /* "FSM" */
	enum mc_level level;
	const char *text; /* the requirement, in our words */
};
/* The clause table (clauses.c), terminated by an entry with id == NULL. */
extern const struct mc_clause mc_clauses[];
/* Look up @id; NULL when unknown. */
const struct mc_clause *mc_clause_find(const char *id);
/* The clause groups in table order, with their headings; terminated by group == NULL. */
struct mc_clause_group {
	const char *group, *title;
};
extern const struct mc_clause_group mc_clause_groups[];
/* @group's heading ("The state machine"), or @group itself when unknown. */
const char *mc_clause_group_title(const char *group);
/* The clause list, by group: plain text, or docs/CLAUSES.md when @markdown. */
void mc_clauses_print(FILE *f, bool markdown);
/* Number of clauses in mc_clauses[], the terminator not counted. */
int mc_clause_count(void);

#endif /* MC_CLAUSES_H */
