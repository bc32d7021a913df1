#!/usr/bin/env bash
# The whole test suite: lint, type check, format check, then the tests under
# Deno and under Bun, with each runtime's pass/fail/skip counts.
# Needs only node and npm (and root for the namespace tests); installs the rest.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

status=0
# Namespaces this run creates are named nlrt-<run>-… (tests/helpers.ts): the
# leftover check below counts only ours, so concurrent runs do not collide.
export NLROUTE_TEST_RUN="${NLROUTE_TEST_RUN:-$$}"
step() { echo; echo "== $*"; }

step "deno lint";  deno lint || status=1
step "deno check"; deno check mod.ts ffi/ core/ iproute/ netns/ ipdb/ cli/ tests/ bench/ tools/ examples/ 2>&1 | tail -20; [ "${PIPESTATUS[0]}" = 0 ] || status=1
step "deno fmt --check"; deno fmt --check || status=1
step "deno doc --lint"; deno doc --lint mod.ts cli/cli.ts 2>&1 | grep -E "error|Checked" | tail -20; [ "${PIPESTATUS[0]}" = 0 ] || status=1
step "README examples"; deno run -A tools/readme_check.ts 2>&1 | tail -3; [ "${PIPESTATUS[0]}" = 0 ] || status=1
step "deno publish --dry-run"; deno publish --dry-run --allow-dirty >/tmp/nlroute-publish.log 2>&1 && echo ok || { cat /tmp/nlroute-publish.log; status=1; }

step "deno test"
deno test -A --quiet --v8-flags=--expose-gc tests/ 2>&1 | tee /tmp/nlroute-deno-test.log
deno_rc=${PIPESTATUS[0]}
step "bun test"
bun test --timeout 120000 tests/ 2>&1 | tee /tmp/nlroute-bun-test.log
bun_rc=${PIPESTATUS[0]}

deno_counts=$(grep -Eo '[0-9]+ passed.*' /tmp/nlroute-deno-test.log | tail -1)
bun_pass=$(grep -Eo '^ *[0-9]+ pass' /tmp/nlroute-bun-test.log | tail -1 | tr -dc 0-9)
bun_fail=$(grep -Eo '^ *[0-9]+ fail' /tmp/nlroute-bun-test.log | tail -1 | tr -dc 0-9)
bun_skip=$(grep -Eo '^ *[0-9]+ skip' /tmp/nlroute-bun-test.log | tail -1 | tr -dc 0-9)
echo
echo "== summary"
echo "deno: ${deno_counts:-no result} (exit $deno_rc)"
echo "bun:  ${bun_pass:-0} passed | ${bun_fail:-0} failed | ${bun_skip:-0} skipped (exit $bun_rc)"
[ "$deno_rc" = 0 ] && [ "$bun_rc" = 0 ] || status=1
leftover=$(ip netns list 2>/dev/null | grep -c "^nlrt-$NLROUTE_TEST_RUN-" || true)
if [ "$leftover" != 0 ]; then echo "leftover test namespaces: $leftover"; status=1; fi
[ $status = 0 ] && echo "all checks passed" || echo "SOME CHECKS FAILED"
exit $status
