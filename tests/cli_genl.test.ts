/**
 * `nlroute genl list` and `nlroute ynl`: generic netlink from the command
 * line, checked against genl ctrl list, ip, ethtool and ip mptcp in a
 * throwaway namespace with a veth.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseYaml } from "../core/yaml.ts";
import { Registry } from "../core/schema.ts";
import { ETHTOOL } from "../genl/families/ethtool.ts";
import { camelKey, ynlRequest } from "../cli/run/ynl_request.ts";
import { ip, ipJson, nsExec, skipReason } from "./helpers.ts";
import { live, nlroute, ok, startCapture, throwawayScene } from "./cli_util.ts";

/** A spec in the YNL schema written for this test: just enough of netdev to list devices. */
const MINI_NETDEV = `# SPDX-License-Identifier: MIT
name: netdev
protocol: genetlink
doc: A subset of netdev, for a test.

attribute-sets:
  -
    name: dev
    attributes:
      -
        name: ifindex
        type: u32
        checks:
          min: 1

operations:
  list:
    -
      name: dev-get
      attribute-set: dev
      do:
        request:
          attributes: [ ifindex ]
        reply: &dev-all
          attributes: [ ifindex ]
      dump:
        reply: *dev-all

mcast-groups:
  list:
    -
      name: mgmt
`;

/** Whether the kernel has a generic netlink family (genl ctrl get name X). */
function hasFamily(name: string): boolean {
  return spawnSync("genl", ["ctrl", "get", "name", name]).status === 0;
}

/** genl's text with the capability lines of the families genl leaves them out of (version < 2). */
function withoutCapsOfV1(text: string): string {
  return text.split(/(?=\nName: )/).map((block) =>
    /Version: 0x[01] /.test(block)
      ? block.replace(/\n\t\tCapabilities \(0x[0-9a-f]+\):\n \t\t [^\n]*\n/g, "")
      : block
  ).join("");
}

/** The exit code and stderr of a failing run. */
function fails(args: string[]): { code: number | null; stderr: string; stdout: string } {
  const r = nlroute(args);
  assert.notEqual(r.code, 0, `nlroute ${args.join(" ")} succeeded: ${r.stdout}`);
  return r;
}

