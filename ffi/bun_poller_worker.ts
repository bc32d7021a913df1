/**
 * Bun's waiting thread: blocks in epoll_wait and hands ready tokens to the main
 * thread through a ring in shared memory, ringing a doorbell it waits on with
 * `Atomics.waitAsync`. Started by `bun.ts`; one per process.
 *
 * Shared layout (Int32Array): [0] quit flag, [1] doorbell (events published),
 * [2] ring head (written here), [3] ring tail (written by the main thread),
 * [4 ...] the ring.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { adapter } from "./bun.ts";
import { EPOLL_EVENT_SIZE, MAX_EVENTS, readTokens, WAIT_MS, WAKE_TOKEN } from "./epoll.ts";
import { allocBuffer } from "./symbols.ts";

const data = workerData as { sab: SharedArrayBuffer; epfd: number; path: string };
const ctl = new Int32Array(data.sab);
const RING = ctl.length - 4;
const c = adapter.open(data.path);
const events = allocBuffer(EPOLL_EVENT_SIZE * MAX_EVENTS);
const dv = new DataView(events.buffer);

while (Atomics.load(ctl, 0) === 0) {
  const n = c.epoll_wait(data.epfd, events, MAX_EVENTS, WAIT_MS);
  if (n === 0) {
    // Timed out: ring anyway, so that the main thread re-checks its descriptors.
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
    continue;
  }
  if (n < 0) continue;
  let head = Atomics.load(ctl, 2);
  let ring = false;
  for (const token of readTokens(dv, n)) {
    ring = true; // a write to the eventfd rings too: it wakes a pending wait()
    if (token === WAKE_TOKEN) continue;
    Atomics.store(ctl, 4 + (head % RING), token);
    head = (head + 1) | 0;
  }
  if (ring) {
    Atomics.store(ctl, 2, head);
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
}
