#!/usr/bin/env bash
# Runs the JSDoc examples (`deno test --doc`; Bun has no doc tests) in a
# sandbox, so that examples may change network state and use named
# namespaces without touching the host or other runs:
#   - the whole run is in a mount namespace of its own
#     (`unshare --mount --propagation private`) with a private tmpfs on
#     /run/netns: the named namespaces the examples use ("blue", "red") are
#     created there and exist only for this run;
#   - `deno test` runs under `ip netns exec` in a throwaway namespace, so an
#     example's `IPRoute.open()` (no netns) changes only that one.
# Blocks marked ```ts ignore (kernel features this machine lacks) are not run;
# tools/doc_check.ts type-checks them. Afterwards the host's namespace list
# and links are compared with what they were before: the run fails if the
# sandbox leaked.
# Usage: bash scripts/doc_tests.sh [deno test args, default: the library]
set -uo pipefail
cd "$(dirname "$0")/.."

# The namespaces the examples name, created in the sandbox's /run/netns.
NAMED=(blue red)
RUNNER=nlroute-doc-run

if [ "${NLROUTE_DOC_SANDBOX:-}" != 1 ]; then
  source scripts/tools.sh >/dev/null
  host_links() { ip -o link show | awk -F': ' '{print $1": "$2}'; }
  host_ns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -xE "$(IFS='|'; echo "${NAMED[*]}|$RUNNER")" || true; }
  links_before=$(host_links)
  ns_before=$(host_ns)
  NLROUTE_DOC_SANDBOX=1 unshare --mount --propagation private bash "$0" "$@"
  rc=$?
  if [ "$(host_links)" != "$links_before" ]; then
    echo "doc examples: the host's links changed during the run"
    diff <(echo "$links_before") <(host_links)
    rc=1
  fi
  if [ "$(host_ns)" != "$ns_before" ]; then
    echo "doc examples: namespaces leaked to the host: $(host_ns)"
    rc=1
  fi
  deno run -A tools/doc_check.ts || rc=1
  exit $rc
fi

# Inside the sandbox's mount namespace.
mkdir -p /run/netns
mount -t tmpfs -o mode=0755 nlroute-doc-tests /run/netns || exit 1
for ns in "${NAMED[@]}" "$RUNNER"; do
  ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1
done
if [ $# = 0 ]; then set -- mod.ts ffi/ core/ iproute/ netns/ ipdb/ cli/; fi
# A hanging example fails the run instead of holding the suite.
timeout --kill-after=10 900 ip netns exec "$RUNNER" deno test -A --doc --quiet "$@"
