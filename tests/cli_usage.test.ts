/**
 * The `nlroute` command's help, version and errors, run as a child process:
 * `--help` for every object and command, `--version`, one-line messages and
 * exit codes for bad input (before anything is opened), `--debug` traces.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { testName } from "./helpers.ts";
import { nlroute, VERSION } from "./cli_util.ts";

describe("nlroute: --help and --version", () => {
  it("prints the version", () => {
    for (const flag of ["--version", "-V", "-Version"]) {
      const r = nlroute([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `nlroute ${VERSION}\n`);
      assert.equal(r.stderr, "");
    }
  });

  it("prints the general usage", () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const r = nlroute(args);
      assert.equal(r.code, 0, args.join(" "));
      assert.match(r.stdout, /^Usage: nlroute \[ OPTIONS \] OBJECT/);
      assert.equal(r.stderr, "");
    }
    const none = nlroute([]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^Usage: nlroute/);
  });

  const objects: [string, string[]][] = [
    ["link", ["show", "add", "set", "del"]],
    ["address", ["show", "add", "del", "flush"]],
    ["route", ["show", "add", "del", "get", "flush"]],
    ["neigh", ["show", "add", "del"]],
    ["rule", ["show", "add", "del"]],
    ["nexthop", ["show", "add", "del", "get"]],
    ["netns", ["list", "add", "del"]],
    ["monitor", []],
  ];
  for (const [object, commands] of objects) {
    it(`has help for ${object} and each of its commands`, () => {
      const variants = [[object, "help"], [object, "--help"], ["--help", object]];
      for (const c of commands) variants.push([object, c, "--help"]);
      for (const args of variants) {
        const r = nlroute(args);
        assert.equal(r.code, 0, args.join(" "));
        assert.ok(
          r.stdout.startsWith(`Usage: nlroute ${object}`),
          `${args.join(" ")}: ${r.stdout}`,
        );
        assert.equal(r.stderr, "");
      }
    });
  }
});

describe("nlroute: bad input", () => {
  // Parsing fails before anything is opened; -n still points at a namespace
  // that does not exist, so even a parser bug could not touch the host.
  const ns = testName("absent");
  const cases: [string[], RegExp | string][] = [
    [
      ["link", "set", "dev", "v0", "mtu", "abc"],
      'Error: argument "mtu": expected an integer from 68 to 4294967295, got "abc"',
    ],
    [["bogus"], 'Error: Object "bogus" is unknown, try "nlroute help".'],
    [["link", "bogus"], 'Error: Command "bogus" is unknown, try "nlroute link help".'],
    [
      ["route", "add", "1.2.3.4/40", "dev", "v0"],
      'Error: argument "to": expected an address or a prefix such as "10.0.0.0/24", got "1.2.3.4/40"',
    ],
    [
      ["link", "set", "dev", "v0", "mtu", "1400", "mtu", "1500"],
      'Error: argument "mtu" is given twice in "link set".',
    ],
    [
      ["link", "set", "dev", "v0", "frobnicate"],
      'Error: Unknown argument "frobnicate" for "link set", try "nlroute link help".',
    ],
    [["route", "add", "10.0.0.0/8", "via"], 'Error: argument "via" needs a value in "route add".'],
    [["route", "add"], /^Error: Command line is not complete for "route add"/],
    [["addr", "add", "10.0.0.1/24"], /^Error: Not enough information: "dev" argument is required/],
    [
      ["neigh", "add", "10.0.0.2", "lladdr", "zz", "dev", "v0"],
      'Error: argument "lladdr": expected a link-layer address such as "02:00:00:00:00:01", got "zz"',
    ],
    [["rule", "add", "from", "abc"], /^Error: argument "from": expected an address or a prefix/],
    [["route", "show", "table", "nosuch"], /^Error: argument "table": expected a table name/],
    [["nexthop", "del"], /^Error: Command line is not complete for "nexthop del"/],
    [["link", "add", "x0", "type", "vxlan", "bogus", "1"], /^Error: Unknown argument "bogus"/],
  ];

  it("prints one line naming the problem and exits 1, without a stack trace", () => {
    for (const [args, expected] of cases) {
      const r = nlroute(["-n", ns, ...args]);
      const what = args.join(" ");
      assert.equal(r.code, 1, `${what}: exit ${r.code}`);
      assert.equal(r.stdout, "", what);
      assert.equal(r.stderr.split("\n").length, 2, `${what}: not one line: ${r.stderr}`);
      if (typeof expected === "string") assert.equal(r.stderr, `${expected}\n`, what);
      else assert.match(r.stderr, expected, what);
    }
  });

  it("refuses unknown options and missing option values in one line", () => {
    for (
      const [args, expected] of [
        [["-x", "link"], 'Error: Option "-x" is unknown, try "nlroute --help".'],
        [["-n"], 'Error: Option "--netns" needs a value, try "nlroute --help".'],
        [["--color=sometimes", "link"], /^Error: argument "color": expected always, auto or never/],
        [["-f", "ipx", "link"], /^Error: argument "family": expected inet or inet6/],
      ] as [string[], string | RegExp][]
    ) {
      const r = nlroute(args);
      assert.equal(r.code, 1, args.join(" "));
      assert.equal(r.stderr.split("\n").length, 2, r.stderr);
      if (typeof expected === "string") assert.equal(r.stderr, `${expected}\n`);
      else assert.match(r.stderr, expected);
    }
  });

  it("adds the stack trace with --debug", () => {
    const r = nlroute(["--debug", "-n", ns, "link", "set", "dev", "v0", "mtu", "abc"]);
    assert.equal(r.code, 1);
    const [first, ...rest] = r.stderr.trimEnd().split("\n");
    assert.equal(
      first,
      'Error: argument "mtu": expected an integer from 68 to 4294967295, got "abc"',
    );
    assert.ok(rest.some((l) => /^\s+at /.test(l)), r.stderr);
  });
});
