// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reference model, cell by cell, against SPEC.md §4.6 (filtered next-step tables for
 * flag sets 1, 3, 5, 7) and §4.7 (complete paths and data_fd results). The tables here
 * are transcribed from the SPEC by hand, independently of the raw table in model.c.
 */
#include <errno.h>
#include <string.h>

#include "mc_test.h"
#include "mc_uapi.h"
#include "model.h"

/*
 * Codes: X = WARN+EINVAL (current state unsupported or ERROR), E = EINVAL, otherwise
 * the next step: S=STOP R=RUNNING C=STOP_COPY M=RESUMING P=RUNNING_P2P Q=PRE_COPY
 * Z=PRE_COPY_P2P. Rows and columns in uAPI order ERROR..PRE_COPY_P2P.
 */
static const char *const spec_46[8][8] = {
	[1] = { "XXXXXXXX", "ESRCMEEE", "ESRSSEEE", "ESSCSEEE", "ESSSMEEE", "XXXXXXXX", "XXXXXXXX",
		"XXXXXXXX" },
	[3] = { "XXXXXXXX", "ESPCMPEE", "EPRPPPEE", "ESSCSSEE", "ESSSMSEE", "ESRSSPEE", "XXXXXXXX",
		"XXXXXXXX" },
	[5] = { "XXXXXXXX", "ESRCMERE", "ESRSSEQE", "ESSCSEEE", "ESSSMESE", "XXXXXXXX", "ERRCREQE",
		"XXXXXXXX" },
	[7] = { "XXXXXXXX", "ESPCMPPP", "EPRPPPQP", "ESSCSSEE", "ESSSMSSS", "ESRSSPRZ", "ERRZRRQZ",
		"EPPCPPQZ" },
};

static int code_state(char c)
{
	return (int)(strchr("?SRCMPQZ", c) - "?SRCMPQZ");
}

START_TEST(next_step_tables)
{
	static const uint64_t sets[] = { 1, 3, 5, 7 };
	uint64_t flags = sets[_i];

	for (uint32_t from = 0; from < 8; from++) {
		for (uint32_t to = 0; to < 8; to++) {
			char want = spec_46[flags][from][to];
			uint32_t next = 99;
			bool warn = false;
			int rc = mc_model_next(flags, from, to, &next, &warn);

			if (want == 'X') {
				ck_assert_msg(rc == -EINVAL && warn,
					      "flags %lu %s->%s: want WARN+EINVAL",
					      (unsigned long)flags, mc_state_name(from),
					      mc_state_name(to));
			} else if (want == 'E') {
				ck_assert_msg(rc == -EINVAL && !warn,
					      "flags %lu %s->%s: want EINVAL", (unsigned long)flags,
					      mc_state_name(from), mc_state_name(to));
			} else {
				ck_assert_msg(rc == 0 && (int)next == code_state(want),
					      "flags %lu %s->%s: want %c got rc %d next %s",
					      (unsigned long)flags, mc_state_name(from),
					      mc_state_name(to), want, rc, mc_state_name(next));
			}
		}
	}
}
END_TEST

