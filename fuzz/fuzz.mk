# SPDX-License-Identifier: GPL-2.0-only
# Fuzzing (fuzz/README.md): the targets' interpreters go into libmigcheck.a of every
# flavour (so `migcheck replay` works on any backend); libFuzzer (clang-14) and AFL++
# (afl-clang-fast) builds of the whole library live in build/fuzz-lf/ and build/fuzz-afl/;
# replay drivers link the ASan/UBSan flavour. Campaigns, minimisation, seeds and
# fuzz-check. Included from the Makefile; `make fuzz-help` lists targets and knobs.

FUZZ_DIR      := fuzz
FUZZ_LIB_SRCS := $(sort $(filter-out $(FUZZ_DIR)/driver_%.c,$(wildcard $(FUZZ_DIR)/*.c)))
# One target per fuzz/<target>.c; the shared files are fuzz/fuzz_*.c.
FUZZ_TARGETS  := $(filter-out fuzz_%,$(basename $(notdir $(FUZZ_LIB_SRCS))))
# The parser targets (MC_FUZZ_NO_DEVICE in fuzz.h's table, read from there): an untrusted
# file for one of the library's readers, no device. What runs a target against a device
# (make vmfuzz, vmreplay) takes FUZZ_DEVICE_TARGETS.
FUZZ_PARSER_TARGETS := $(shell sed -n 's/^[[:space:]]*X(\([a-z_0-9]*\), *MC_FUZZ_NO_DEVICE[,)].*/\1/p' \
                         $(FUZZ_DIR)/fuzz.h)
FUZZ_DEVICE_TARGETS := $(filter-out $(FUZZ_PARSER_TARGETS),$(FUZZ_TARGETS))
# Refused before anything boots (vm/vm.mk's campaigns take TARGET): a guest has no use
# for a target that parses files.
ifneq ($(filter vmfuzz vmreplay,$(MAKECMDGOALS)),)
ifneq ($(filter $(TARGET),$(FUZZ_PARSER_TARGETS)),)
$(error TARGET=$(TARGET) parses files and touches no device: fuzz it on the host (make fuzz); \
  the targets for a guest are $(FUZZ_DEVICE_TARGETS))
endif
endif
FUZZ_CC       ?= clang-14
AFL_CC        ?= afl-clang-fast
AFL_ASAN      ?= 0
FUZZ_DEB_PKGS ?= clang-14 libclang-rt-14-dev afl++ zip unzip

TARGET   ?= state_sequence
SECONDS  ?= 60
JOBS     ?= 1
MERGE    ?= 0
ENGINE   ?= libfuzzer
INPUT    ?=
SAVE     ?=
FUZZ_OUT ?= $(BUILD)/fuzz-out
FUZZ_SMOKE_SECONDS ?= 8
SAN      ?= 1
# `make fuzz` and `make minimize` use the ASan+UBSan build, or with SAN=0 the
# coverage-only one (build/fuzz-cov: 3-4 times the executions).
FUZZ_LF_DIR := $(if $(filter 0,$(SAN)),fuzz-cov,fuzz-lf)

fuzz_objs = $(patsubst $(FUZZ_DIR)/%.c,$(BUILD)/$(1)/fuzz/%.o,$(FUZZ_LIB_SRCS))

# ---------------------------------------------------------------- flavours
CFLAGS_fuzz-lf  := $(BASEFLAGS) -O1 -g -fno-omit-frame-pointer \
                   -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# The throughput build: libFuzzer with coverage only, no sanitizers (campaigns that want
# executions over depth, and the bench's second column); a finding is replayed under
# ASan/UBSan with the replay drivers.
CFLAGS_fuzz-cov := $(BASEFLAGS) -O2 -g -fsanitize=fuzzer-no-link
CFLAGS_fuzz-afl := $(BASEFLAGS) -O2 -g $(if $(filter 1,$(AFL_ASAN)),$(FUZZ_SAN_FLAGS))
# Each fuzz flavour compiles everything under its directory with its own compiler
# (private: the generators built on the way keep $(CC)).
$(BUILD)/fuzz-lf/%: private CC := $(FUZZ_CC)
$(BUILD)/fuzz-cov/%: private CC := $(FUZZ_CC)
$(BUILD)/fuzz-afl/%: private CC := $(AFL_CC)
$(BUILD)/fuzz-afl/%: export AFL_QUIET := 1

$(foreach f,$(FLAVOURS) fuzz-lf fuzz-cov fuzz-afl,$(eval CFLAGS_$(f) += -I$(FUZZ_DIR)))

# libFuzzer's coverage instruments what a campaign explores: the simulated device, the
# model and the restored-device exercise the oracles use, and the interpreters (each
# target, and fuzz_dev.c's device steps and write plans). The rest of the library (the
# device layer and its operation log, spec parsing, findings and their text, input
# decoding, kernel-log, KCOV and trace plumbing, reports) is built without: each edge it
# reaches was one more feature for the engine to collect after every input, and each of
# its comparisons a hook call, and they tell nothing about the device. Objects are
# shared, so fuzzbase (make bench) and the replay of a finding see the same split.
#
# The parser targets explore the readers of untrusted files: the JSON and tar readers, the
# report loader behind `migcheck report`/`diff`/`verify`, and verify's checks of a bundle
# (its manifest, members, evidence). A device target never calls them, so their edges
# cost it only the engine's scan of their counters after each input (state_sequence,
# coverage-only build, two rounds of 10 s: 46,402 exec/s without them, 46,441 with).
FUZZ_PARSER_SRCS := harness/json.c harness/tar.c harness/rep_load.c harness/rep_kernel.c \
                    harness/verify.c harness/verify_evidence.c harness/waiver.c
FUZZ_COV_SRCS   := $(wildcard harness/sim*.c) harness/model.c harness/exercise.c \
                   $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%.c) $(FUZZ_DIR)/fuzz_dev.c $(FUZZ_PARSER_SRCS)
FUZZ_NOCOV_SRCS := $(filter-out $(FUZZ_COV_SRCS),$(LIB_SRCS) $(FUZZ_LIB_SRCS))
$(foreach f,fuzz-lf fuzz-cov,$(eval $(patsubst %.c,$(BUILD)/$(f)/%.o,$(FUZZ_NOCOV_SRCS)): \
  private CFLAGS_$(f) += -fno-sanitize=fuzzer-no-link))
# The oracles' side (the model, the restored-device exercise) keeps its edges, which tell
# apart the situations an input reached, but not its comparison hooks: it compares states
# and lengths the device already compared, so each hook fed the engine's table of recent
# comparisons nothing new, at a call for each (about 3% of state_sequence's time).
FUZZ_EDGE_SRCS  := harness/model.c harness/exercise.c
# The same split for fuzz/build.sh (OSS-Fuzz), which asks make for it.
fuzz-srcs:
	@echo "nocov $(filter-out $(FUZZ_EDGE_SRCS),$(FUZZ_NOCOV_SRCS))"
	@echo "edge $(FUZZ_EDGE_SRCS)"
$(foreach f,fuzz-lf fuzz-cov,$(eval $(patsubst %.c,$(BUILD)/$(f)/%.o,$(FUZZ_EDGE_SRCS)): \
  private CFLAGS_$(f) += -fno-sanitize=fuzzer-no-link -fsanitize-coverage=inline-8bit-counters,pc-table))
# The fuzz flavours' flags live in this file: an edit rebuilds their objects.
$(foreach f,fuzz-lf fuzz-cov fuzz-afl,$(call objs,$(f)) $(call fuzz_objs,$(f))): $(FUZZ_DIR)/fuzz.mk
$(foreach f,fuzz-lf fuzz-cov fuzz-afl,$(eval $(call flavour_rules,$(f))))

define fuzz_obj_rules
$(BUILD)/$(1)/fuzz/%.o: $(FUZZ_DIR)/%.c | deps $(GEN_HDRS)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_$(1)) -c -o $$@ $$<
$(BUILD)/$(1)/libmigcheck.a: $(call fuzz_objs,$(1))
endef
$(foreach f,$(FLAVOURS) fuzz-lf fuzz-cov fuzz-afl,$(eval $(call fuzz_obj_rules,$(f))))

# ---------------------------------------------------------------- binaries
FUZZ_LF_BINS     := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-lf/%)
FUZZ_COV_BINS    := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-cov/%)
FUZZ_AFL_BINS    := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-afl/%)
FUZZ_REPLAY_BINS := $(FUZZ_TARGETS:%=$(BUILD)/asan/fuzz/replay_%)
FUZZ_SEEDS_BIN   := $(BUILD)/asan/fuzz/fuzz_seeds

