#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# One boot with extra programs: build an initramfs with the VM_EXTRA_BINS/TOOLS/FILES
# the caller exported, boot it (run.sh, whose exit status this is), then build the default
# initramfs again so the other targets find it as they expect. Used by `make bench`,
# `make vmfuzz` and `make vmreplay` (through boot_extras in lib.sh).
# Usage: run-extras.sh <static migcheck>
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# = 1 ] || { echo "usage: $0 <static migcheck>" >&2; exit 2; }
[ -n "${VM_EXTRA_BINS:-}" ] || die "run-extras.sh: VM_EXTRA_BINS is empty"
# Extra programs run in the group/container boot only: a second, cdev boot (VM_ACCESS=both,
# the debug kernel's default) would add nothing, so one boot unless the caller asks.
export VM_ACCESS=${VM_ACCESS:-group}
"$VM_DIR/mkinitramfs.sh" "$1" >/dev/null || exit 2
"$VM_DIR/run.sh"
rc=$?
env -u VM_EXTRA_BINS -u VM_EXTRA_TOOLS -u VM_EXTRA_FILES "$VM_DIR/mkinitramfs.sh" "$1" >/dev/null ||
	note "warning: rebuilding the default initramfs failed"
exit "$rc"
