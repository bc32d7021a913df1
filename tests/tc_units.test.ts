/**
 * tc's units (iproute/tc/units.ts): handles, rates, sizes, times and
 * percentages parsed and printed as tc does, the psched clock, transmit times
 * and rate tables; bad values raise an ArgumentError naming the argument.
 * Live (root): tc itself in a throwaway namespace is the oracle for what the
 * kernel keeps and what `tc -j` prints.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { ArgumentError } from "../core/errors.ts";
import {
  formatHandle,
  formatPercent,
  formatRate,
  formatSize,
  formatTime,
  parseHandle,
  parseParent,
  parsePercent,
  parseRate,
  parseSize,
  parseTime,
  rateTable,
  tickInUsec,
  ticksToTime,
  timeToTicks,
  txSize,
  txTime,
} from "../iproute/tc/units.ts";
import { rateSpec } from "../iproute/tc/rates.ts";
import { TC_H, TC_LINKLAYER } from "../core/tables/tc.ts";

const TC_H_INGRESS = TC_H.INGRESS;
const TC_H_ROOT = TC_H.ROOT;
const TC_LINKLAYER_ATM = TC_LINKLAYER.ATM;
import { isRoot, skipReason, testName } from "./helpers.ts";

type Parse = (v: unknown, argument: string) => number;

/** Each [input, expected] of `table` through `parse`. */
function parses(parse: Parse, table: [unknown, number][]): void {
  for (const [input, expected] of table) {
    assert.equal(parse(input, "x"), expected, `${parse.name}(${String(input)})`);
  }
}

/** Each input of `bad` makes `parse` throw an ArgumentError naming the argument. */
function refuses(parse: Parse, bad: unknown[]): void {
  for (const input of bad) {
    assert.throws(() => parse(input, "spec.arg"), (err) => {
      assert.ok(err instanceof ArgumentError, `${parse.name}(${String(input)}): ${err}`);
      assert.equal(err.argument, "spec.arg");
      assert.match(err.message, /"spec\.arg"/);
      return true;
    }, `${parse.name}(${String(input)}) should throw`);
  }
}

/** `fn` throws an ArgumentError naming `argument`. */
function throwsNaming(fn: () => unknown, argument: string): void {
  assert.throws(fn, (err) => err instanceof ArgumentError && err.argument === argument);
}

const COMMON_BAD = ["", "-1", "abc", " 1", "0x10", null, undefined, {}, [], true, NaN, -1, 1.5];

describe("tc units: handles", () => {
  it("parses qdisc and class handles as tc (hex both sides)", () => {
    parses(parseHandle, [
      ["1:", 0x00010000],
      ["1:10", 0x00010010],
      ["1:a", 0x0001000a],
      ["1:A", 0x0001000a],
      [":10", 0x00000010],
      ["ffff:", 0xffff0000],
      ["ffff:ffff", 0xffffffff],
      ["0001:0001", 0x00010001],
      ["none", 0],
      ["root", TC_H_ROOT],
      ["ingress", 0xffff0000],
      ["clsact", 0xffff0000],
      [0, 0],
      [0x10010, 0x10010],
      [0xffffffff, 0xffffffff],
    ]);
  });

  it("parses parents: root, clsact's ingress and egress hooks, handles", () => {
    parses(parseParent, [
      ["root", 0xffffffff],
      ["ingress", 0xfffffff2],
      ["egress", 0xfffffff3],
      ["none", 0],
      ["1:", 0x10000],
      ["1:10", 0x10010],
      ["ffff:fff1", TC_H_INGRESS],
      [7, 7],
    ]);
  });

  it("refuses other handles and parents, naming the argument", () => {
    const bad = [...COMMON_BAD, "1", "10", ":", "1:2:3", "10000:", "1:10000", "g:", "1: ", "Root"];
    refuses(parseHandle, [...bad, "egress", 2 ** 32]);
    refuses(parseParent, [...bad, "clsact", 2 ** 32]);
  });

  it("prints handles as tc's print_tc_classid", () => {
    const table: [number, string][] = [
      [0xffffffff, "root"],
      [0, "none"],
      [0x10000, "1:"],
      [0x10010, "1:10"],
      [0x1000a, "1:a"],
      [0x10, ":10"],
      [0xffff0000, "ffff:"],
      [0xfffffff1, "ffff:fff1"],
      [0xfffffff2, "ffff:fff2"],
    ];
    for (const [h, text] of table) {
      assert.equal(formatHandle(h), text);
      if (h !== 0 && h !== TC_H_ROOT) assert.equal(parseHandle(text, "h"), h, text);
    }
    throwsNaming(() => formatHandle(-1), "handle");
    throwsNaming(() => formatHandle(2 ** 32), "handle");
  });
});

