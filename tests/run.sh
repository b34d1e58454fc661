#!/bin/bash
# Run every test of both builds: the cmocka unit binaries of the normal
# build (build/obj) and of the ASan+UBSan build (build/asan), then the
# end-to-end suite against each pair of binaries, then the normal build's
# suites again with the clock moved forward (the date guard, below).
# `make check` builds everything first and then calls this.
#
# One short line per suite; a failing suite's output is printed in full.
# The last line is always "N passed, N failed" (totals); the exit status
# is 0 only when nothing failed and at least one test ran.
#
# The module graph of the normal build counts as one test: it passes when
# scripts/deps-graph.py finds no cycle among the daemon's object files.
#
# The fuzz harnesses (build/fuzz) replay their corpora once: one pass per
# target whose whole corpus runs without a crash, a time-out or a leak.
# "tests/run.sh fuzz" runs only that part (make fuzz-regress).
#
# Environment: UNIT_TESTS (names, default: the Makefile's list),
# E2E_ARGS (extra arguments for tests/e2e/run.py, e.g. "-k locations").

set -u
cd "$(dirname "$0")/.." || exit 1

PYTHON=/usr/bin/python3
SAN_ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
SAN_UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# A hung binary fails its suite instead of the whole CI job.
UNIT_TIMEOUT=300
E2E_TIMEOUT=1200

passed=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hersteld-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# The names in a Makefile list (UNIT_TESTS, FUZZ_TARGETS).
make_list() {
	awk -v name="$1" '$0 ~ "^" name "[ \t]*=" { on = 1; sub(/^[A-Z_]+[ \t]*=/, "") }
	    on { line = $0; sub(/\\$/, "", line); printf "%s ", line
	         if ($0 !~ /\\$/) exit }' Makefile
}

# The unit test names: $UNIT_TESTS, or the UNIT_TESTS list in the Makefile.
unit_names() {
	if [ -n "${UNIT_TESTS:-}" ]; then
		echo "$UNIT_TESTS"
		return
	fi
	make_list UNIT_TESTS
}

# run_unit LABEL BINARY [env...]: one cmocka binary.
run_unit() {
	local label=$1 bin=$2 out=$tmp/unit.out rc p f
	shift 2
	if [ ! -x "$bin" ]; then
		printf '%-8s %-32s FAILED: %s was not built\n' unit "$label" "$bin"
		failed=$((failed + 1))
		return
	fi
	# cmocka writes its summary lines to stderr: keep both.
	timeout "$UNIT_TIMEOUT" env CMOCKA_MESSAGE_OUTPUT=stdout "$@" "$bin" \
	    >"$out" 2>&1
	rc=$?
	# cmocka prints "[  PASSED  ] N test(s)." and, when some failed,
	# "[  FAILED  ] N test(s), listed below:" (once per group).
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$out" |
	    awk '{ s += $1 } END { print s + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$out" |
	    awk '{ s += $1 } END { print s + 0 }')
	if [ "$f" -eq 0 ] && { [ "$rc" -ne 0 ] || [ "$p" -eq 0 ]; }; then
		# Crashed, or ended without a verdict: one failure.
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		printf '%-8s %-32s %d passed, %d failed (exit %d)\n' unit "$label" \
		    "$p" "$f" "$rc"
		sed 's/^/    /' "$out"
	else
		printf '%-8s %-32s %d passed\n' unit "$label" "$p"
	fi
}