$(FUZZ_LF_BINS): $(BUILD)/fuzz-lf/%: $(FUZZ_DIR)/driver_libfuzzer.c $(BUILD)/fuzz-lf/libmigcheck.a
	$(Q)$(CC) $(CFLAGS_fuzz-lf) -fsanitize=fuzzer -DMC_FUZZ_TARGET=$* -o $@ $< \
	  $(BUILD)/fuzz-lf/libmigcheck.a $(LIBS)
	@echo "  LD  $@"

$(FUZZ_COV_BINS): $(BUILD)/fuzz-cov/%: $(FUZZ_DIR)/driver_libfuzzer.c $(BUILD)/fuzz-cov/libmigcheck.a
	$(Q)$(CC) $(CFLAGS_fuzz-cov) -fsanitize=fuzzer -DMC_FUZZ_TARGET=$* -o $@ $< \
	  $(BUILD)/fuzz-cov/libmigcheck.a $(LIBS)
	@echo "  LD  $@"

$(FUZZ_AFL_BINS): $(BUILD)/fuzz-afl/%: $(FUZZ_DIR)/driver_afl.c $(BUILD)/fuzz-afl/libmigcheck.a
	$(Q)$(CC) $(CFLAGS_fuzz-afl) -DMC_FUZZ_TARGET=$* -o $@ $< $(BUILD)/fuzz-afl/libmigcheck.a \
	  $(LIBS) -Wl,--defsym=mc_afl_area_ptr=__afl_area_ptr,--defsym=mc_afl_map_size=__afl_map_size
	@echo "  LD  $@"

