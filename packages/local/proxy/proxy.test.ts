import { spawn } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { type DnsTestServer, startDnsTestServer } from "./dns-test-server";
import { createProxy, optionsFromEnv } from "./proxy";

// Real parts: upstreams are real HTTP servers on loopback addresses (127.0.0.1, .2, .3, ...: the same
// port on different addresses, like replicas on a Docker network), the proxy resolves them through
// a real DNS server over UDP, clients are real HTTP clients.

const NAME = "svc.test";

interface TestUpstream {
  readonly name: string;
  readonly ip: string;
  readonly server: http.Server;
  /** `/_ready` answers 200 when true, 503 (draining) when false. */
  ready: boolean;
  /** Build named in `/_ready`'s x-service-revision header (none when undefined). */
  revision: string | undefined;
  /** Delay before answering application requests, so some are in flight when it goes away. */
  delayMs: number;
  /** Application requests received (not `/_ready`). */
  hits: number;
  /** Stops accepting; in-flight requests finish. */
  close(): Promise<void>;
  /** Stops accepting and resets every open connection, in-flight requests included. */
  kill(): Promise<void>;
}

async function startUpstream(name: string, ip: string, port: number): Promise<TestUpstream> {
  const upstream: TestUpstream = {
    name,
    ip,
    ready: true,
    revision: undefined,
    delayMs: 0,
    hits: 0,
    server: http.createServer((req, res) => {
      if (req.url === "/_ready") {
        const headers = upstream.revision === undefined ? {} : { "x-service-revision": upstream.revision };
        res.writeHead(upstream.ready ? 200 : 503, headers).end();
        return;
      }
      upstream.hits++;
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString();
        if (req.url === "/reset") {
          req.socket.destroy();
          return;
        }
        if (req.url === "/flaky" && name === "a") {
          res.writeHead(503).end("a is unavailable");
          return;
        }
        if (req.url === "/echo") {
          res.writeHead(201, { "content-type": "application/json", "x-upstream": name });
          res.end(JSON.stringify({ method: req.method, url: req.url, body, headers: req.headers }));
          return;
        }
        setTimeout(() => res.writeHead(200, { "x-upstream": name }).end(name), upstream.delayMs);
      });
    }),
    close: () => new Promise((resolve) => upstream.server.close(() => resolve())),
    kill: async () => {
      const closed = upstream.close();
      upstream.server.closeAllConnections();
      await closed;
    },
  };
  await new Promise<void>((resolve, reject) => {
    upstream.server.once("error", reject);
    upstream.server.listen(port, ip, () => resolve());
  });
  return upstream;
}

// A listener with a zero backlog that never accepts, its accept queue filled by one connection: the
// kernel then drops further SYNs, like an address whose container is gone. Node accepts every
// connection by itself, so this one is a small Python process.
const BLACKHOLE = `
import socket, sys
ip, port = sys.argv[1], int(sys.argv[2])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((ip, port))
listener.listen(0)
held = [socket.create_connection((ip, port), timeout=5)]
extra = socket.socket()
extra.setblocking(False)
extra.connect_ex((ip, port))
held.append(extra)
print("ready", flush=True)
sys.stdin.read()
`;

