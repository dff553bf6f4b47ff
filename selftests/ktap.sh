# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# KTAP bookkeeping shared by the runners (check, run-guest, lint): each test
# program's own KTAP is nested under "# ", its "# Totals:" line is added up,
# and a program that dies without totals counts as one failure.

KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0
KTAP_N=0

# ktap_result NAME ok|fail|skip [REASON]: one test of our own.
ktap_result()
{
	local name=$1 verdict=$2 reason=${3:-}

	KTAP_N=$((KTAP_N + 1))
	case $verdict in
	ok)	KTAP_PASS=$((KTAP_PASS + 1)); echo "ok $KTAP_N $name" ;;
	skip)	KTAP_SKIP=$((KTAP_SKIP + 1)); echo "ok $KTAP_N $name # SKIP $reason" ;;
	*)	KTAP_FAIL=$((KTAP_FAIL + 1))
		echo "not ok $KTAP_N $name${reason:+ # $reason}" ;;
	esac
}

# ktap_run NAME CMD [ARGS...]: a kselftest-harness program.
ktap_run()
{
	local name=$1 log rc totals p f s start=$SECONDS
	shift
	log=$(mktemp)
	"$@" 2>&1 | tee "$log" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	# What each test costs, to keep the whole run within CI's time.
	echo "# $name took $((SECONDS - start)) s"
	totals=$(grep -a '^# Totals:' "$log" | tail -n 1)
	rm -f "$log"
	KTAP_N=$((KTAP_N + 1))
	if [ -z "$totals" ]; then
		KTAP_FAIL=$((KTAP_FAIL + 1))
		echo "not ok $KTAP_N $name # exited $rc without totals"
		return
	fi
	p=$(sed -n 's/.* pass:\([0-9]*\).*/\1/p' <<<"$totals")
	f=$(sed -n 's/.* fail:\([0-9]*\).*/\1/p' <<<"$totals")
	s=$(sed -n 's/.* skip:\([0-9]*\).*/\1/p' <<<"$totals")
	f=$((f + $(sed -n 's/.* error:\([0-9]*\).*/\1/p' <<<"$totals")))
	# The harness exits non-zero on failure: a crash after the totals
	# line must not pass. Exit 4 with nothing passed is kselftest's
	# KSFT_SKIP: the whole program skipped (lib.sh's skip_all).
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && ! { [ "$rc" -eq 4 ] && [ "$p" -eq 0 ]; }; then
		f=1
	fi
	KTAP_PASS=$((KTAP_PASS + p))
	KTAP_FAIL=$((KTAP_FAIL + f))
	KTAP_SKIP=$((KTAP_SKIP + s))
	if [ "$f" -eq 0 ]; then
		echo "ok $KTAP_N $name"
	else
		echo "not ok $KTAP_N $name"
	fi
}

# ktap_add "P F S": counts from another runner (the guest's).
ktap_add()
{
	local p f s
	read -r p f s <<<"$1"
	KTAP_PASS=$((KTAP_PASS + p))
	KTAP_FAIL=$((KTAP_FAIL + f))
	KTAP_SKIP=$((KTAP_SKIP + s))
}

ktap_counts()
{
	echo "$KTAP_PASS $KTAP_FAIL $KTAP_SKIP"
}

ktap_totals()
{
	echo "$KTAP_PASS passed, $KTAP_FAIL failed, $KTAP_SKIP skipped"
}