$(FUZZ_REPLAY_BINS): $(BUILD)/asan/fuzz/replay_%: $(FUZZ_DIR)/driver_replay.c $(BUILD)/asan/libmigcheck.a
	$(Q)$(CC) $(CFLAGS_asan) $(LDFLAGS_asan) -DMC_FUZZ_TARGET=$* -o $@ $< \
	  $(BUILD)/asan/libmigcheck.a $(LIBS)

$(FUZZ_SEEDS_BIN): tools/fuzz_seeds.c $(BUILD)/asan/libmigcheck.a
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_asan) $(LDFLAGS_asan) -o $@ $< $(BUILD)/asan/libmigcheck.a $(LIBS)

# ---------------------------------------------------------------- commands
.PHONY: fuzz afl minimize fuzz-check fuzz-replay fuzz-smoke fuzz-build fuzz-deps fuzz-seeds fuzz-seeds-check \
        fuzz-oss fuzz-help fuzz-target-ok fuzz-known-check fuzz-srcs fuzz-oss-check

FUZZ_ENV = MC_BUILD='$(BUILD)' MC_TARGET='$(TARGET)' MC_SECONDS='$(SECONDS)' MC_JOBS='$(JOBS)' \
           MC_MERGE='$(MERGE)' MC_ENGINE='$(ENGINE)' MC_INPUT='$(INPUT)' MC_SAVE='$(SAVE)' \
           MC_OUT='$(FUZZ_OUT)' MC_FUZZ_DIR='$(FUZZ_DIR)' MC_LF_DIR='$(FUZZ_LF_DIR)' \
           MC_PARSER_TARGETS='$(FUZZ_PARSER_TARGETS)'

# Compilers first: everything clang-14 or afl-clang-fast builds waits for them.
fuzz-deps:
	$(Q)tools/apt-install.sh $(FUZZ_DEB_PKGS)
$(foreach f,fuzz-lf fuzz-cov fuzz-afl,$(call objs,$(f)) $(call fuzz_objs,$(f))) \
  $(FUZZ_LF_BINS) $(FUZZ_COV_BINS) $(FUZZ_AFL_BINS): | fuzz-deps

fuzz-target-ok:
	$(Q)case " $(FUZZ_TARGETS) " in *" $(TARGET) "*) ;; \
	  *) echo "error: TARGET=$(TARGET) is not one of: $(FUZZ_TARGETS)" >&2; exit 2;; esac

fuzz-build: $(FUZZ_LF_BINS) $(FUZZ_COV_BINS) $(FUZZ_REPLAY_BINS)

# A libFuzzer campaign on a copy of corpus/$(TARGET) (MERGE=1 merges new inputs back).
FUZZ_T := $(filter $(TARGET),$(FUZZ_TARGETS))
fuzz: fuzz-target-ok $(FUZZ_T:%=$(BUILD)/$(FUZZ_LF_DIR)/%)
	$(Q)$(FUZZ_ENV) $(FUZZ_DIR)/campaign.sh libfuzzer