describe("nlroute genl / ynl (live)", live, () => {
  let ns = "";
  throwawayScene(["link add v0 type veth peer name v1"], (name) => (ns = name));

  it("genl list prints the families as genl ctrl list does", () => {
    const ours = ok(ns, ["genl", "list"]);
    const theirs = nsExec(ns, ["genl", "ctrl", "list"]);
    // genl prints capabilities only for families of version 2 and more.
    assert.equal(withoutCapsOfV1(ours), theirs);
    const json = JSON.parse(ok(ns, ["-j", "genl", "list"]));
    const names = [...theirs.matchAll(/^Name: (\S+)\n\tID: 0x([0-9a-f]+) /gm)].map((m) => [
      m[1],
      parseInt(m[2]!, 16),
    ]);
    assert.deepEqual(json.map((f: { name: string; id: number }) => [f.name, f.id]), names);
    const ctrl = json.find((f: { name: string }) => f.name === "nlctrl");
    assert.equal(ctrl.id, 16);
    assert.ok(ctrl.ops.some((o: { flags: string[] }) => o.flags.includes("cmd-cap-dump")));
    assert.deepEqual(ctrl.groups, [{ name: "notify", id: 16 }]);
    for (const k of ["version", "headerSize", "maxAttr"]) assert.equal(typeof ctrl[k], "number");
  });

  it("genl ctrl list is genl list", () => {
    assert.equal(ok(ns, ["genl", "ctrl", "list"]), ok(ns, ["genl", "list"]));
    assert.deepEqual(
      JSON.parse(ok(ns, ["-j", "genl", "ctrl", "list"])),
      JSON.parse(ok(ns, ["-j", "genl", "list"])),
    );
  });

  it("ynl ethtool linkinfo-get takes spec-style and camelCase keys", () => {
    const index = ipJson(["link", "show", "dev", "v0"], ns)[0].ifindex;
    for (const json of ['{"header":{"dev-name":"v0"}}', '{"header":{"devName":"v0"}}']) {
      const info = JSON.parse(ok(ns, ["ynl", "ethtool", "linkinfo-get", "--json", json]));
      assert.equal(info.header.devName, "v0", json);
      assert.equal(info.header.devIndex, index, json);
    }
  });

  it("ynl netdev dev-get --dump lists the interfaces ip lists", () => {
    const devs = JSON.parse(ok(ns, ["ynl", "netdev", "dev-get", "--dump"]));
    assert.ok(Array.isArray(devs));
    const ours = devs.map((d: { ifindex: number }) => d.ifindex).sort();
    const theirs = ipJson(["link", "show"], ns).map((l: { ifindex: number }) => l.ifindex).sort();
    assert.deepEqual(ours, theirs);
  });

  it(
    "ynl mptcp_pm get-limits reads what ip mptcp limits set",
    { skip: skipReason(!hasFamily("mptcp_pm") && "the kernel has no mptcp_pm family") },
    () => {
      ip(["mptcp", "limits", "set", "subflows", "3", "add_addr_accepted", "4"], ns);
      const limits = JSON.parse(ok(ns, ["ynl", "mptcp_pm", "get-limits"]));
      assert.deepEqual(limits, { rcvAddAddrs: 4, subflows: 3 });
    },
  );

  it("ynl ethtool monitor --count 1 prints the notification of ethtool -K", async () => {
    const child = startCapture(undefined, ["-n", ns, "ynl", "ethtool", "monitor", "--count", "1"]);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let on = false;
    let ended = false;
    void child.exited.then(() => (ended = true));
    // Toggle until the monitor listens and prints (then it exits by itself).
    for (let i = 0; i < 100 && !ended && child.out() === ""; i++) {
      nsExec(ns, ["ethtool", "-K", "v0", "tso", on ? "on" : "off"]);
      on = !on;
      await sleep(100);
    }
    const timer = setTimeout(() => child.kill("SIGINT"), 10_000);
    const [code] = await child.exited;
    clearTimeout(timer);
    assert.equal(child.err(), "");
    assert.equal(code, 0);
    const lines = child.out().trim().split("\n");
    assert.equal(lines.length, 1, child.out());
    const e = JSON.parse(lines[0]!);
    assert.equal(e.name, "features-ntf");
    assert.equal(typeof e.cmd, "number");
    assert.equal(e.attrs.header.devName, "v0");
    assert.equal(typeof e.attrs.wanted.value, "string", "bytes print as hex");
  });

  it(
    "ynl --spec runs a spec read at run time",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "nlroute-ynl-"));
      try {
        const file = join(dir, "netdev.yaml");
        writeFileSync(file, MINI_NETDEV);
        assert.equal((parseYaml(MINI_NETDEV) as { name: string }).name, "netdev");
        const builtin = JSON.parse(ok(ns, ["ynl", "netdev", "dev-get", "--dump"]));
        const fromSpec = JSON.parse(ok(ns, ["ynl", "--spec", file, "dev-get", "--dump"]));
        // The same devices; what the small spec lacks is kept as raw "#<type>" attributes.
        assert.deepEqual(
          fromSpec.map((d: { ifindex: number }) => d.ifindex),
          builtin.map((d: { ifindex: number }) => d.ifindex),
        );
        assert.ok(
          fromSpec.every((d: Record<string, unknown>) => "#3" in d),
          "xdp-features (attribute 3) kept raw",
        );
        assert.deepEqual(
          JSON.parse(ok(ns, ["ynl", "netdev", "dev-get", "--dump", "--spec", file])),
          fromSpec,
        );
        const index = ipJson(["link", "show", "dev", "v0"], ns)[0].ifindex;
        const one = JSON.parse(
          ok(ns, ["ynl", "--spec", file, "dev-get", "--json", `{"ifindex":${index}}`]),
        );
        assert.equal(one.ifindex, index);
        const r = fails(["-n", ns, "ynl", "ethtool", "dev-get", "--spec", file]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^Error: argument "family": expected the family of .* \(netdev\)/);
        const missing = fails(["-n", ns, "ynl", "--spec", join(dir, "none.yaml"), "dev-get"]);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /^Error: Cannot read spec ".*none\.yaml": No such file/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("errors: bad input exits 1 with the ArgumentError text, kernel errors 2", () => {
    const family = fails(["-n", ns, "ynl", "nosuch", "get"]);
    assert.equal(family.code, 1);
    assert.match(
      family.stderr,
      /^Error: argument "family": expected a family nlroute has a spec for \(devlink, .*\), or --spec FILE\.yaml, got "nosuch"\n$/,
    );
    const op = fails(["-n", ns, "ynl", "ethtool", "nosuch-get"]);
    assert.equal(op.code, 1);
    assert.match(
      op.stderr,
      /^Error: argument "op": expected an operation of ethtool \(.*\), got "nosuch-get"\n$/,
    );
    const form = fails(["-n", ns, "ynl", "mptcp_pm", "get-limits", "--dump"]);
    assert.equal(form.code, 1);
    assert.match(
      form.stderr,
      /^Error: argument "op": expected an operation of mptcp_pm with a dump form/,
    );
    const json = fails(["-n", ns, "ynl", "ethtool", "linkinfo-get", "--json", "{bad"]);
    assert.equal(json.code, 1);
    assert.match(
      json.stderr,
      /^Error: Cannot parse argument "json": expected a JSON object \(.*\), got "\{bad"\n$/,
    );
    const array = fails(["-n", ns, "ynl", "ethtool", "linkinfo-get", "--json", "[1]"]);
    assert.equal(array.code, 1);
    assert.match(array.stderr, /^Error: Cannot parse argument "json": expected a JSON object/);
    const attr = fails(["-n", ns, "ynl", "ethtool", "linkinfo-get", "--json", '{"dev-name":"v0"}']);
    assert.equal(attr.code, 1);
    assert.equal(
      attr.stderr,
      `Error: argument "devName": expected an attribute of ethtool linkinfo-get's do request (header), got "v0"\n`,
    );
    const type = fails(["-n", ns, "ynl", "netdev", "dev-get", "--json", '{"ifindex":"x"}']);
    assert.equal(type.code, 1);
    assert.match(type.stderr, /^Error: argument "ifindex": expected an integer/);
    const kernel = fails([
      "-n",
      ns,
      "ynl",
      "ethtool",
      "linkinfo-get",
      "--json",
      '{"header":{"dev-name":"nosuch0"}}',
    ]);
    assert.equal(kernel.code, 2);
    assert.match(kernel.stderr, /^Error: Cannot ethtool linkinfo-get: .* \(ENODEV\)\n$/);
    const usage = fails(["-n", ns, "ynl", "ethtool", "linkinfo-get", "--bogus"]);
    assert.equal(usage.code, 1);
    assert.equal(
      usage.stderr,
      `Error: Option "--bogus" is unknown for "ynl", try "nlroute ynl help".\n`,
    );
    const group = fails(["-n", ns, "ynl", "ethtool", "monitor", "--group", "nosuch"]);
    assert.equal(group.code, 1);
    assert.match(
      group.stderr,
      /^Error: argument "group": expected a multicast group of ethtool \(monitor\), got "nosuch"\n$/,
    );
  });

  it(
    "a family the kernel lacks: exit 2 with FamilyNotFoundError's text",
    { skip: skipReason(hasFamily("wireguard") && "the kernel has wireguard") },
    () => {
      const r = fails([
        "-n",
        ns,
        "ynl",
        "wireguard",
        "get-device",
        "--dump",
        "--json",
        '{"ifindex":1}',
      ]);
      assert.equal(r.code, 2);
      assert.equal(
        r.stderr,
        'Error: Cannot resolve generic netlink family "wireguard": not available in this kernel\n',
      );
    },
  );
});

