"use strict";
// make bench peer (written for Band's bench): a Moleculer client node that calls debug.data on the
// echo-service node in the shape Band's bench calls bench-svc.echo: sequential calls for latency,
// a closed loop with N calls in flight for throughput.
// Usage: node load-client.js <redis-url> <nodeID> <serverNodeID>
// Commands on stdin, answers on stdout ("BENCH ..." lines, read by the bench's PeerProcess):
//   lat <calls> <payloadBytes>                   -> LAT <p50 us> <p99 us>
//   tp <inFlight> <warmupMs> <windowMs> <bytes>  -> WINDOW (window starts), then DONE <calls> <nanos> <errors>
//   first <serverNodeID> <timeoutMs>             -> FIRST (the first answered call of a node just started)
//   quit
const { ServiceBroker } = require("moleculer");
const readline = require("readline");

const [redisUrl, nodeID, firstServer] = process.argv.slice(2);
const broker = new ServiceBroker({
    nodeID,
    transporter: redisUrl,
    logLevel: "warn",
    requestTimeout: 10 * 1000,
    metrics: { enabled: false },
    tracing: { enabled: false }
});
const server = firstServer;

// the same shape as the bench's Band params (RpcPair / BenchMain.peerParams): a blob string pads to size
function params(bytes) {
    const p = { name: "in.gen.track", data: { page: "https://example.org/landing?utm_source=bench", n: 42 } };
    if (bytes > 0) p.data.blob = "0123456789abcdef".repeat(Math.ceil(bytes / 16)).slice(0, bytes);
    return p;
}

function call(p) {
    return broker.call("debug.data", p, { nodeID: server });
}

function say(line) {
    process.stdout.write("BENCH " + line + "\n");
}

async function latency(calls, bytes) {
    const p = params(bytes);
    const lat = new Float64Array(calls);
    for (let i = 0; i < calls; i++) {
        const t = process.hrtime.bigint();
        await call(p);
        lat[i] = Number(process.hrtime.bigint() - t) / 1000;
    }
    lat.sort();
    say(`LAT ${lat[Math.floor(calls * 0.5)]} ${lat[Math.min(calls - 1, Math.floor(calls * 0.99))]}`);
}

function throughput(inFlight, warmupMs, windowMs, bytes) {
    const p = params(bytes);
    let replies = 0;
    let errors = 0;
    let running = true;
    let outstanding = inFlight;
    return new Promise(resolve => {
        const fire = () => call(p).then(
            () => next(true),
            // a failing peer must not turn the loop into a busy spin
            () => setTimeout(() => next(false), 10)
        );
        const next = ok => {
            if (ok) replies++;
            else errors++;
            if (running) fire();
            else if (--outstanding === 0) resolve();
        };
        for (let i = 0; i < inFlight; i++) fire();
        setTimeout(() => {
            const c0 = replies;
            const e0 = errors;
            const t0 = process.hrtime.bigint();
            say("WINDOW");
            setTimeout(() => {
                const c1 = replies;
                const t1 = process.hrtime.bigint();
                say(`DONE ${c1 - c0} ${t1 - t0} ${errors - e0}`);
                running = false;
            }, windowMs);
        }, warmupMs);
    });
}

// polls every 2 ms until the node just started answers, as the bench polls Band's service
async function first(serverNodeID, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (broker.registry.getActionEndpointByNodeId("debug.data", serverNodeID)) {
            try {
                await broker.call("debug.data", params(0), { nodeID: serverNodeID, timeout: 500 });
                say("FIRST");
                return;
            } catch (e) {
                // not answering yet
            }
        }
        await new Promise(r => setTimeout(r, 2));
    }
    say("FIRST timeout");
}

let ready;
let queue = new Promise(resolve => (ready = resolve)); // commands wait for the broker and the service
readline.createInterface({ input: process.stdin }).on("line", line => {
    const [cmd, ...a] = line.trim().split(/\s+/);
    const n = a.map(Number);
    queue = queue.then(() => {
        switch (cmd) {
            case "lat": return latency(n[0], n[1]);
            case "tp": return throughput(n[0], n[1], n[2], n[3]);
            case "first": return first(a[0], n[1]);
            case "quit": return broker.stop().finally(() => process.exit(0));
            default: console.error("unknown command: " + line);
        }
    }).catch(e => console.error(cmd + " failed: " + e.message));
}).on("close", () => broker.stop().finally(() => process.exit(0)));

broker.start()
    .then(() => broker.waitForServices("debug", 30 * 1000, 5))
    .then(() => {
        say("READY 0");
        ready();
    }, err => {
        console.error("cannot start: " + err.message);
        process.exit(1);
    });