# An AFL++ campaign: one -M and JOBS-1 -S instances on one sync directory.
afl: fuzz-target-ok $(FUZZ_T:%=$(BUILD)/fuzz-afl/%)
	$(Q)$(FUZZ_ENV) $(FUZZ_DIR)/campaign.sh afl

# Shrink a crashing input: libFuzzer -minimize_crash, or afl-tmin with ENGINE=afl.
minimize: fuzz-target-ok $(FUZZ_T:%=$(BUILD)/asan/fuzz/replay_%) \
          $(FUZZ_T:%=$(BUILD)/$(if $(filter afl,$(ENGINE)),fuzz-afl,$(FUZZ_LF_DIR))/%)
	$(Q)test -n "$(INPUT)" || { echo "error: INPUT=<crashing input> is required" >&2; exit 2; }
	$(Q)$(FUZZ_ENV) $(FUZZ_DIR)/campaign.sh minimize

# Every corpus replayed under ASan/UBSan (defect-* files must also trip their defect),
# then each libFuzzer target for FUZZ_SMOKE_SECONDS against the simulated device, and
# each coverage-only build for 2 s.
fuzz-check: fuzz-replay fuzz-smoke fuzz-known-check fuzz-seeds-check fuzz-oss-check

# The committed corpus is what `make fuzz-seeds` makes of it: every generated seed as the
# generator writes it, and corpus/README.md (hand-written regression rows kept) unchanged.
fuzz-seeds-check: $(FUZZ_SEEDS_BIN)
	$(Q)d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && cp -r corpus "$$d/" && \
	  $(FUZZ_SEEDS_BIN) "$$d/corpus" && \
	  if diff -r corpus "$$d/corpus" >"$$d/diff"; then echo "fuzz-seeds-check: ok"; \
	  else echo "FAIL: corpus/ is not what make fuzz-seeds makes of it:" >&2; cat "$$d/diff" >&2; exit 1; fi

# MIGCHECK_FUZZ_CONTINUE=known (vmfuzz campaigns): a finding aborts the first time its key
# is kept, not when it is known (vmfuzz would start its process again at each, 25 s on the debug kernel).
FUZZ_KNOWN_IN := corpus/resume_stream/defect-end_optional--stream-without-end-record-accepted
fuzz-known-check: $(BUILD)/fuzz-lf/resume_stream
	$(Q)d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	  run() { MIGCHECK_FUZZ_DEVICE=sim:flags=7:mem=4096:defect=end_optional \
	    MIGCHECK_FUZZ_FINDINGS=$$d/f.log MIGCHECK_FUZZ_CONTINUE=known \
	    $(BUILD)/fuzz-lf/resume_stream $(FUZZ_KNOWN_IN) >>$$d/out 2>&1; }; \
	  if run; then echo "FAIL: a new finding did not abort ($$d/out)" >&2; cat $$d/out >&2; exit 1; fi; \
	  run || { echo "FAIL: a known finding aborted" >&2; cat $$d/out >&2; exit 1; }; \
	  echo "fuzz-known-check: ok (a new finding aborts, a known one goes on)"

fuzz-replay: $(FUZZ_REPLAY_BINS)
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== replay corpus/$$t"; $(BUILD)/asan/fuzz/replay_$$t --check-defects corpus/$$t; \
	done

fuzz-smoke: $(FUZZ_LF_BINS) $(FUZZ_COV_BINS)
	$(Q)$(FUZZ_ENV) MC_SECONDS='$(FUZZ_SMOKE_SECONDS)' MC_TARGET='$(FUZZ_TARGETS)' \
	  MC_LF_DIR=fuzz-lf $(FUZZ_DIR)/campaign.sh smoke
	$(Q)$(FUZZ_ENV) MC_SECONDS=2 MC_TARGET='$(FUZZ_TARGETS)' MC_LF_DIR=fuzz-cov \
	  $(FUZZ_DIR)/campaign.sh smoke

# Regenerate the generated seeds and corpus/README.md (defect-* regressions are kept).
fuzz-seeds: $(FUZZ_SEEDS_BIN)
	$(Q)$(FUZZ_SEEDS_BIN) corpus