/* SPEC §4.7, flags 7: "from to : path... : fd". */
static const char *const spec_47_flags7[] = {
	"STOP RUNNING : STOP RUNNING_P2P RUNNING : no",
	"STOP STOP_COPY : STOP STOP_COPY : yes",
	"STOP RESUMING : STOP RESUMING : yes",
	"STOP RUNNING_P2P : STOP RUNNING_P2P : no",
	"STOP PRE_COPY : STOP RUNNING_P2P RUNNING PRE_COPY : yes",
	"STOP PRE_COPY_P2P : STOP RUNNING_P2P PRE_COPY_P2P : yes",
	"RUNNING STOP : RUNNING RUNNING_P2P STOP : no",
	"RUNNING STOP_COPY : RUNNING RUNNING_P2P STOP STOP_COPY : yes",
	"RUNNING RESUMING : RUNNING RUNNING_P2P STOP RESUMING : yes",
	"RUNNING RUNNING_P2P : RUNNING RUNNING_P2P : no",
	"RUNNING PRE_COPY : RUNNING PRE_COPY : yes",
	"RUNNING PRE_COPY_P2P : RUNNING RUNNING_P2P PRE_COPY_P2P : yes",
	"STOP_COPY STOP : STOP_COPY STOP : no",
	"STOP_COPY RUNNING : STOP_COPY STOP RUNNING_P2P RUNNING : no",
	"STOP_COPY RESUMING : STOP_COPY STOP RESUMING : yes",
	"STOP_COPY RUNNING_P2P : STOP_COPY STOP RUNNING_P2P : no",
	"STOP_COPY PRE_COPY : EINVAL : -",
	"STOP_COPY PRE_COPY_P2P : EINVAL : -",
	"RESUMING STOP : RESUMING STOP : no",
	"RESUMING RUNNING : RESUMING STOP RUNNING_P2P RUNNING : no",
	"RESUMING STOP_COPY : RESUMING STOP STOP_COPY : yes",
	"RESUMING RUNNING_P2P : RESUMING STOP RUNNING_P2P : no",
	"RESUMING PRE_COPY : RESUMING STOP RUNNING_P2P RUNNING PRE_COPY : yes",
	"RESUMING PRE_COPY_P2P : RESUMING STOP RUNNING_P2P PRE_COPY_P2P : yes",
	"RUNNING_P2P STOP : RUNNING_P2P STOP : no",
	"RUNNING_P2P RUNNING : RUNNING_P2P RUNNING : no",
	"RUNNING_P2P STOP_COPY : RUNNING_P2P STOP STOP_COPY : yes",
	"RUNNING_P2P RESUMING : RUNNING_P2P STOP RESUMING : yes",
	"RUNNING_P2P PRE_COPY : RUNNING_P2P RUNNING PRE_COPY : yes",
	"RUNNING_P2P PRE_COPY_P2P : RUNNING_P2P PRE_COPY_P2P : yes",
	"PRE_COPY STOP : PRE_COPY RUNNING RUNNING_P2P STOP : no",
	"PRE_COPY RUNNING : PRE_COPY RUNNING : no",
	"PRE_COPY STOP_COPY : PRE_COPY PRE_COPY_P2P STOP_COPY : no",
	"PRE_COPY RESUMING : PRE_COPY RUNNING RUNNING_P2P STOP RESUMING : yes",
	"PRE_COPY RUNNING_P2P : PRE_COPY RUNNING RUNNING_P2P : no",
	"PRE_COPY PRE_COPY_P2P : PRE_COPY PRE_COPY_P2P : no",
	"PRE_COPY_P2P STOP : PRE_COPY_P2P RUNNING_P2P STOP : no",
	"PRE_COPY_P2P RUNNING : PRE_COPY_P2P RUNNING_P2P RUNNING : no",
	"PRE_COPY_P2P STOP_COPY : PRE_COPY_P2P STOP_COPY : no",
	"PRE_COPY_P2P RESUMING : PRE_COPY_P2P RUNNING_P2P STOP RESUMING : yes",
	"PRE_COPY_P2P RUNNING_P2P : PRE_COPY_P2P RUNNING_P2P : no",
	"PRE_COPY_P2P PRE_COPY : PRE_COPY_P2P PRE_COPY : no",
};

