#!/usr/bin/env bash
# The main demo: builds a small network in a throwaway namespace with IPDB,
# shows a rollback and the events, removes everything. Without root it shows
# this host read-only. Needs only node and npm; installs the rest.
# Set NLROUTE_RUNTIME=bun to run it under Bun (default: Deno).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
if [ "${NLROUTE_RUNTIME:-deno}" = bun ]; then
  exec bun examples/demo.ts
else
  exec deno run -A examples/demo.ts
fi
