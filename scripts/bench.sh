#!/usr/bin/env bash
# Runs every benchmark script under Deno, then under Bun, in one run.
# Usage: bash scripts/bench.sh [--quick] [--no-pyroute2]
# (the options go to route_dump, route_add, link_get, events_bench, ipdb_bench and
# genl_bench, tc_bench, diag_bench, conntrack_bench;
# netns_bench.ts, when present, runs with its defaults). Needs root: the scripts
# build their state in throwaway namespaces, removed when they finish.
set -uo pipefail
trap 'echo "interrupted" >&2; exit 130' INT TERM
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/tools.sh

# The peer: Debian's python3-pyroute2 (0.7.x), run by /usr/bin/python3. Installed
# when missing (as root with apt), unless --no-pyroute2 is given.
if [[ " $* " != *" --no-pyroute2 "* ]] && ! /usr/bin/python3 -c 'import pyroute2' 2>/dev/null; then
  nlroute_apt_install python3-pyroute2 "the benchmarks' peer, about 5 MB with its dependencies" ||
    echo "nlroute: python3-pyroute2 is missing: the pyroute2 rows are skipped" >&2
fi

scripts=(bench/route_dump.ts bench/route_add.ts bench/link_get.ts bench/events_bench.ts
  bench/ipdb_bench.ts bench/genl_bench.ts bench/tc_bench.ts bench/diag_bench.ts
  bench/conntrack_bench.ts)
# Written separately; included when present.
[ -f bench/netns_bench.ts ] && scripts+=(bench/netns_bench.ts)

echo "nlroute benchmarks: $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "deno $(deno --version | head -1 | cut -d' ' -f2), bun $(bun --version), $(ip -V)"

failed=()
for runtime in deno bun; do
  for script in "${scripts[@]}"; do
    args=("$@")
    [ "$script" = bench/netns_bench.ts ] && args=()
    if [ "$runtime" = deno ]; then
      # --expose-gc: the scripts collect garbage between measured runs.
      deno run -A --v8-flags=--expose-gc "$script" "${args[@]}"
    else
      bun "$script" "${args[@]}"
    fi
    status=$?
    [ "$status" -eq 0 ] || failed+=("$runtime $script (exit $status)")
  done
done

leftover="$(ip netns list 2>/dev/null | grep -c '^nlrb-' || true)"
if [ "$leftover" != 0 ]; then
  echo "warning: $leftover nlrb-* namespaces are left over (ip netns list)" >&2
fi
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