describe("tc units: rates", () => {
  it("parses rates into bytes per second as tc's get_rate64", () => {
    parses(parseRate, [
      ["10mbit", 1_250_000],
      ["10Mbit", 1_250_000],
      ["10MBIT", 1_250_000],
      ["80000", 10_000], // no unit: bits per second
      ["8bit", 1],
      ["1bit", 0], // truncated
      ["1kbit", 125],
      ["1kibit", 128],
      ["1Kibit", 128],
      ["1.5gbit", 187_500_000],
      ["1gibit", 134_217_728],
      ["1tbit", 125_000_000_000],
      ["1tibit", 137_438_953_472],
      ["1mibit", 131_072],
      ["100bps", 100],
      ["100Bps", 100],
      ["1kbps", 1000],
      ["1kibps", 1024],
      ["100KiBps", 102_400],
      ["1mbps", 1e6],
      ["1mibps", 1_048_576],
      ["1gbps", 1e9],
      ["1gibps", 1024 ** 3],
      ["1tbps", 1e12],
      ["1tibps", 1024 ** 4],
      [".5mbit", 62_500],
      ["1e6bit", 125_000],
      ["0", 0],
      [1_250_000, 1_250_000],
      [0, 0],
      [1_250_000n, 1_250_000],
      [2n ** 64n - 1n, 2 ** 64],
    ]);
  });

  it("refuses bad rates, naming the argument", () => {
    refuses(parseRate, [
      ...COMMON_BAD,
      "10mbits",
      "10 mbit",
      "10kb",
      "mbit",
      "1e",
      "1e20tbit", // past u64
      -1n,
      2n ** 64n,
      2 ** 64,
      Infinity,
    ]);
  });

  it("prints rates as tc's print_rate", () => {
    const table: [number | bigint, string][] = [
      [1_250_000, "10Mbit"],
      [125_000_000, "1Gbit"],
      [62_500, "500Kbit"],
      [187_500_000, "1500Mbit"],
      [187, "1496bit"],
      [102_400, "819200bit"],
      [125_000_000_000, "1Tbit"],
      [125_000_000_000_000, "1000Tbit"],
      [0, "0bit"],
      [100, "800bit"],
      [125, "1Kbit"],
      [10n ** 15n, "8000Tbit"],
    ];
    for (const [rate, text] of table) assert.equal(formatRate(rate), text, String(rate));
    assert.equal(formatRate(128, { iec: true }), "1Kibit");
    assert.equal(formatRate(131_072, { iec: true }), "1Mibit");
    assert.equal(formatRate(100, { iec: true }), "800bit");
    throwsNaming(() => formatRate(-1), "rate");
    throwsNaming(() => formatRate(1.5), "rate");
  });
});