describe("nlroute ynl: --json requests", () => {
  const sets = new Registry([ETHTOOL.data]).sets;

  it("converts spec-style keys to camelCase at every depth, keeps camelCase keys", () => {
    assert.equal(camelKey("dev-name"), "devName");
    assert.equal(camelKey("devName"), "devName");
    assert.equal(camelKey("rx_bytes"), "rxBytes");
    assert.deepEqual(
      ynlRequest(sets.get("features"), {
        header: { "dev-name": "v0", flags: ["omit-reply"] },
        wanted: { bits: { bit: [{ name: "tx-checksum-ipv4", value: true }] } },
      }),
      {
        header: { devName: "v0", flags: ["omit-reply"] },
        wanted: { bits: { bit: [{ name: "tx-checksum-ipv4", value: true }] } },
      },
    );
  });

  it("reads raw bytes from hex strings or byte arrays and 64-bit integers from strings", () => {
    assert.deepEqual(ynlRequest(sets.get("bitset"), { value: "0a:ff", mask: [1, 2], size: 16 }), {
      value: new Uint8Array([10, 255]),
      mask: new Uint8Array([1, 2]),
      size: 16,
    });
    // Not hex: left for the encoder to refuse by name.
    assert.deepEqual(ynlRequest(sets.get("bitset"), { value: "xyz" }), { value: "xyz" });
    assert.deepEqual(
      ynlRequest(sets.get("mmStat"), { "reassembly-errors": "18446744073709551615" }),
      { reassemblyErrors: 18446744073709551615n },
    );
  });
});

describe("nlroute ynl --list-ops and help", () => {
  it("lists the operations of a spec with their forms", () => {
    const r = nlroute(["ynl", "netdev", "--list-ops"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^dev-get +do dump$/m);
    assert.match(r.stdout, /^dev-add-ntf +event$/m);
    const j = nlroute(["-j", "ynl", "netdev", "--list-ops"]);
    const ops = JSON.parse(j.stdout);
    assert.deepEqual(ops.find((o: { name: string }) => o.name === "dev-get"), {
      name: "dev-get",
      forms: ["do", "dump"],
    });
  });

  it("has help for genl and ynl", () => {
    for (
      const [args, start] of [
        [["genl", "help"], "Usage: nlroute genl"],
        [["ynl", "help"], "Usage: nlroute ynl"],
        [["ynl", "--help"], "Usage: nlroute ynl"],
      ] as const
    ) {
      const r = nlroute(args);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.startsWith(start), r.stdout);
    }
    const r = nlroute(["ynl", "ethtool"]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `Error: Command line is not complete for "ynl", try "nlroute ynl help".\n`,
    );
  });
});