# run_e2e LABEL HERSTELD HERSTELCTL [env...]: the end-to-end suite.
run_e2e() {
	local label=$1 d=$2 c=$3 out=$tmp/e2e.out rc p f start secs summary
	shift 3
	start=$(date +%s)
	# shellcheck disable=SC2086
	timeout "$E2E_TIMEOUT" env HERSTELD="$d" HERSTELCTL="$c" "$@" \
	    "$PYTHON" tests/e2e/run.py ${E2E_ARGS:-} >"$out" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	if [ -n "$summary" ]; then
		p=${summary%% passed*}
		f=${summary#*, }
		f=${f%% failed}
	else
		p=0
		f=0
	fi
	if [ "$f" -eq 0 ] && { [ "$rc" -ne 0 ] || [ "$p" -eq 0 ]; }; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		printf '%-8s %-32s %d passed, %d failed (exit %d, %ds)\n' e2e \
		    "$label" "$p" "$f" "$rc" "$secs"
		# Everything but the passes: failures with their tracebacks.
		grep -v '^PASS ' "$out" | sed 's/^/    /'
	else
		printf '%-8s %-32s %d passed (%ds)\n' e2e "$label" "$p" "$secs"
	fi
}

# run_fuzz TARGET: replay tests/fuzz/corpus/TARGET once with its harness.
run_fuzz() {
	local t=$1 bin=build/fuzz/fuzz_$1 dir=tests/fuzz/corpus/$1
	local out=$tmp/fuzz.out rc n start secs
	if [ ! -x "$bin" ]; then
		printf '%-8s %-32s FAILED: %s was not built\n' fuzz "$t" "$bin"
		failed=$((failed + 1))
		return
	fi
	n=$(find "$dir" -type f 2>/dev/null | wc -l)
	start=$(date +%s)
	# -runs=0: read and run every file of the corpus, then stop.
	timeout "$UNIT_TIMEOUT" env ASAN_OPTIONS="$SAN_ASAN_OPTIONS" \
	    UBSAN_OPTIONS="$SAN_UBSAN_OPTIONS" \
	    LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp" \
	    "$bin" -runs=0 -timeout=25 \
	    -detect_leaks="$(tests/fuzz/leaks.sh "$t")" \
	    -artifact_prefix="$tmp/" "$dir" >"$out" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ "$rc" -ne 0 ] || [ "$n" -eq 0 ]; then
		printf '%-8s %-32s 0 passed, 1 failed (exit %d, %d inputs, %ds)\n' \
		    fuzz "$t" "$rc" "$n" "$secs"
		grep -v -E '^(INFO|#[0-9])' "$out" | head -n 60 | sed 's/^/    /'
		failed=$((failed + 1))
	else
		printf '%-8s %-32s 1 passed (%d inputs, %ds)\n' fuzz "$t" "$n" \
		    "$secs"
		passed=$((passed + 1))
	fi
}

# run_graph OBJDIR: the daemon's module graph has no cycle
# (scripts/deps-graph.py --check); one test.
run_graph() {
	local out=$tmp/graph.out rc
	"$PYTHON" scripts/deps-graph.py --check "$1" >"$out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '%-8s %-32s 0 passed, 1 failed (exit %d)\n' graph modules \
		    "$rc"
		sed 's/^/    /' "$out"
		failed=$((failed + 1))
	else
		printf '%-8s %-32s 1 passed\n' graph modules
		passed=$((passed + 1))
	fi
}

fuzz_all() {
	for t in $(make_list FUZZ_TARGETS); do
		run_fuzz "$t"
	done
}

if [ "${1:-}" = fuzz ]; then
	fuzz_all
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit
fi

run_graph build/obj/daemon

names=$(unit_names)
for name in $names; do
	run_unit "$name" "build/obj/tests/unit/test_$name"
done
for name in $names; do
	run_unit "$name (asan)" "build/asan/tests/unit/test_$name" \
	    ASAN_OPTIONS="$SAN_ASAN_OPTIONS" UBSAN_OPTIONS="$SAN_UBSAN_OPTIONS"
done

fuzz_all

run_e2e "normal" daemon/hersteld cli/herstelctl
run_e2e "asan" build/asan/hersteld build/asan/herstelctl \
    ASAN_OPTIONS="$SAN_ASAN_OPTIONS" UBSAN_OPTIONS="$SAN_UBSAN_OPTIONS"

# The date guard: the normal build's suites once more with the whole clock
# (the test programs, the CLI, everything that does not pin its own) moved
# forward by more than a year, so that a test which depends on the day it
# runs fails the day it is written, not a month later.
SHIFT=${DATE_GUARD_SHIFT:-+400d}
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
if [ -z "$faketime_lib" ]; then
	printf '%-8s %-32s FAILED: libfaketime is not installed\n' guard "$SHIFT"
	failed=$((failed + 1))
else
	echo "guard: the clock moved $SHIFT, to $(LD_PRELOAD=$faketime_lib \
	    FAKETIME=$SHIFT date -u '+%Y-%m-%d %H:%M UTC')"
	for name in $names; do
		run_unit "$name ($SHIFT)" "build/obj/tests/unit/test_$name" \
		    LD_PRELOAD="$faketime_lib" FAKETIME="$SHIFT"
	done
	run_e2e "normal ($SHIFT)" daemon/hersteld cli/herstelctl \
	    LD_PRELOAD="$faketime_lib" FAKETIME="$SHIFT"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