/* SPEC §4.7, flags 1 and 5 (the paths it lists). */
static const char *const spec_47_flags1[] = {
	"STOP RUNNING : STOP RUNNING : no",
	"RUNNING STOP : RUNNING STOP : no",
	"RUNNING STOP_COPY : RUNNING STOP STOP_COPY : yes",
	"RUNNING RESUMING : RUNNING STOP RESUMING : yes",
	"STOP_COPY RUNNING : STOP_COPY STOP RUNNING : no",
	"STOP_COPY RESUMING : STOP_COPY STOP RESUMING : yes",
	"RESUMING RUNNING : RESUMING STOP RUNNING : no",
	"RESUMING STOP_COPY : RESUMING STOP STOP_COPY : yes",
	"STOP RUNNING_P2P : EINVAL : -",
	"STOP PRE_COPY : EINVAL : -",
	"STOP PRE_COPY_P2P : EINVAL : -",
};
static const char *const spec_47_flags5[] = {
	"STOP PRE_COPY : STOP RUNNING PRE_COPY : yes",
	"RESUMING PRE_COPY : RESUMING STOP RUNNING PRE_COPY : yes",
	"PRE_COPY STOP : PRE_COPY RUNNING STOP : no",
	"PRE_COPY STOP_COPY : PRE_COPY STOP_COPY : no",
	"PRE_COPY RESUMING : PRE_COPY RUNNING STOP RESUMING : yes",
	"STOP_COPY PRE_COPY : EINVAL : -",
	"RUNNING RUNNING_P2P : EINVAL : -",
	"PRE_COPY PRE_COPY_P2P : EINVAL : -",
};

static void check_path_line(uint64_t flags, const char *line)
{
	char buf[256], *save = NULL, *tok;
	uint32_t want[MC_MAX_PATH], path[MC_MAX_PATH];
	int nwant = 0, from, to, n;
	struct mc_expect e;

	strcpy(buf, line);
	from = (int)mc_state_parse(strtok_r(buf, " ", &save));
	to = (int)mc_state_parse(strtok_r(NULL, " ", &save));
	ck_assert_int_ge(from, 0);
	ck_assert_int_ge(to, 0);
	strtok_r(NULL, " ", &save); /* ":" */
	while ((tok = strtok_r(NULL, " ", &save)) && strcmp(tok, ":"))
		want[nwant++] = !strcmp(tok, "EINVAL") ? 99u : (uint32_t)mc_state_parse(tok);
	tok = strtok_r(NULL, " ", &save);

	n = mc_model_path(flags, (uint32_t)from, (uint32_t)to, path);
	mc_model_expect(flags, (uint32_t)from, (uint32_t)to, &e);
	if (want[0] == 99u) {
		ck_assert_msg(n == -EINVAL && e.err == -EINVAL && !e.new_fd &&
				      e.state_after == (uint32_t)from,
			      "flags %lu: %s: model gave a path", (unsigned long)flags, line);
		return;
	}
	ck_assert_msg(n == nwant - 1, "flags %lu: %s: model path has %d arcs", (unsigned long)flags,
		      line, n);
	for (int i = 0; i < nwant; i++)
		ck_assert_msg(path[i] == want[i], "flags %lu: %s: step %d is %s",
			      (unsigned long)flags, line, i, mc_state_name(path[i]));
	ck_assert_msg(e.err == 0 && e.state_after == (uint32_t)to && e.narcs == n,
		      "flags %lu: %s: expectation", (unsigned long)flags, line);
	ck_assert_msg(e.new_fd == !strcmp(tok, "yes"), "flags %lu: %s: fd expectation %d",
		      (unsigned long)flags, line, e.new_fd);
}

START_TEST(paths_flags7)
{
	for (size_t i = 0; i < sizeof(spec_47_flags7) / sizeof(spec_47_flags7[0]); i++)
		check_path_line(7, spec_47_flags7[i]);
	/* "any → ERROR: EINVAL" */
	for (uint32_t from = 1; from < 8; from++) {
		uint32_t path[MC_MAX_PATH];

		ck_assert_int_eq(mc_model_path(7, from, 0, path), -EINVAL);
	}
}
END_TEST

START_TEST(paths_flags1_and_5)
{
	for (size_t i = 0; i < sizeof(spec_47_flags1) / sizeof(spec_47_flags1[0]); i++)
		check_path_line(1, spec_47_flags1[i]);
	for (size_t i = 0; i < sizeof(spec_47_flags5) / sizeof(spec_47_flags5[0]); i++)
		check_path_line(5, spec_47_flags5[i]);
}
END_TEST

