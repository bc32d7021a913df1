# Sourced by the project's scripts: makes the pinned Deno and Bun available,
# installs the dev dependencies (types) and the system tools the tests use.
# Runtimes are installed outside the project tree (never node_modules/.bin/deno
# inside it: `deno task` would pick it up), into $NLROUTE_TOOLS.
DENO_VERSION=2.9.6
BUN_VERSION=1.4.5
NLROUTE_TOOLS="${NLROUTE_TOOLS:-$HOME/.cache/nlroute/tools}"
export PATH="$NLROUTE_TOOLS/node_modules/.bin:$PATH"

nlroute_have() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | head -1 | grep -q "$2"; }

if ! nlroute_have deno "$DENO_VERSION" || ! nlroute_have bun "$BUN_VERSION"; then
  echo "nlroute: installing deno@$DENO_VERSION and bun@$BUN_VERSION from the npm registry into" \
    "$NLROUTE_TOOLS (about 190 MB, once; set NLROUTE_TOOLS to choose the folder)" >&2
  mkdir -p "$NLROUTE_TOOLS"
  (cd "$NLROUTE_TOOLS" && { [ -f package.json ] || echo '{"private":true}' > package.json; } &&
    npm install --no-audit --no-fund --loglevel=error "deno@$DENO_VERSION" "bun@$BUN_VERSION" >&2)
fi

nlroute_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d "$nlroute_root/node_modules/bun-types" ] || [ ! -d "$nlroute_root/node_modules/@types/node" ] ||
  [ ! -d "$nlroute_root/node_modules/typescript" ]; then
  echo "nlroute: installing the dev packages (bun-types, @types/node, typescript: about 42 MB) into node_modules" >&2
  (cd "$nlroute_root" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# Installs a Debian package, saying so with `why`; fails without root or apt.
nlroute_apt_install() {
  local pkg="$1" why="$2"
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  echo "nlroute: installing $pkg${why:+ ($why)}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg") >&2
}

# iproute2 is the tests' oracle (ip -j, bridge -j).
if ! command -v ip >/dev/null 2>&1 || ! command -v bridge >/dev/null 2>&1; then
  nlroute_apt_install iproute2 ""
fi
# ethtool is the generic netlink tests' oracle (ethtool --json).
if ! command -v ethtool >/dev/null 2>&1; then
  nlroute_apt_install ethtool "the generic netlink tests' oracle, about 1 MB"
fi
# strace reads the requests tc itself sends: the tc tests compare nlroute's
# bytes with tc's for the qdisc kinds this kernel lacks.
if ! command -v strace >/dev/null 2>&1; then
  nlroute_apt_install strace "the tc and ipset tests' reader of their requests, about 1.5 MB"
fi
# ipset is the ipset tests' oracle (ipset save, ipset list -o xml; strace reads its requests).
if ! command -v ipset >/dev/null 2>&1; then
  nlroute_apt_install ipset "the ipset tests' oracle, with libipset about 0.5 MB"
fi
# conntrack (conntrack-tools) is the connection tracking tests' oracle (-L, -I, -U, -D, -E, -S, -C).
if ! command -v conntrack >/dev/null 2>&1; then
  nlroute_apt_install conntrack "the conntrack tests' oracle, about 0.3 MB"
fi