describe("tc units: sizes, times, percentages", () => {
  it("parses sizes into bytes as tc's get_size", () => {
    parses(parseSize, [
      ["32kb", 32_768],
      ["32KB", 32_768],
      ["32k", 32_768],
      ["1.5k", 1536],
      ["1m", 1_048_576],
      ["1mb", 1_048_576],
      ["1g", 1_073_741_824],
      ["3gb", 3 * 1_073_741_824],
      ["1kbit", 128],
      ["2kbit", 256],
      ["1mbit", 131_072],
      ["1gbit", 134_217_728],
      ["1600", 1600],
      ["1600b", 1600],
      ["1.9", 1],
      [1600, 1600],
      [0xffffffff, 0xffffffff],
    ]);
    refuses(parseSize, [...COMMON_BAD, "10kbits", "1t", "4g", "1 k", 2 ** 32]);
  });

  it("prints sizes as tc's print_size", () => {
    const table: [number, string][] = [
      [32_767, "32Kb"],
      [32_768, "32Kb"],
      [1600, "1600b"],
      [1536, "1536b"],
      [1024, "1Kb"],
      [1023, "1023b"],
      [1_048_576, "1Mb"],
      [1_048_576 + 1023, "1Mb"],
      [1_048_576 + 1024, "1025Kb"],
      [1_073_625_000, "1073625000b"],
      [0, "0b"],
    ];
    for (const [bytes, text] of table) assert.equal(formatSize(bytes), text, String(bytes));
    throwsNaming(() => formatSize(-1), "size");
  });

  it("parses times into microseconds as iproute2's get_time", () => {
    parses(parseTime, [
      ["50ms", 50_000],
      ["50msec", 50_000],
      ["50MSECS", 50_000],
      ["1s", 1_000_000],
      ["1.5sec", 1_500_000],
      ["2secs", 2_000_000],
      ["100us", 100],
      ["100usec", 100],
      ["100usecs", 100],
      ["100", 100],
      ["1.5us", 1],
      ["4294s", 4_294_000_000],
      [50_000, 50_000],
    ]);
    refuses(parseTime, [...COMMON_BAD, "500ns", "1m", "1min", "50mss", "4295s", 2 ** 32]);
  });

  it("prints times as iproute2's print_time (%.3g)", () => {
    const table: [number, string][] = [
      [50_000, "50ms"],
      [1_000_000, "1s"],
      [1_234_500, "1.23s"],
      [1_125_000, "1.12s"], // an exact tie rounds to even, as printf
      [1_135_000, "1.14s"],
      [551_253_140, "551s"],
      [961_562, "962ms"],
      [999_999, "1e+03ms"],
      [4_294_967_295, "4.29e+03s"],
      [1000, "1ms"],
      [999, "999us"],
      [100, "100us"],
      [100.9, "100us"],
      [0, "0us"],
    ];
    for (const [us, text] of table) assert.equal(formatTime(us), text, String(us));
    throwsNaming(() => formatTime(-1), "time");
    throwsNaming(() => formatTime(NaN), "time");
  });

  it("parses percentages into netem's scaled u32", () => {
    parses(parsePercent, [
      ["1%", 42_949_673],
      ["1", 42_949_673], // tc takes the number without "%"
      ["0.5%", 21_474_836], // 21474836.475
      ["50%", 2_147_483_648], // 2147483647.5: half to even
      ["100%", 0xffffffff],
      ["0%", 0],
      [0.01, 42_949_673],
      [2.5 / 0xffffffff, 2], // exactly 2.5: half to even, as C's rint
      [6.5 / 0xffffffff, 6],
      [7.5 / 0xffffffff, 8],
      [1, 0xffffffff],
      [0, 0],
    ]);
    refuses(parsePercent, [
      "",
      "-1%",
      "101%",
      "1%%",
      "1 %",
      "1pct",
      "abc",
      -0.1,
      1.1,
      NaN,
      null,
      "1e3",
    ]);
  });

  it("prints percentages as tc's text output", () => {
    assert.equal(formatPercent(42_949_673), "1%");
    assert.equal(formatPercent(0xffffffff), "100%");
    assert.equal(formatPercent(2_147_483_648), "50%");
    assert.equal(formatPercent(0), "0%");
    assert.equal(formatPercent(1), "2.32831e-08%");
    throwsNaming(() => formatPercent(-1), "percent");
  });
});

