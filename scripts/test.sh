#!/usr/bin/env bash
# The whole test suite: lint, type check, format check, doc lint, the README's
# examples, the JSDoc examples (sandboxed), then the tests under Deno and under Bun, with one comparable count
# line per runtime and the reasons for skipped tests.
# Needs only node and npm (and root for the namespace tests); installs the rest.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh

status=0
# Namespaces this run creates are named nlrt-<run>-… (tests/helpers.ts): the
# leftover check below counts only ours, so concurrent runs do not collide.
export NLROUTE_TEST_RUN="${NLROUTE_TEST_RUN:-$$}"
# Everything the run writes (logs, reports, scratch files) goes to its own
# folder, removed at the end.
NLROUTE_TEST_TMP="$(mktemp -d "${TMPDIR:-/tmp}/nlroute-test.XXXXXX")"
export NLROUTE_TEST_TMP
trap 'rm -rf "$NLROUTE_TEST_TMP"' EXIT
step() { echo; echo "== $*"; }

step "deno lint";  deno lint || status=1
step "deno check"; deno check mod.ts ffi/ core/ iproute/ uevent/ netns/ ipdb/ diag/ netfilter/ cli/ tests/ bench/ tools/ examples/ 2>&1 | tail -20; [ "${PIPESTATUS[0]}" = 0 ] || status=1
step "deno fmt --check"; deno fmt --check || status=1
# Every entry of deno.json's exports.
step "deno doc --lint"; deno doc --lint mod.ts core/tables/mod.ts genl/families/all.ts cli/cli.ts 2>&1 | grep -E "error|warn|Checked" | tail -20; [ "${PIPESTATUS[0]}" = 0 ] || status=1
step "README examples"; deno run -A tools/readme_check.ts 2>&1 | tail -3; [ "${PIPESTATUS[0]}" = 0 ] || status=1
# The JSDoc examples, run by `deno test --doc` in a sandbox of namespaces (scripts/doc_tests.sh).
step "doc examples"; bash scripts/doc_tests.sh >"$NLROUTE_TEST_TMP/doc.log" 2>&1 && tail -3 "$NLROUTE_TEST_TMP/doc.log" || { cat "$NLROUTE_TEST_TMP/doc.log"; status=1; }
step "deno publish --dry-run"; deno publish --dry-run --allow-dirty >"$NLROUTE_TEST_TMP/publish.log" 2>&1 && echo ok || { cat "$NLROUTE_TEST_TMP/publish.log"; status=1; }

step "deno test"
# The readable report goes to the terminal, the JUnit one (for the summary) to the run's folder.
deno test -A --quiet --v8-flags=--expose-gc --junit-path="$NLROUTE_TEST_TMP/deno.xml" tests/ 2>&1 | tee "$NLROUTE_TEST_TMP/deno.log"
deno_rc=${PIPESTATUS[0]}
step "bun test"
bun test --timeout 120000 --reporter=junit --reporter-outfile="$NLROUTE_TEST_TMP/bun.xml" tests/ 2>&1 | tee "$NLROUTE_TEST_TMP/bun.log"
bun_rc=${PIPESTATUS[0]}

echo
echo "== summary"
deno run -A tools/test_summary.ts "$NLROUTE_TEST_TMP"
echo "exit codes: deno $deno_rc, bun $bun_rc"
[ "$deno_rc" = 0 ] && [ "$bun_rc" = 0 ] || status=1
leftover=$(ip netns list 2>/dev/null | grep -c "^nlrt-$NLROUTE_TEST_RUN-" || true)
if [ "$leftover" != 0 ]; then echo "leftover test namespaces: $leftover"; status=1; fi
[ $status = 0 ] && echo "all checks passed" || echo "SOME CHECKS FAILED"
exit $status
