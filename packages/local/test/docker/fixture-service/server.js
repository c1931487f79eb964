// @ts-check
// A stand-in for the service in the Docker integration test: the same contract as sample-service
// (PORT, /_ready, /version, drain on SIGTERM) without its dependencies. Ready only while the
// database answers on PGHOST:PGPORT, which proves the network alias and the connection env work.

const http = require("node:http");
const net = require("node:net");

const port = Number(process.env.PORT || 3000);
const version = process.env.FIXTURE_VERSION || "unknown";
const drainMs = Number(process.env.SHUTDOWN_DRAIN_DELAY_MS || 0);
let draining = false;

/** @returns {Promise<boolean>} */
function databaseReachable() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: process.env.PGHOST, port: Number(process.env.PGPORT || 5432) });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

const server = http.createServer(async (req, res) => {
  if (req.url === "/_ready") {
    const ok = !draining && (await databaseReachable());
    // Names the build, as sample-service does, so the proxy sends new requests to the newest one.
    res.writeHead(ok ? 200 : 503, { "x-service-revision": version }).end(ok ? "ready" : "not ready");
    return;
  }
  if (req.url === "/version") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        version,
        hostname: process.env.HOSTNAME,
        hasPassword: Boolean(process.env.PGPASSWORD),
      }),
    );
    return;
  }
  res.writeHead(404).end();
});
server.listen(port, "0.0.0.0");

process.once("SIGTERM", () => {
  draining = true;
  setTimeout(() => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  }, drainMs);
});