async function startBlackhole(ip: string, port: number): Promise<{ stop(): void }> {
  const child = spawn("python3", ["-c", BLACKHOLE, ip, String(port)], { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`blackhole listener exited with ${code}`)));
    child.stdout.once("data", () => resolve());
  });
  return { stop: () => child.kill() };
}

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(
  port: number,
  path: string,
  options: { method?: string; body?: string; headers?: http.OutgoingHttpHeaders; agent?: http.Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: options.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            headers: res.headers,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Waits (polling) until `condition` holds; a wait for a state, not a timing assertion. */
async function eventually(what: string, condition: () => boolean | Promise<boolean>, limitMs = 15000) {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${limitMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("proxy", () => {
  let dns: DnsTestServer;
  let upstreamPort: number;
  const upstreams: TestUpstream[] = [];
  const proxies: ReturnType<typeof createProxy>[] = [];
  const logs: string[] = [];

  beforeEach(async () => {
    dns = await startDnsTestServer({ [NAME]: [] });
    // One port on every loopback address, like one container port on every replica.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    upstreamPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    logs.length = 0;
  });

  afterEach(async () => {
    for (const proxy of proxies.splice(0)) await proxy.stop(100);
    for (const upstream of upstreams.splice(0)) {
      if (upstream.server.listening) await upstream.kill();
    }
    await dns.close();
  });

  async function upstream(name: string, ip: string, inDns = true, revision?: string): Promise<TestUpstream> {
    const u = await startUpstream(name, ip, upstreamPort);
    u.revision = revision;
    upstreams.push(u);
    if (inDns) dns.records.set(NAME, [...(dns.records.get(NAME) ?? []), ip]);
    return u;
  }

  function removeFromDns(u: TestUpstream) {
    dns.records.set(
      NAME,
      (dns.records.get(NAME) ?? []).filter((ip) => ip !== u.ip),
    );
  }

  /** An upstream answering to its own DNS name (one service among several). */
  async function routedUpstream(name: string, ip: string, dnsName: string): Promise<TestUpstream> {
    const u = await upstream(name, ip, false);
    dns.records.set(dnsName, [...(dns.records.get(dnsName) ?? []), ip]);
    return u;
  }

  /** A route to the upstreams named `<name>.test`. */
  const route = (name: string, conditions: { pathPatterns?: string[]; hosts?: string[] }) => ({
    name,
    ...conditions,
    upstreamHost: `${name}.test`,
    upstreamPort,
  });

  async function proxy(overrides: Partial<Parameters<typeof createProxy>[0]> = {}) {
    const p = createProxy({
      // One catch-all route to NAME unless the test gives routes.
      ...(overrides.routes ? {} : { upstreamHost: NAME, upstreamPort }),
      listenHost: "127.0.0.1",
      listenPort: 0,
      dnsServers: [dns.address],
      resolveIntervalMs: 50,
      healthIntervalMs: 50,
      healthTimeoutMs: 5000,
      log: (line) => logs.push(line),
      ...overrides,
    });
    proxies.push(p);
    const port = await p.start();
    return { port, p };
  }

  const stateOf = (p: ReturnType<typeof createProxy>, u: TestUpstream) =>
    p.upstreams().find((x) => x.address === u.ip)?.state;

  /** Build 1.0.0 on a, then 1.1.0 on b once the proxy saw a ready: b is the newest and serves. */
  async function olderThenNewerBuild() {
    const a = await upstream("a", "127.0.0.1", true, "1.0.0");
    const { port, p } = await proxy();
    await eventually("a ready", () => stateOf(p, a) === "ready");
    const b = await upstream("b", "127.0.0.2", true, "1.1.0");
    await eventually("b ready", () => stateOf(p, b) === "ready");
    expect((await request(port, "/version")).body).toBe("b");
    return { a, b, port, p };
  }

  it("balances round-robin over the ready upstreams it resolves", async () => {
    const a = await upstream("a", "127.0.0.1");
    const b = await upstream("b", "127.0.0.2");
    const { port, p } = await proxy();
    await eventually("both ready", () => stateOf(p, a) === "ready" && stateOf(p, b) === "ready");

    const bodies: string[] = [];
    for (let i = 0; i < 20; i++) bodies.push((await request(port, "/version")).body);

    expect(bodies.filter((x) => x === "a")).toHaveLength(10);
    expect(bodies.filter((x) => x === "b")).toHaveLength(10);
  });

  it("passes method, path, body, status and headers through and adds X-Forwarded-*", async () => {
    await upstream("a", "127.0.0.1");
    const { port, p } = await proxy();
    await eventually("ready", () => p.upstreams().some((u) => u.state === "ready"));

    const reply = await request(port, "/echo", {
      method: "POST",
      body: '{"title":"hello"}',
      headers: { "content-type": "application/json", "x-custom": "1" },
    });

    expect(reply.status).toBe(201);
    expect(reply.headers["x-upstream"]).toBe("a");
    const echoed = JSON.parse(reply.body);
    expect(echoed).toMatchObject({ method: "POST", url: "/echo", body: '{"title":"hello"}' });
    expect(echoed.headers).toMatchObject({
      "x-custom": "1",
      host: `127.0.0.1:${port}`,
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
      "content-length": "17",
    });
  });

  it("keeps serving with zero failed requests while replicas are replaced, one of them going away mid-request", async () => {
    const a = await upstream("a", "127.0.0.1");
    const b = await upstream("b", "127.0.0.2");
    const { port, p } = await proxy();
    await eventually("a and b ready", () => stateOf(p, a) === "ready" && stateOf(p, b) === "ready");

    // Four clients with keep-alive, polling as fast as they can, like users during a redeploy.
    const agent = new http.Agent({ keepAlive: true });
    const failures: string[] = [];
    const servedBy: string[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        try {
          const reply = await request(port, "/version", { agent });
          if (reply.status === 200) servedBy.push(reply.body);
          else failures.push(`${reply.status} ${reply.body.trim()}`);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = [client(), client(), client(), client()];

    // Replacement of a, the orderly way (what `docker stop` does to the service): the new replica
    // c comes up, a reports draining on /_ready, finishes its in-flight requests, exits, and only
    // then leaves DNS.
    await upstream("c", "127.0.0.3");
    await eventually("c serves", () => servedBy.includes("c"));
    a.ready = false;
    await eventually("a seen draining", () => stateOf(p, a) === "draining");
    await a.close();
    removeFromDns(a);

    // Replacement of b, the hard way: slow requests are in flight on b when it dies, while the
    // proxy still lists it as ready and DNS still returns it.
    await upstream("d", "127.0.0.4");
    await eventually("d serves", () => servedBy.includes("d"));
    b.delayMs = 50;
    await eventually("requests in flight on b", () => b.hits > 0 && servedBy.includes("b"));
    const hitsBeforeKill = b.hits;
    await eventually("more requests reach b", () => b.hits > hitsBeforeKill + 2);
    await b.kill();
    removeFromDns(b);

    const servedAfter = servedBy.length;
    await eventually("traffic continues on c and d", () => servedBy.length > servedAfter + 50);
    running = false;
    await Promise.all(clients);
    agent.destroy();

    expect(failures).toEqual([]);
    expect(new Set(servedBy.slice(servedAfter))).toEqual(new Set(["c", "d"]));
    // The kill hit requests in flight: the proxy retried them elsewhere (logged per failed attempt).
    expect(logs.some((line) => line.includes("on 127.0.0.2 failed"))).toBe(true);
  });

  it("sends new requests to the newest build only: a polling client sees the old build, then the new one", async () => {
    const a = await upstream("a", "127.0.0.1", true, "1.0.0");
    const b = await upstream("b", "127.0.0.2", true, "1.0.0");
    const { port, p } = await proxy();
    await eventually("a and b ready", () => stateOf(p, a) === "ready" && stateOf(p, b) === "ready");

    const servedBy: string[] = [];
    let running = true;
    const client = (async () => {
      while (running) servedBy.push((await request(port, "/version")).body);
    })();
    await eventually("old build serves", () => servedBy.length > 20);
    // A rolling replacement: both new replicas start (one ready well before the other), then the
    // old ones drain and leave.
    await upstream("c", "127.0.0.3", true, "1.1.0");
    await eventually("c serves", () => servedBy.includes("c"));
    await upstream("d", "127.0.0.4", true, "1.1.0");
    await eventually("d serves", () => servedBy.includes("d"));
    a.ready = false;
    b.ready = false;
    await eventually("a, b draining", () => stateOf(p, a) === "draining" && stateOf(p, b) === "draining");
    removeFromDns(a);
    removeFromDns(b);
    const before = servedBy.length;
    await eventually("more traffic", () => servedBy.length > before + 20);
    running = false;
    await client;

    const firstNew = servedBy.findIndex((x) => x === "c" || x === "d");
    expect(new Set(servedBy.slice(0, firstNew))).toEqual(new Set(["a", "b"]));
    expect(new Set(servedBy.slice(firstNew))).toEqual(new Set(["c", "d"]));
    expect(logs).toContain(`${NAME}:${upstreamPort}: new requests go to build "1.1.0" (was "1.0.0")`);
  });

  it("treats a rollback to an earlier build as the newest once the later build's first replica is gone", async () => {
    const { a, port, p } = await olderThenNewerBuild();
    removeFromDns(a);
    await eventually("a forgotten", () => stateOf(p, a) === undefined);

    const c = await upstream("c", "127.0.0.3", true, "1.0.0");
    await eventually("c ready", () => stateOf(p, c) === "ready");

    for (let i = 0; i < 4; i++) expect((await request(port, "/version")).body).toBe("c");
  });

  it("falls back to an older build when no replica of the newest one is ready", async () => {
    const { b, port, p } = await olderThenNewerBuild();

    b.ready = false;
    await eventually("b draining", () => stateOf(p, b) === "draining");

    for (let i = 0; i < 4; i++) expect((await request(port, "/version")).body).toBe("a");
  });

  it("gives up connecting to an upstream that swallows the connection and retries elsewhere", async () => {
    const a = await upstream("a", "127.0.0.1");
    await upstream("b", "127.0.0.2");
    const { port, p } = await proxy({
      healthIntervalMs: 60000,
      resolveIntervalMs: 60000,
      connectTimeoutMs: 200,
    });
    await eventually("both ready", () => p.upstreams().filter((u) => u.state === "ready").length === 2);
    // a's address now drops SYNs: a listener that never accepts, its accept queue already full.
    await a.kill();
    const blackhole = await startBlackhole(a.ip, upstreamPort);
    try {
      const replies = await Promise.all(Array.from({ length: 4 }, () => request(port, "/version")));

      expect(replies.map((r) => `${r.status} ${r.body}`)).toEqual(Array(4).fill("200 b"));
      expect(logs.some((line) => /on 127\.0\.0\.1 failed \(ECONNECTTIMEOUT\)/.test(line))).toBe(true);
    } finally {
      blackhole.stop();
    }
  });

  it("retries a GET refused by an upstream it still lists as ready", async () => {
    const a = await upstream("a", "127.0.0.1");
    await upstream("b", "127.0.0.2");
    // Health checks far apart, so the proxy learns about a's death only from requests.
    const { port, p } = await proxy({ healthIntervalMs: 60000, resolveIntervalMs: 60000 });
    await eventually("both ready", () => p.upstreams().filter((u) => u.state === "ready").length === 2);
    await a.kill();

    const replies = await Promise.all(Array.from({ length: 6 }, () => request(port, "/version")));

    expect(replies.map((r) => `${r.status} ${r.body}`)).toEqual(Array(6).fill("200 b"));
    expect(
      logs.some((line) => /GET \/version attempt 1 on 127\.0\.0\.1 failed \(ECONNREFUSED\)/.test(line)),
    ).toBe(true);
  });

  it("retries a POST only when the upstream refused the connection (the request never arrived)", async () => {
    const a = await upstream("a", "127.0.0.1");
    await upstream("b", "127.0.0.2");
    const { port, p } = await proxy({ healthIntervalMs: 60000, resolveIntervalMs: 60000 });
    await eventually("both ready", () => p.upstreams().filter((u) => u.state === "ready").length === 2);
    await a.kill();

    const reply = await request(port, "/echo", { method: "POST", body: "x" });
    const second = await request(port, "/echo", { method: "POST", body: "y" });

    expect([reply.status, second.status]).toEqual([201, 201]);
    expect([reply.headers["x-upstream"], second.headers["x-upstream"]]).toEqual(["b", "b"]);
  });

  it("does not replay a POST whose connection was reset after it was sent, but does replay a GET", async () => {
    const a = await upstream("a", "127.0.0.1");
    const b = await upstream("b", "127.0.0.2");
    // Short wait for a third upstream: both known ones will have failed the GET.
    const { port, p } = await proxy({ healthIntervalMs: 60000, noUpstreamWaitMs: 100 });
    await eventually("both ready", () => p.upstreams().filter((u) => u.state === "ready").length === 2);

    const post = await request(port, "/reset", { method: "POST", body: "once" });
    expect(post.status).toBe(502);
    expect(a.hits + b.hits).toBe(1);

    await p.refresh();
    const get = await request(port, "/reset");
    expect(get.status).toBe(502);
    // Tried on both upstreams before giving up.
    expect(a.hits + b.hits).toBe(3);
  });

  it("sends a GET answered 503 to another ready upstream, and passes a POST's 503 through", async () => {
    await upstream("a", "127.0.0.1");
    await upstream("b", "127.0.0.2");
    // Slow health checks: a's /_ready stays 200, only /flaky is 503.
    const { port, p } = await proxy({ healthIntervalMs: 60000 });
    await eventually("both ready", () => p.upstreams().filter((u) => u.state === "ready").length === 2);

    const gets = [];
    for (let i = 0; i < 6; i++) gets.push(await request(port, "/flaky"));
    expect(gets.map((r) => `${r.status} ${r.body}`)).toEqual(Array(6).fill("200 b"));

    await p.refresh();
    const posts = [];
    for (let i = 0; i < 4; i++) posts.push((await request(port, "/flaky", { method: "POST" })).status);
    expect(posts.sort()).toEqual([200, 200, 503, 503]);
  });

  it("sends no new requests to an upstream whose /_ready says 503 (draining)", async () => {
    const a = await upstream("a", "127.0.0.1");
    const b = await upstream("b", "127.0.0.2");
    const { port, p } = await proxy();
    await eventually("both ready", () => stateOf(p, a) === "ready" && stateOf(p, b) === "ready");

    a.ready = false;
    await eventually("a draining", () => stateOf(p, a) === "draining");
    a.hits = 0;
    for (let i = 0; i < 10; i++) expect((await request(port, "/version")).body).toBe("b");
    expect(a.hits).toBe(0);
  });

  it("stops using an upstream that left DNS and starts using one that joined", async () => {
    const a = await upstream("a", "127.0.0.1");
    const { port, p } = await proxy();
    await eventually("a ready", () => stateOf(p, a) === "ready");
    const b = await upstream("b", "127.0.0.2");
    removeFromDns(a);
    await eventually(
      "only b listed",
      () =>
        p
          .upstreams()
          .map((u) => u.address)
          .join() === b.ip,
    );

    for (let i = 0; i < 4; i++) expect((await request(port, "/version")).body).toBe("b");
    expect(a.server.listening).toBe(true);
  });

  it("answers 503 when no upstream is ready, its own health endpoint 200 all the same", async () => {
    const { port } = await proxy({ noUpstreamWaitMs: 100 });

    const health = await request(port, "/_proxy/health");
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ listening: true, routes: 1 });
    const reply = await request(port, "/version");
    expect(reply.status).toBe(503);
    expect(reply.body).toMatch(/no upstream answered \(no ready upstream for route svc\.test/);

    await upstream("a", "127.0.0.1");
    await eventually("a serves", async () => (await request(port, "/version")).status === 200);
  });

  it("holds a request until an upstream becomes ready (up to noUpstreamWaitMs)", async () => {
    const { port } = await proxy({ noUpstreamWaitMs: 30000 });
    const pending = request(port, "/version");
    await upstream("a", "127.0.0.1");
    expect((await pending).body).toBe("a");
  });

  describe("routing", () => {
    /** web (127.0.0.1) and api (127.0.0.2), each on its own name, and a proxy with `routes`, their upstreams ready. */
    async function webAndApi(routes: ReturnType<typeof route>[], overrides = {}) {
      const web = await routedUpstream("web", "127.0.0.1", "web.test");
      const api = await routedUpstream("api", "127.0.0.2", "api.test");
      const { port, p } = await proxy({ routes, ...overrides });
      await eventually("every route's upstream ready", () =>
        routes.every((r) => p.upstreams(r.name).some((u) => u.state === "ready")),
      );
      const body = async (path: string, host?: string) =>
        (await request(port, path, host ? { headers: { host } } : {})).body;
      return { web, api, port, p, body };
    }

    it("routes by path pattern: case-sensitive, `*` and `?` wildcards, the query string ignored", async () => {
      const { body } = await webAndApi([
        route("api", { pathPatterns: ["/api/*", "/v?/items"] }),
        route("web", { pathPatterns: ["/*"] }),
      ]);

      expect(await body("/api/posts")).toBe("api");
      expect(await body("/api/x?y=1")).toBe("api");
      expect(await body("/v1/items")).toBe("api");
      expect(await body("/api")).toBe("web");
      expect(await body("/API/posts")).toBe("web");
      expect(await body("/v10/items")).toBe("web");
      expect(await body("/web?next=/api/x")).toBe("web");
    });

    it("routes by host header: case-insensitive, the port ignored, `*` wildcard", async () => {
      const { body } = await webAndApi([
        route("api", { hosts: ["api.example.test", "*.api.example.test"] }),
        route("web", { pathPatterns: ["/*"] }),
      ]);

      expect(await body("/x", "api.example.test")).toBe("api");
      expect(await body("/x", "API.Example.Test:8080")).toBe("api");
      expect(await body("/x", "v2.api.example.test")).toBe("api");
      expect(await body("/x", "example.test")).toBe("web");
      expect(await body("/x", "api.example.test.evil")).toBe("web");
    });

    it("takes the first route that matches, in priority order; a route with path and host needs both", async () => {
      const both = route("api", { pathPatterns: ["/api/*"], hosts: ["api.example.test"] });
      const all = route("web", { pathPatterns: ["/*"] });
      const { body } = await webAndApi([both, all]);

      expect(await body("/api/x", "api.example.test")).toBe("api");
      expect(await body("/api/x", "example.test")).toBe("web");
      expect(await body("/x", "api.example.test")).toBe("web");

      const reversed = await proxy({ routes: [all, both] });
      await eventually("ready", () => reversed.p.upstreams().filter((u) => u.state === "ready").length === 2);
      const reply = await request(reversed.port, "/api/x", { headers: { host: "api.example.test" } });
      expect(reply.body).toBe("web");
    });

    it("answers 404 itself when no route matches, without reaching an upstream", async () => {
      const { web, api, port } = await webAndApi([route("api", { pathPatterns: ["/api/*"] })]);

      const get = await request(port, "/other");
      const post = await request(port, "/other", { method: "POST", body: "x" });

      expect([get.status, post.status]).toEqual([404, 404]);
      expect(get.body).toBe('no route matches host "127.0.0.1" and path "/other"\n');
      expect(web.hits + api.hits).toBe(0);
    });

    it("is healthy with no upstream at all; /_proxy/routes counts each route's ready upstreams", async () => {
      const { port, p } = await proxy({
        routes: [route("api", { pathPatterns: ["/api/*"] }), route("web", { pathPatterns: ["/*"] })],
        noUpstreamWaitMs: 100,
      });
      const routes = async () =>
        (
          JSON.parse((await request(port, "/_proxy/routes")).body) as {
            routes: { name: string; ready: number }[];
          }
        ).routes;

      expect((await request(port, "/_proxy/health")).status).toBe(200);
      expect(await routes()).toEqual([
        {
          name: "api",
          pathPatterns: ["/api/*"],
          upstream: `api.test:${upstreamPort}`,
          healthPath: "/_ready",
          ready: 0,
          upstreams: [],
        },
        expect.objectContaining({ name: "web", ready: 0 }),
      ]);
      expect((await request(port, "/api/x")).status).toBe(503);

      await routedUpstream("api", "127.0.0.2", "api.test");
      await eventually("api ready", () => p.upstreams("api").some((u) => u.state === "ready"));
      expect((await routes()).map((r) => `${r.name} ${r.ready}`)).toEqual(["api 1", "web 0"]);
      expect((await request(port, "/api/x")).body).toBe("api");
      expect((await request(port, "/x")).status).toBe(503);
    });

    it("retries a request only on its own route's upstreams", async () => {
      const { web, api, port } = await webAndApi(
        [route("api", { pathPatterns: ["/api/*"] }), route("web", { pathPatterns: ["/*"] })],
        { healthIntervalMs: 60000, resolveIntervalMs: 60000, noUpstreamWaitMs: 100 },
      );
      await api.kill();

      const reply = await request(port, "/api/x");

      expect(reply.status).toBe(502);
      expect(web.hits).toBe(0);
    });
  });

  it("refuses a request body above maxBodyBytes with 413", async () => {
    await upstream("a", "127.0.0.1");
    const { port, p } = await proxy({ maxBodyBytes: 10 });
    await eventually("ready", () => p.upstreams().some((u) => u.state === "ready"));

    expect((await request(port, "/echo", { method: "POST", body: "01234567890" })).status).toBe(413);
  });
});

describe("optionsFromEnv", () => {
  it("applies defaults, UPSTREAM_HOST standing for one catch-all route", () => {
    expect(optionsFromEnv({ UPSTREAM_HOST: "sample-service" })).toMatchObject({
      routes: [
        {
          name: "sample-service",
          pathPatterns: ["*"],
          upstreamHost: "sample-service",
          upstreamPort: 8080,
          healthPath: "/_ready",
        },
      ],
      listenPort: 8080,
      resolveIntervalMs: 500,
      healthIntervalMs: 500,
      maxAttempts: 3,
    });
  });

  it("requires ROUTES (or UPSTREAM_HOST)", () => {
    expect(() => optionsFromEnv({})).toThrow(
      /^ROUTES must be set to a JSON array of routes \(or UPSTREAM_HOST/,
    );
  });

  it("rejects a port that is not an integer in range, naming the variable", () => {
    expect(() => optionsFromEnv({ UPSTREAM_HOST: "s", UPSTREAM_PORT: "70000" })).toThrow(
      /UPSTREAM_PORT must be an integer from 1 to 65535; got "70000"/,
    );
  });

  it("rejects a HEALTH_PATH without a leading slash", () => {
    expect(() => optionsFromEnv({ UPSTREAM_HOST: "s", HEALTH_PATH: "_ready" })).toThrow(/HEALTH_PATH/);
  });

  it("rejects a REVISION_HEADER that is not a header name", () => {
    expect(() => optionsFromEnv({ UPSTREAM_HOST: "s", REVISION_HEADER: "x revision" })).toThrow(
      /REVISION_HEADER must be an HTTP header name/,
    );
  });
  it("reads ROUTES, in order, with the readiness path defaulting to /_ready", () => {
    const routes = [
      { name: "api", priority: 10, pathPatterns: ["/api/*"], upstreamHost: "api", upstreamPort: 3000 },
      {
        name: "web",
        priority: 20,
        hosts: ["*.example.test"],
        upstreamHost: "web",
        upstreamPort: 8080,
        healthPath: "/ok",
      },
    ];
    expect(optionsFromEnv({ ROUTES: JSON.stringify(routes) }).routes).toEqual([
      { ...routes[0], hosts: undefined, healthPath: "/_ready" },
      { ...routes[1], pathPatterns: undefined },
    ]);
  });

  const good = { name: "api", pathPatterns: ["/api/*"], upstreamHost: "api", upstreamPort: 3000 };
  it.each([
    ["not JSON", "[", /^ROUTES must be JSON/],
    ["an empty array", "[]", /^ROUTES must be a non-empty array of routes ordered by priority/],
    [
      "a route with neither pathPatterns nor hosts",
      [{ ...good, pathPatterns: undefined }],
      /^ROUTES\[0\] \(api\) must set pathPatterns or hosts/,
    ],
    ["an empty pattern list", [{ ...good, hosts: [] }], /^ROUTES\[0\]\.hosts must be a non-empty array/],
    [
      "a port out of range",
      [{ ...good, upstreamPort: 0 }],
      /^ROUTES\[0\]\.upstreamPort must be an integer from 1 to 65535/,
    ],
    ["an unknown field", [{ ...good, path: "/" }], /^ROUTES\[0\]\.path is not a route field/],
    [
      "a healthPath without a leading slash",
      [{ ...good, healthPath: "ok" }],
      /^ROUTES\[0\]\.healthPath must start with "\/"/,
    ],
    [
      "priorities out of order",
      [
        { ...good, priority: 2 },
        { ...good, priority: 1 },
      ],
      /^ROUTES\[1\]\.priority 1 must be above ROUTES\[0\]\.priority 2/,
    ],
  ])("rejects ROUTES with %s, naming the entry and field", (_what, value, error) => {
    const ROUTES = typeof value === "string" ? value : JSON.stringify(value);
    expect(() => optionsFromEnv({ ROUTES })).toThrow(error);
  });

  it("refuses ROUTES and UPSTREAM_HOST together", () => {
    expect(() => optionsFromEnv({ ROUTES: JSON.stringify([good]), UPSTREAM_HOST: "s" })).toThrow(
      /^ROUTES and UPSTREAM_HOST are both set/,
    );
  });
});