describe("tc units: psched clock, transmit times, rate tables", () => {
  it("reads tick_in_usec as tc_core_init", () => {
    assert.equal(tickInUsec("000003e8 00000040 000f4240 3b9aca00\n"), 15.625);
    // A clock_res of 1e9 makes t2us = us2t (tc's compatibility hack): 1 × 1000.
    assert.equal(tickInUsec("000003e8 00000040 3b9aca00 3b9aca00"), 1000);
    assert.equal(tickInUsec("00000001 00000001 000f4240 00000064"), 1);
    // Unparsable: the kernel's fixed values.
    assert.equal(tickInUsec(""), 15.625);
    assert.equal(tickInUsec("garbage"), 15.625);
    let text = "";
    try {
      text = readFileSync("/proc/net/psched", "utf8");
    } catch { /* the fallback */ }
    assert.equal(tickInUsec(), tickInUsec(text));
  });

  it("converts times, ticks and sizes as tc_core.c", () => {
    const tick = tickInUsec();
    assert.equal(timeToTicks(1000), Math.trunc(1000 * tick));
    assert.equal(ticksToTime(timeToTicks(1000)), Math.trunc(1000 * tick) / tick);
    assert.equal(txTime(12_500, 125_000), Math.ceil(100_000 * tick));
    assert.equal(txSize(txTime(12_500, 125_000), 125_000), 12_500);
    if (tick === 15.625) {
      assert.equal(timeToTicks(1000), 15_625);
      assert.equal(timeToTicks(1), 15);
      assert.equal(ticksToTime(15_625), 1000);
      assert.equal(txTime(32_768, 1_250_000), 409_600); // 26214.4 µs × 15.625
      assert.equal(txTime(1, 1_250_000), 13); // 12.5 ticks, rounded up
      assert.equal(txSize(409_600, 1_250_000), 32_768);
      assert.equal(txSize(409_593, 1_250_000), 32_767);
      assert.equal(txTime(2 ** 40, 1), 0xffffffff); // capped
    }
    assert.equal(txTime(0, 1000), 0);
    throwsNaming(() => timeToTicks(-1), "time");
    throwsNaming(() => timeToTicks(2 ** 32), "time");
    throwsNaming(() => ticksToTime(-1), "ticks");
    throwsNaming(() => txTime(-1, 1000), "size");
    throwsNaming(() => txTime(1, 0), "rate");
    throwsNaming(() => txSize(1.5, 1000), "ticks");
    throwsNaming(() => txSize(1, NaN), "rate");
  });

  it("builds rate tables as tc_calc_rtable_64", () => {
    const rate = 1_250_000;
    const eth = rateTable({ rate });
    assert.equal(eth.cellLog, 3); // 2047 >> 3 = 255
    assert.equal(eth.cellAlign, -1);
    assert.equal(eth.linklayer, 1);
    assert.equal(eth.table.length, 256);
    assert.equal(eth.table.byteLength, 1024);
    for (const i of [0, 1, 100, 255]) assert.equal(eth.table[i], txTime((i + 1) * 8, rate));
    assert.deepEqual(rateTable({ rate }, 0), eth); // mtu 0 is 2047
    assert.equal(rateTable({ rate }, 1500).cellLog, 3);
    assert.equal(rateTable({ rate }, 255).cellLog, 0);
    assert.equal(rateTable({ rate }, 9000).cellLog, 6);
    assert.equal(rateTable({ rate }, 65535).cellLog, 8);

    const given = rateTable({ rate, cellLog: 4 });
    assert.equal(given.cellLog, 4);
    assert.equal(given.table[0], txTime(16, rate));

    const mpu = rateTable({ rate, mpu: 64 });
    for (const i of [0, 7]) assert.equal(mpu.table[i], txTime(64, rate)); // 8, 64 → 64
    assert.equal(mpu.table[8], txTime(72, rate));

    // ATM: sizes rounded up to 48-byte payloads, 53 bytes each.
    const atm = rateTable({ rate, linklayer: TC_LINKLAYER_ATM });
    assert.equal(atm.linklayer, 2);
    assert.equal(atm.table[0], txTime(53, rate)); // 8 bytes: 1 cell
    assert.equal(atm.table[5], txTime(53, rate)); // 48 bytes: 1 cell
    assert.equal(atm.table[6], txTime(106, rate)); // 56 bytes: 2 cells
    assert.equal(atm.table[255], txTime(43 * 53, rate)); // 2048 bytes: 43 cells
    assert.equal(
      rateTable({ rate, linklayer: TC_LINKLAYER_ATM, mpu: 100 }).table[0],
      txTime(159, rate),
    );

    throwsNaming(() => rateTable({ rate: 0 }), "rate");
    throwsNaming(() => rateTable(null as unknown as { rate: number }), "rate");
    throwsNaming(() => rateTable({ rate, cellLog: 32 }), "cellLog");
    throwsNaming(() => rateTable({ rate, cellLog: 1.5 }), "cellLog");
    throwsNaming(() => rateTable({ rate, mpu: 65536 }), "mpu");
    throwsNaming(() => rateTable({ rate, linklayer: 3 }), "linklayer");
    throwsNaming(() => rateTable({ rate }, -1), "mtu");
  });
});

