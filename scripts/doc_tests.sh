#!/usr/bin/env bash
# Runs the JSDoc examples (`deno test --doc`; Bun has no doc tests) in a
# sandbox, so that examples may change network state and use named
# namespaces without touching the host or other runs:
#   - the whole run is in a mount namespace of its own
#     (`unshare --mount --propagation private`) with a private tmpfs on
#     /run/netns: the named namespaces the examples use ("blue", "red", and
#     those they make themselves) exist only there, for this run;
#   - `deno test` runs under `ip netns exec` in a throwaway namespace, so an
#     example's `IPRoute.open()` (no netns) changes only that one.
# Blocks marked ```ts ignore (kernel features this machine lacks) are not run;
# tools/doc_check.ts type-checks them. Afterwards the host's links and named
# namespaces are compared with what they were before: a leak fails the run.
# Usage: bash scripts/doc_tests.sh [deno test args, default: the library]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh >/dev/null

# What runs inside the mount namespace: only reachable through unshare below.
# $1 is the mount namespace the script started in: the sandbox must differ
# from it before it mounts anything on /run/netns.
# shellcheck disable=SC2016
SANDBOX='
set -uo pipefail
if [ "$(readlink /proc/self/ns/mnt)" = "$1" ]; then
  echo "doc examples: no mount namespace of their own: not mounting over /run/netns" >&2
  exit 1
fi
shift
mkdir -p /run/netns
mount -t tmpfs -o mode=0755 nlroute-doc-tests /run/netns || exit 1
# The namespaces the examples name; the last one runs deno.
for ns in blue red nlroute-doc-run; do
  ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1
done
if [ $# = 0 ]; then set -- mod.ts ffi/ core/ iproute/ uevent/ netns/ ipdb/ netfilter/ cli/; fi
# A hanging example fails the run instead of holding the suite.
timeout --kill-after=10 900 ip netns exec nlroute-doc-run deno test -A --doc --quiet "$@"
'

host_links() { ip -o link show | awk -F': ' '{print $1": "$2}'; }
# Other test and bench runs' namespaces (nlrt-<run>-…, nlrb-<pid>-…) come and go meanwhile: left out.
host_ns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -Ev '^nlr[tb]-' || true; }
links_before=$(host_links)
ns_before=$(host_ns)
unshare --mount --propagation private bash -c "$SANDBOX" sandbox "$(readlink /proc/self/ns/mnt)" "$@"
rc=$?
if [ "$(host_links)" != "$links_before" ]; then
  echo "doc examples: the host's links changed during the run"
  diff <(echo "$links_before") <(host_links)
  rc=1
fi
if [ "$(host_ns)" != "$ns_before" ]; then
  echo "doc examples: the host's named namespaces changed:"
  diff <(echo "$ns_before") <(host_ns)
  rc=1
fi
deno run -A tools/doc_check.ts || rc=1
exit $rc
