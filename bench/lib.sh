# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the guest benchmarks that load llkm (kring, profile,
# syscall): their messages, and what they undo on exit. Each sets WORK
# once it has a scratch directory and LOADED_LLKM=1 once it loaded llkm.
WORK=
LOADED_LLKM=0

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

# bench_cleanup: llkm unloaded if the benchmark loaded it, $WORK removed.
bench_cleanup() {
	[ "$LOADED_LLKM" = 0 ] || rmmod llkm || log "Unable to rmmod llkm"
	[ -z "$WORK" ] || rm -rf "$WORK"
}
