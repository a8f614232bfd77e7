"use strict";
// make bench peer (written for Band's bench): a Moleculer node with one service, "debug", whose
// action "data" answers its params, the same echo as Band's bench-svc.echo.
// Usage: node echo-service.js <redis-url> <nodeID>
// Talks to the bench like Band's Peer JVM: prints "BENCH READY 0" once started, exits on "quit"
// or when stdin closes, so it never outlives the bench.
const { ServiceBroker } = require("moleculer");
const readline = require("readline");

const [redisUrl, nodeID] = process.argv.slice(2);
const broker = new ServiceBroker({
    nodeID,
    transporter: redisUrl,
    logLevel: "warn",
    metrics: { enabled: false },
    tracing: { enabled: false }
});

broker.createService({
    name: "debug",
    actions: {
        data(ctx) {
            return ctx.params;
        }
    }
});

let stopping = false;
function stop() {
    if (stopping) return;
    stopping = true;
    broker.stop().finally(() => process.exit(0));
}

readline.createInterface({ input: process.stdin }).on("line", line => {
    if (line === "quit") stop();
}).on("close", stop);

broker.start().then(
    () => console.log("BENCH READY 0"),
    err => {
        console.error("cannot start: " + err.message);
        process.exit(1);
    }
);
