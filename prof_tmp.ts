import { IPRoute } from "./iproute/iproute.ts";
import { Link } from "./iproute/link/link.ts";
import { buildLinkRequest } from "./iproute/link/request.ts";
import { decoderOf } from "./core/lazy.ts";
const mode = Deno.args[0] ?? "sock";
const ipr = await IPRoute.open();
const req = buildLinkRequest("get", { index: 1 });
const dec = decoderOf(Link);
const N = Number(Deno.env.get("N") ?? 200000);
for (let round = 0; round < 3; round++) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    if (mode === "sock") {
      const r = await ipr.socket.request(req, { decode: dec, ack: false });
      if (r.messages[0]!.index !== 1) throw 1;
    } else if (mode === "nodecode") {
      await ipr.socket.request(req, { ack: false });
    } else {
      const l = await ipr.link("get", { index: 1 });
      if (l.index !== 1) throw 1;
    }
  }
  console.log(mode, ((performance.now() - t0) * 1000 / N).toFixed(2), "µs");
}
ipr.close();