const hasTc = spawnSync("tc", ["-V"]).status === 0;
const noLive = skipReason(!isRoot && "needs root for a namespace") ||
  skipReason(!hasTc && "tc (iproute2) is not installed");

/** Runs tc in namespace `ns`; returns stdout. */
function tc(ns: string, args: string[]): string {
  return execFileSync("tc", ["-n", ns, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

// deno-lint-ignore no-explicit-any
function tcJson(ns: string, args: string[]): any[] {
  const out = tc(ns, ["-j", ...args]).trim();
  return out ? JSON.parse(out) : [];
}

describe("tc units against tc (live, throwaway namespace)", { skip: noLive }, () => {
  it("matches what tc sends, the kernel keeps and tc -j prints", () => {
    const ns = testName("units");
    execFileSync("ip", ["netns", "add", ns]);
    try {
      tc(ns, [
        "qdisc",
        "add",
        "dev",
        "lo",
        "root",
        "tbf",
        "rate",
        "10mbit",
        "burst",
        "32kb",
        "latency",
        "50ms",
      ]);
      const [tbf] = tcJson(ns, ["qdisc", "show", "dev", "lo"]);
      assert.equal(tbf.kind, "tbf");
      assert.equal(tbf.root, true);
      const rate = parseRate("10mbit", "rate");
      assert.equal(tbf.options.rate, rate);
      assert.equal(tbf.options.lat, parseTime("50ms", "latency"));
      // The kernel derives the buffer from the burst; tc prints it back
      // through whole microseconds, so within one microsecond's bytes.
      const burst = parseSize("32kb", "burst");
      assert.ok(Math.abs(tbf.options.burst - burst) <= rate / 1e6, String(tbf.options.burst));
      assert.equal(formatHandle(parseHandle(tbf.handle, "handle")), tbf.handle);
      const text = tc(ns, ["qdisc", "show", "dev", "lo"]);
      assert.ok(
        text.includes(
          `rate ${formatRate(rate)} burst ${formatSize(tbf.options.burst)} lat ${
            formatTime(tbf.options.lat)
          }`,
        ),
        text,
      );

      // Rates as tc parses them (a bare number is bits per second).
      for (const r of ["80000", "100KiBps", "1.5gbit", "1Tbit", "500kbit", "1mibit"]) {
        tc(ns, [
          "qdisc",
          "replace",
          "dev",
          "lo",
          "root",
          "tbf",
          "rate",
          r,
          "burst",
          "1mb",
          "latency",
          "1ms",
        ]);
        const [q] = tcJson(ns, ["qdisc", "show", "dev", "lo"]);
        assert.equal(q.options.rate, parseRate(r, "rate"), r);
        assert.match(
          tc(ns, ["qdisc", "show", "dev", "lo"]),
          new RegExp(`rate ${formatRate(q.options.rate)} `),
          r,
        );
      }
      tc(ns, ["qdisc", "del", "dev", "lo", "root"]);

      // Ingress and clsact: handle ffff:, parent TC_H_INGRESS, printed as numbers.
      for (const kind of ["ingress", "clsact"]) {
        tc(ns, ["qdisc", "add", "dev", "lo", kind]);
        const q = tcJson(ns, ["qdisc", "show", "dev", "lo"]).find((x) => x.kind === kind);
        assert.equal(q.handle, formatHandle(parseHandle(kind, "kind")));
        assert.equal(q.parent, formatHandle(TC_H_INGRESS));
        assert.equal(parseParent(q.parent, "parent"), TC_H_INGRESS);
        tc(ns, ["qdisc", "del", "dev", "lo", kind]);
      }

      // HTB keeps tc's ticks: `tc -raw` prints them. Values whose microseconds
      // and ticks are whole, where every tc version computes the same ticks.
      tc(ns, ["qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb"]);
      tc(ns, [
        "class",
        "add",
        "dev",
        "lo",
        "parent",
        "1:",
        "classid",
        "1:a",
        "htb",
        "rate",
        "1mbit",
        "burst",
        "12500b",
        "cburst",
        "25000",
      ]);
      tc(ns, [
        "class",
        "add",
        "dev",
        "lo",
        "parent",
        "1:",
        "classid",
        "1:10",
        "htb",
        "rate",
        "10mbit",
        "burst",
        "1600",
      ]);
      const raw = tc(ns, ["-raw", "class", "show", "dev", "lo"]);
      const ticks = (classid: string, which: string): number => {
        const m = new RegExp(`class htb ${classid} .* ${which} \\[([0-9a-f]{8})\\]`).exec(raw);
        assert.ok(m, raw);
        return parseInt(m[1]!, 16);
      };
      assert.equal(
        ticks("1:a", "buffer"),
        txTime(parseSize("12500b", "burst"), parseRate("1mbit", "rate")),
      );
      assert.equal(ticks("1:a", "cbuffer"), txTime(25_000, 125_000));
      assert.equal(ticks("1:10", "buffer"), txTime(1600, parseRate("10mbit", "rate")));
      assert.match(
        raw,
        new RegExp(`class htb ${formatHandle(parseHandle("1:a", "classid"))} .* burst 12500b `),
      );

      tc(ns, [
        "filter",
        "add",
        "dev",
        "lo",
        "parent",
        "1:",
        "u32",
        "match",
        "u32",
        "0",
        "0",
        "flowid",
        "1:10",
      ]);
      const filters = tcJson(ns, ["filter", "show", "dev", "lo"]);
      assert.ok(filters.length > 0);
      for (const f of filters) assert.equal(f.parent, formatHandle(parseParent("1:", "parent")));
      assert.ok(
        filters.some((f) => f.options?.flowid === formatHandle(parseHandle("1:10", "flowid"))),
      );
    } finally {
      spawnSync("ip", ["netns", "del", ns]);
    }
  });
});

describe("rateSpec", () => {
  it("gives rateTable's table and tc_ratespec's members, remembered tables included", () => {
    const lo = { overhead: 4, mpu: 64, linklayer: TC_LINKLAYER.ATM };
    for (let round = 0; round < 2; round++) { // the second round comes from the cache
      for (const [prefix, rate, mtu] of [["rate", 125000, 1600], ["ceil", 5e9, 0]] as const) {
        const r = rateSpec(prefix, rate, lo, mtu);
        const t = rateTable({ rate, mpu: lo.mpu, linklayer: lo.linklayer }, mtu);
        assert.deepEqual(r.table, new Uint8Array(t.table.buffer));
        const p = prefix;
        assert.deepEqual(r.members, {
          [`${p}CellLog`]: t.cellLog,
          [`${p}Linklayer`]: t.linklayer,
          [`${p}Overhead`]: 4,
          [`${p}CellAlign`]: -1,
          [`${p}Mpu`]: 64,
          [`${p}Rate`]: Math.min(rate, 0xffffffff),
        });
      }
    }
    assert.throws(() => rateSpec("rate", -1, lo, 1600), ArgumentError);
  });
});