/* SPEC §4.7: flags 3 behave as flags 7 restricted to states 1-5. */
START_TEST(paths_flags3_are_flags7_restricted)
{
	for (uint32_t from = 1; from <= 5; from++) {
		for (uint32_t to = 0; to < 8; to++) {
			struct mc_expect e3, e7;

			mc_model_expect(3, from, to, &e3);
			mc_model_expect(7, from, to, &e7);
			if (to == 0 || to > 5) {
				ck_assert_int_eq(e3.err, -EINVAL);
				continue;
			}
			ck_assert_int_eq(e3.err, e7.err);
			ck_assert_int_eq(e3.narcs, e7.narcs);
			ck_assert_int_eq(e3.new_fd, e7.new_fd);
			ck_assert(!memcmp(e3.path, e7.path,
					  sizeof(uint32_t) * (size_t)(e3.narcs + 1)));
		}
	}
}
END_TEST

/*
 * The path rule: a saving-group state is interior only when both ends are saving (the
 * session stays inside the group); no path passes an unsupported state.
 */
START_TEST(path_rule_holds_everywhere)
{
	static const uint64_t sets[] = { 1, 3, 5, 7 };

	for (int f = 0; f < 4; f++) {
		for (uint32_t from = 1; from < 8; from++) {
			if (!mc_model_supported(sets[f], from))
				continue;
			for (uint32_t to = 0; to < 10; to++) {
				uint32_t path[MC_MAX_PATH];
				int n = mc_model_path(sets[f], from, to, path);

				for (int i = 1; i < n; i++)
					ck_assert(!mc_model_saving(path[i]) ||
						  (mc_model_saving(from) && mc_model_saving(to)));
				for (int i = 0; i <= n; i++)
					ck_assert(mc_model_supported(sets[f], path[i]));
				if (to >= 8 || to == 0)
					ck_assert_int_eq(n, -EINVAL);
			}
		}
	}
}
END_TEST

START_TEST(sessions)
{
	struct mc_expect e;

	mc_model_expect(7, VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_STOP_COPY, &e);
	ck_assert_int_eq(e.old_session, MC_SESSION_KEPT);
	mc_model_expect(7, VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_STOP, &e);
	ck_assert_int_eq(e.old_session, MC_SESSION_ENDED);
	mc_model_expect(7, VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_PRE_COPY, &e);
	ck_assert_int_eq(e.old_session, MC_SESSION_KEPT);
	mc_model_expect(7, VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_RESUMING, &e);
	ck_assert_int_eq(e.old_session, MC_SESSION_KEPT);
	ck_assert(!e.new_fd);
	mc_model_expect(7, VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_RESUMING, &e);
	ck_assert_int_eq(e.old_session, MC_SESSION_ENDED);
	ck_assert(e.new_fd);
	mc_model_expect(7, VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP, &e);
	ck_assert_int_eq(e.old_session, MC_SESSION_NONE);
	ck_assert_int_eq(mc_state_parse("pre_copy_p2p"), 7);
	ck_assert_int_eq(mc_state_parse("0xffffffff"), 0xffffffffLL);
	ck_assert_int_eq(mc_state_parse("bogus"), -1);
	ck_assert_int_eq(mc_state_parse("-0"), -1); /* strictly: no sign, no blank */
	ck_assert_int_eq(mc_state_parse("+1"), -1);
	ck_assert_int_eq(mc_state_parse(" 1"), -1);
	ck_assert_int_eq(mc_state_parse("-4294967295"), -1);
	ck_assert_str_eq(mc_state_name(8), "STATE_8");
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("tables");

	tcase_add_loop_test(tc, next_step_tables, 0, 4);
	tcase_add_test(tc, paths_flags7);
	tcase_add_test(tc, paths_flags1_and_5);
	tcase_add_test(tc, paths_flags3_are_flags7_restricted);
	tcase_add_test(tc, path_rule_holds_everywhere);
	tcase_add_test(tc, sessions);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(model_suite)
