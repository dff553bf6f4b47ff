#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/metrics_bench.sh: what a resident exporter costs. llctl metrics
# against perf stat -a -I, each counting the same events on every CPU and
# reading them once a second for SECS seconds, in one run, published as a
# ratio of the CPU time each consumed (docs/benchmarks.md). Runs as root
# where llkm.ko loads; here, the test guest, from the top of the tree:
#
#   selftests/vm/run -- bench/metrics_bench.sh      (or: make -C bench guest-metrics)
#   selftests/vm/run -- env TRIALS=5 SECS=20 bench/metrics_bench.sh
#
# The events are llctl profile's default set as this machine supports it
# (in the guest, the four software events: task-clock, context-switches,
# cpu-migrations, page-faults). llctl metrics renders the Prometheus page
# each second and is scraped each second over HTTP (curl, counted apart:
# the scraper is not the exporter); perf stat prints its interval lines to
# /dev/null. A trial runs both, the order alternating; the CPU time is the
# user + system time of the tool and everything it ran (GNU time), the
# median over the trials is reported with llctl's over perf's.
set -u
cd "$(dirname "$0")/.." || exit 1
TRIALS=${TRIALS:-3}
SECS=${SECS:-10}
LLCTL=${LLCTL:-user/llctl}
KO=${KO:-kmod/llkm.ko}
EVENTS=task-clock,context-switches,cpu-migrations,page-faults
PORT=19464

for t in perf curl /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "metrics_bench: $t missing" >&2; exit 1; }
done
grep -qw llkm /proc/modules || insmod "$KO" || exit 1
ip link set lo up 2>/dev/null

# CPU seconds (user + system) of "$@", run for SECS seconds then SIGINT.
cpu_of() {
	/usr/bin/time -f '%U %S' -o /tmp/metrics_bench.t \
		timeout -s INT "$SECS" "$@" >/dev/null 2>&1
	tail -n 1 /tmp/metrics_bench.t | awk '{ print $1 + $2 }'
}

llctl_run() {
	local scraper
	(while sleep 1; do curl -s "http://127.0.0.1:$PORT/metrics" >/dev/null; done) &
	scraper=$!
	cpu_of "$LLCTL" metrics --interval 1 --listen "127.0.0.1:$PORT"
	kill "$scraper" 2>/dev/null
	wait "$scraper" 2>/dev/null
}

perf_run() {
	cpu_of perf stat -a -I 1000 -e "$EVENTS" -o /dev/null
}

: >/tmp/metrics_bench.l
: >/tmp/metrics_bench.p
for i in $(seq "$TRIALS"); do
	if [ $((i % 2)) = 1 ]; then
		llctl_run >>/tmp/metrics_bench.l
		perf_run >>/tmp/metrics_bench.p
	else
		perf_run >>/tmp/metrics_bench.p
		llctl_run >>/tmp/metrics_bench.l
	fi
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
l=$(median </tmp/metrics_bench.l)
p=$(median </tmp/metrics_bench.p)
echo "| tool | CPU s over ${SECS} s (median of $TRIALS) |"
echo "|---|---|"
echo "| llctl metrics --interval 1 (scraped each second) | $l |"
echo "| perf stat -a -I 1000 -e $EVENTS | $p |"
awk -v l="$l" -v p="$p" 'BEGIN { if (p > 0) printf "llctl / perf: %.2f\n", l / p;
	else print "llctl / perf: perf used no measurable CPU time" }'
echo "(llctl trials: $(tr '\n' ' ' </tmp/metrics_bench.l); perf: $(tr '\n' ' ' </tmp/metrics_bench.p))"
rm -f /tmp/metrics_bench.[lpt]