# The OSS-Fuzz / ClusterFuzzLite build (fuzz/build.sh) with local defaults, into build/oss-fuzz/.
FUZZ_OSS_FLAGS := -O1 -g -fsanitize=address,undefined,fuzzer-no-link
fuzz-oss: | fuzz-deps
	$(Q)CC=$(FUZZ_CC) CXX=$(FUZZ_CC:clang%=clang++%) \
	  CFLAGS="$(FUZZ_OSS_FLAGS)" CXXFLAGS="$(FUZZ_OSS_FLAGS)" \
	  LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=$(abspath $(BUILD))/oss-fuzz/out \
	  WORK=$(abspath $(BUILD))/oss-fuzz/work $(FUZZ_DIR)/build.sh

# fuzz/build.sh builds and links every target, and each runs its seed corpus clean.
fuzz-oss-check: fuzz-oss
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
	  d=$$(mktemp -d) && (cd "$$d" && unzip -q $(abspath $(BUILD))/oss-fuzz/out/$${t}_seed_corpus.zip) && \
	  $(abspath $(BUILD))/oss-fuzz/out/$$t -runs=0 "$$d" >"$$d.log" 2>&1 || \
	    { echo "FAIL: the OSS-Fuzz build of $$t on its seed corpus ($$d.log)" >&2; tail -20 "$$d.log" >&2; exit 1; }; \
	  rm -rf "$$d" "$$d.log"; done; echo "fuzz-oss-check: ok ($(FUZZ_TARGETS))"

fuzz-help:
	@echo "fuzzing (fuzz/README.md) - targets: $(FUZZ_TARGETS)"
	@echo "  against a device: $(FUZZ_DEVICE_TARGETS)"
	@echo "  parsers, no device (report.json, bundle tar; never in a guest): $(FUZZ_PARSER_TARGETS)"
	@echo "  make fuzz TARGET=t SECONDS=n [JOBS=n] [MERGE=1] [SAN=0]  libFuzzer campaign -> $(FUZZ_OUT)/t/"
	@echo "                      (SAN=0: the coverage-only build, build/fuzz-cov/)"
	@echo "  make afl TARGET=t SECONDS=n [JOBS=n]              AFL++ campaign (-M/-S) -> $(FUZZ_OUT)/t-afl/"
	@echo "  make minimize TARGET=t INPUT=f [ENGINE=afl] [SAVE=name]  shrink a crash (SAVE: to corpus/t/)"
	@echo "  make fuzz-check     replay every corpus (ASan/UBSan), then $(FUZZ_SMOKE_SECONDS) s of each target"
	@echo "  make fuzz-seeds     regenerate corpus/ seeds and corpus/README.md"
	@echo "  make fuzz-oss       fuzz/build.sh as OSS-Fuzz would run it"
	@echo "  build/migcheck replay --device SPEC [--target t] FILE|DIR...  replay on any backend"
	@echo "knobs: FUZZ_CC=$(FUZZ_CC) AFL_CC=$(AFL_CC) AFL_ASAN=0|1 FUZZ_SMOKE_SECONDS=$(FUZZ_SMOKE_SECONDS)"
	@echo "env:   MIGCHECK_FUZZ_DEVICE (default sim:flags=7:mem=4096) MIGCHECK_FUZZ_FOREIGN"
	@echo "       MIGCHECK_FUZZ_STRICT MIGCHECK_FUZZ_REOPEN MIGCHECK_FUZZ_DETERMINISTIC MIGCHECK_FUZZ_KMSG"

# ---------------------------------------------------------------- same-run baselines
# bench/fuzzbase.c (make bench): each target's exec/s against a bare replay of the same
# device calls, built in the flavours the targets run in (the device's code instrumented
# as theirs is) and static for the guest.
$(BUILD)/fuzz-cov/fuzzbase $(BUILD)/fuzz-lf/fuzzbase: $(BUILD)/%/fuzzbase: bench/fuzzbase.c $(BUILD)/%/libmigcheck.a
	$(Q)$(CC) $(CFLAGS_$*) -o $@ $< $(BUILD)/$*/libmigcheck.a $(LIBS)
$(BUILD)/fuzzbase-static: $(BUILD)/static/bench/fuzzbase.o $(BUILD)/static/libmigcheck.a
	$(Q)$(CC) $(LDFLAGS_static) -o $@ $^ $(LIBS)
$(BUILD)/static/bench/fuzzbase.o: bench/fuzzbase.c | deps $(GEN_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_static) -c -o $@ $<
