# SPDX-License-Identifier: GPL-2.0-only
# migcheck: conformance and fuzzing harness for VFIO device migration v2.
# `make help` lists every target and knob.

CC        ?= cc
BUILD     ?= build
V         ?= 0
Q         := $(if $(filter 1,$(V)),,@)

# The version is VERSION's; the commit is git's in a checkout, else COMMIT's, which git
# archive (make dist) fills in (.gitattributes export-subst), else "no git".
VERSION   := $(shell cat VERSION)
COMMIT    := $(if $(wildcard .git),$(shell git describe --always --dirty 2>/dev/null))
COMMIT    := $(or $(COMMIT),$(shell grep -v '[$$]Format' COMMIT 2>/dev/null),no git)

WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
             -Wwrite-strings -Werror
BASEFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Iharness -I$(BUILD)/gen -MMD -MP
OPT       ?= -O2 -g

LIB_SRCS  := $(sort $(filter-out harness/cli.c,$(wildcard harness/*.c)))
CASE_FILES:= $(sort $(wildcard cases/*.cases))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))

# Flavours never share objects: build/<flavour>/...
FLAVOURS  := plain asan static
CFLAGS_plain  := $(BASEFLAGS) $(OPT)
CFLAGS_asan   := $(BASEFLAGS) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
                 -fno-sanitize-recover=undefined
CFLAGS_static := $(BASEFLAGS) $(OPT)
LDFLAGS_plain  :=
LDFLAGS_asan   := -fsanitize=address,undefined
LDFLAGS_static := -static
LIBS      := -luring -lsodium -lpthread

GEN_SRCS  := $(BUILD)/gen/cases_embed.c
GEN_HDRS  := $(BUILD)/gen/mc_version.h

objs = $(patsubst harness/%.c,$(BUILD)/$(1)/harness/%.o,$(LIB_SRCS)) \
       $(BUILD)/$(1)/gen/cases_embed.o

.PHONY: all static asan check test dist format layers-check unit sim-check interrupt-check hostile-check mutants bench deps help clean FORCE \
        clauses-doc clauses-check cli-check man-check completion-check
.SECONDARY:
all: $(BUILD)/migcheck

# ---------------------------------------------------------------- generated sources
$(BUILD)/gen/mc_version.h: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)printf '#define MC_VERSION "%s"\n#define MC_COMMIT "%s"\n' '$(VERSION)' '$(COMMIT)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/gen/embed: tools/embed.c
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O1 -o $@ $<

# The list of case files, rewritten only when it changes: a removed file rebuilds too.
$(BUILD)/gen/cases.list: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(CASE_FILES)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/gen/cases_embed.c: $(BUILD)/gen/embed $(CASE_FILES) $(BUILD)/gen/cases.list
	$(Q)$(BUILD)/gen/embed $(CASE_FILES) > $@.tmp && mv $@.tmp $@

# ---------------------------------------------------------------- objects per flavour
# Every compile waits for `deps` (order-only): whatever target a user runs first, the
# headers and libraries are installed before the first compile needs them. The generated
# headers are order-only too: they exist before the first compile, and -MMD records the
# few files that include one (mc_version.h changes with every commit; its users alone
# rebuild).
define flavour_rules
$(BUILD)/$(1)/harness/%.o: harness/%.c | deps $(GEN_HDRS)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_$(1)) -c -o $$@ $$<
$(BUILD)/$(1)/gen/%.o: $(BUILD)/gen/%.c | deps
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_$(1)) -c -o $$@ $$<
$(BUILD)/$(1)/tests/%.o: tests/%.c | deps $(GEN_HDRS)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_$(1)) -Itests $$(shell pkg-config --cflags check 2>/dev/null) -c -o $$@ $$<
$(BUILD)/$(1)/libmigcheck.a: $(call objs,$(1))
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach f,$(FLAVOURS),$(eval $(call flavour_rules,$(f))))

$(BUILD)/migcheck: $(BUILD)/plain/harness/cli.o $(BUILD)/plain/libmigcheck.a
	$(Q)$(CC) $(LDFLAGS_plain) -o $@ $^ $(LIBS)
	@echo "  LD  $@"

static: $(BUILD)/migcheck-static
$(BUILD)/migcheck-static: $(BUILD)/static/harness/cli.o $(BUILD)/static/libmigcheck.a
	$(Q)$(CC) $(LDFLAGS_static) -o $@ $^ $(LIBS)
	@echo "  LD  $@"

asan: $(BUILD)/migcheck-asan
$(BUILD)/migcheck-asan: $(BUILD)/asan/harness/cli.o $(BUILD)/asan/libmigcheck.a
	$(Q)$(CC) $(LDFLAGS_asan) -o $@ $^ $(LIBS)

# ---------------------------------------------------------------- unit tests (Check)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/asan/tests/%,$(TEST_SRCS))
$(BUILD)/asan/tests/test_%: $(BUILD)/asan/tests/test_%.o $(BUILD)/asan/libmigcheck.a
	$(Q)$(CC) $(LDFLAGS_asan) -o $@ $^ $$(pkg-config --libs check) $(LIBS)

unit: deps $(TEST_BINS)
	$(Q)set -e; for t in $(TEST_BINS); do echo "== $$t"; CK_FORK=yes $$t; done

# The full case set against the simulated device, every flag set.
SIM_FLAGS ?= 1 3 5 7
# docs/CLAUSES.md is what `migcheck clauses --markdown` prints from harness/clauses.c:
# clauses-doc writes it, clauses-check (in make check) fails when it is out of date.
clauses-doc: $(BUILD)/migcheck
	$(Q)$(BUILD)/migcheck clauses --markdown >docs/CLAUSES.md.tmp && mv docs/CLAUSES.md.tmp docs/CLAUSES.md
clauses-check: $(BUILD)/migcheck
	$(Q)$(BUILD)/migcheck clauses --markdown | diff -u docs/CLAUSES.md - || \
	  { echo "FAIL: docs/CLAUSES.md is not what harness/clauses.c gives: make clauses-doc" >&2; exit 1; }
	@echo "clauses-check: ok"

sim-check: $(BUILD)/migcheck-asan
	$(Q)set -e; for f in $(SIM_FLAGS); do \
	  echo "== migcheck run --device sim:flags=$$f"; \
	  $(BUILD)/migcheck-asan run --device sim:flags=$$f --out $(BUILD)/reports/sim-$$f --quiet; \
	done
	$(Q)printf 'a\n[ 1.0] WARNING: CPU: 0 PID: 1 at x\nb\n' | $(BUILD)/migcheck-asan klog | \
	  grep -qx '\[ 1.0\] WARNING: CPU: 0 PID: 1 at x'
	$(Q)printf 'a clean log\n' | $(BUILD)/migcheck-asan klog >/dev/null

# Signals, kill -9, concurrent runs, write failures and the watchdog, end to end (ASan+UBSan).
interrupt-check: $(BUILD)/migcheck-asan
	$(Q)$(MAKE) --no-print-directory deps DEB_PKGS="python3 mount"
	$(Q)tests/interrupt-check.sh $(BUILD)/migcheck-asan $(BUILD)/interrupt-check

# Hostile input (numbers that wrap, FIFOs as input paths, NUL bytes, terminal escapes).
hostile-check: $(BUILD)/migcheck-asan
	$(Q)tests/hostile-check.sh $(BUILD)/migcheck-asan $(BUILD)/hostile-check

# Self-validation: every sim defect caught by its intended clause, no false alarm on the
# conforming variants (kill matrix on stdout, build/mutants.json).
MUTANT_JOBS ?= 2
mutants: $(BUILD)/migcheck
	$(Q)$(BUILD)/migcheck mutants --jobs $(MUTANT_JOBS) --json $(BUILD)/mutants.json

# Benchmarks (bench/bench.c): ratios against baselines measured in the same run.
BENCH_STREAM_SIZE ?= 1073741824
$(BUILD)/mcbench: $(BUILD)/plain/bench/bench.o $(BUILD)/plain/libmigcheck.a
	$(Q)$(CC) $(LDFLAGS_plain) -o $@ $^ $(LIBS)
$(BUILD)/mcbench-static: $(BUILD)/static/bench/bench.o $(BUILD)/static/libmigcheck.a
	$(Q)$(CC) $(LDFLAGS_static) -o $@ $^ $(LIBS)
$(BUILD)/%/bench/bench.o: bench/bench.c | deps $(GEN_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_$*) -c -o $@ $<
# The VM part boots build/migcheck-static with mcbench-static as an extra program.
bench: $(BUILD)/mcbench $(BUILD)/mcbench-static $(BUILD)/migcheck-static
	$(Q)bench/run.sh $(BUILD) $(BENCH_STREAM_SIZE)

check: deps all clauses-check cli-check man-check completion-check install-check deb-check \
       layers-check unit sim-check interrupt-check hostile-check fuzz-check report-check outputs-check mutants \
       rig-check vmcheck vmcheck-debug vmcheck-driver-src vmfuzz-guided-check vmfuzz-afl-check
	@echo "make check: all passed"

# The contributor's loop: what make check runs that needs no root (once `make deps` has
# installed the build's packages), no network and no VM: unit tests, the case set on the
# simulated device, the fuzz corpora replayed under ASan/UBSan, the kill matrix, and the
# layering of the harness's files.
test: all clauses-check cli-check man-check completion-check layers-check unit sim-check fuzz-replay mutants
	@echo "make test: all passed (the full gate, with the real-kernel rig, is make check)"

# The command line: every command answers --help, -h and help CMD; --version names a commit.
cli-check: $(BUILD)/migcheck
	$(Q)tests/cli-check.sh $(BUILD)/migcheck

# migcheck(1) names every command and long option the binary's --help texts name.
man-check: $(BUILD)/migcheck
	$(Q)tests/man-check.sh $(BUILD)/migcheck doc/migcheck.1 VERSION

# The bash completion offers the commands, options, devices, defects and clauses the
# binary lists, and paths where a path goes.
completion-check: $(BUILD)/migcheck
	$(Q)tests/completion-check.sh $(BUILD)/migcheck completion/migcheck.bash

# The harness's files form a DAG of calls (tools/layers.sh; the simulated device counts
# as one file).
layers-check: $(call objs,plain)
	$(Q)tools/layers.sh --self-test
	$(Q)tools/layers.sh $(BUILD)/plain/harness

# The C sources in the house style (.clang-format: the kernel's, 100 columns).
FORMAT_SRCS = $(wildcard harness/*.[ch] fuzz/*.[ch] tests/*.[ch] tools/*.c bench/*.c)
format:
	$(Q)tools/apt-install.sh clang-format-14
	$(Q)clang-format-14 -i $(FORMAT_SRCS)

# ---------------------------------------------------------------- dependencies
# The build's Debian packages; every compile waits for them (see flavour_rules). All
# installs go through tools/apt-install.sh (apt-get update once when the lists are missing
# or stale): this target, fuzz-deps, report-deps and the VM rig's scripts.
DEB_PKGS ?= check pkg-config liburing-dev libsodium-dev lcov groff-base man-db
deps:
	$(Q)tools/apt-install.sh $(DEB_PKGS)

# A source tarball of HEAD; its COMMIT file holds HEAD's commit (.gitattributes), so a
# build from it says `migcheck VERSION (COMMIT)`, not "no git".
dist:
	$(Q)mkdir -p $(BUILD)
	$(Q)git archive --format=tar.gz --prefix=migcheck-$(VERSION)/ \
	  -o $(BUILD)/migcheck-$(VERSION).tar.gz HEAD
	@echo "  DIST $(BUILD)/migcheck-$(VERSION).tar.gz ($$(git rev-parse --short HEAD))"

clean:
	rm -rf $(BUILD)

help:
	@echo "migcheck $(VERSION) — targets:"
	@echo "  make              build build/migcheck"
	@echo "  make static       build build/migcheck-static (for guests)"
	@echo "  make asan         build build/migcheck-asan (ASan+UBSan)"
	@echo "  make check        install deps, unit tests (Check), full case set on sim flags 1 3 5 7,"
	@echo "                    then the real-kernel rig (rig-check, vmcheck, vmcheck-debug,"
	@echo "                    vmcheck-driver-src; vm/README.md)"
	@echo "  make test         no root, network or VM (after make deps): unit, sim-check,"
	@echo "                    fuzz-replay, mutants; the contributor's loop"
	@echo "  make unit         Check unit tests only"
	@echo "  make sim-check    case set on the simulated device only (SIM_FLAGS=\"1 3 5 7\")"
	@echo "  make format       apply .clang-format (the kernel's style, 100 columns) to the C sources"
	@echo "  make layers-check the harness's files call each other in no loop (tools/layers.sh)"
	@echo "  make cli-check    every command answers --help, -h and help CMD; --version"
	@echo "  make man-check    doc/migcheck.1 names every command and option of --help; groff -ww"
	@echo "  make completion-check  completion/migcheck.bash driven as bash drives it"
	@echo "  make clauses-doc  write docs/CLAUSES.md from harness/clauses.c (clauses-check: it is current)"
	@echo "  make interrupt-check  signals, kill -9, concurrent runs and full disks end to end"
	@echo "  make hostile-check hostile input: wrapping numbers, FIFOs, NUL bytes, escapes"
	@echo "  make mutants      every sim defect and conforming variant: kill matrix (MUTANT_JOBS=2)"
	@echo "  make report-check HTML report in headless Chromium, render/bundle/verify/diff"
	@echo "  make outputs-check junit.xml by xmllint (junit-10.xsd), KTAP by the kernel's kunit.py,"
	@echo "                    report.json by python3-jsonschema (reports/report.schema.json)"
	@echo "  make fuzz-check   replay the fuzz corpora, then each fuzz target briefly (make fuzz-help)"
	@echo "  make deps         install missing Debian packages ($(DEB_PKGS)); every target"
	@echo "                    installs what it needs (tools/apt-install.sh, as root)"
	@echo "  make dist         $(BUILD)/migcheck-$(VERSION).tar.gz of HEAD (names its commit)"
	@echo "  make install      PREFIX=/usr/local DESTDIR=: migcheck, lib/migcheck/migcheck-static,"
	@echo "                    the man page, bash completion, docs (make uninstall: removes them)"
	@echo "  make install-check  install into a scratch DESTDIR, run it, uninstall"
	@echo "  make deb          Debian package of HEAD in $(BUILD)/deb (debian/), lintian-checked"
	@echo "  make deb-check    install that package in a new Debian 12 root, run it, purge it"
	@echo "  make clean        remove $(BUILD)/"
	@echo "knobs: CC=cc BUILD=build OPT='-O2 -g' V=1 SIM_FLAGS='1 3 5 7'"

include vm/vm.mk
include install.mk
include report.mk
include fuzz/fuzz.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
