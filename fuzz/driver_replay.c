// SPDX-License-Identifier: GPL-2.0-only
/*
 * Plain replay driver of one target (-DMC_FUZZ_TARGET=name): `replay_<target> [options]
 * FILE|DIR...` runs the inputs as `migcheck replay --target <target>` does; make
 * fuzz-check runs it over corpus/<target>/ under ASan/UBSan.
 */
#include "fuzz.h"

#define MC_STR_(x) #x
#define MC_STR(x) MC_STR_(x)

int main(int argc, char **argv)
{
	return mc_fuzz_replay_main(argc, argv, MC_STR(MC_FUZZ_TARGET));
}
