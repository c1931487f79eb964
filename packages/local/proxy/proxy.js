// @ts-check
// The local environment's entry point, the twin of the ALB: a small reverse proxy in plain Node (no
// dependencies, so its image needs nothing but the node binary).
//
// Routing, as ALB listener rules: ROUTES is a list ordered by priority (first = lowest priority
// number = wins). A route matches when its path patterns (case-sensitive, on the path without the
// query string) and its host patterns (case-insensitive, port ignored) both match, each of them a
// list of alternatives with `*` (any run of characters) and `?` (one character). A request no route
// matches gets 404 from the proxy itself, like the ALB's default fixed response.
//
// Every upstream (an alias and port: one service's replicas) is handled on its own, which makes a
// rolling replacement of its replicas invisible to clients:
// - re-resolves the alias (all A records, Docker's embedded DNS) every RESOLVE_INTERVAL_MS,
// - polls each address's readiness path every HEALTH_INTERVAL_MS: 2xx = ready, anything else
//   (503 while draining, connection refused) = no new requests; a name gone from DNS = none either,
// - sends new requests only to the newest build among the ready addresses (the revision header of
//   their readiness answer; the build seen ready most recently wins), so during a rolling
//   replacement clients see the old build, then the new one, never both interleaved,
// - balances round-robin over those,
// - retries a request on another address when it never reached one (connect error or no connection
//   within CONNECT_TIMEOUT_MS: any method)
//   and, for GET/HEAD/OPTIONS, on a reset or timeout before the response or on a 503 response
//   (when another address is ready).
//
// Its own endpoints: GET /_proxy/health is 200 as soon as it listens, whatever the upstreams do
// (the proxy is created before the services it routes to); GET /_proxy/routes lists the routes with
// their upstreams' states.

const http = require("node:http");
const dns = require("node:dns");
const net = require("node:net");

// Only safe methods are retried after they may have reached an upstream (a POST could be applied twice).
const RETRYABLE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Hop-by-hop headers (RFC 9110 7.6.1) are per connection and never forwarded.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  // The body is buffered and sent at once, so a 100-continue handshake with the upstream is moot.
  "expect",
]);
/** Answered by the proxy itself: 200 once it listens (the container health check). */
const PROXY_HEALTH_PATH = "/_proxy/health";
/** Answered by the proxy itself: the routes and their upstreams' states, as JSON. */
const PROXY_ROUTES_PATH = "/_proxy/routes";
const HEADER_NAME = /^[a-z0-9][a-z0-9-]*$/;
const ROUTE_KEYS = new Set([
  "name",
  "priority",
  "pathPatterns",
  "hosts",
  "upstreamHost",
  "upstreamPort",
  "healthPath",
]);

/**
 * One routing rule (an ALB listener rule) and the upstream it forwards to.
 * @typedef {object} RouteOptions
 * @property {string} name shown in logs and /_proxy/routes
 * @property {number} [priority] shown in /_proxy/routes; the list's order is what decides (ascending when given)
 * @property {string[]} [pathPatterns] the request path (no query string) matches one of them, case-sensitive
 * @property {string[]} [hosts] the Host header (port ignored) matches one of them, case-insensitive
 * @property {string} upstreamHost name resolved to the upstream addresses (or an IP literal)
 * @property {number} upstreamPort port of every upstream address
 * @property {string} [healthPath] Default "/_ready"
 */

/**
 * @typedef {object} ProxyOptions
 * @property {RouteOptions[]} [routes] ordered by priority (the first route that matches wins)
 * @property {string} [upstreamHost] without `routes`: one catch-all route to this name
 * @property {number} [upstreamPort] with `upstreamHost`. Default 8080
 * @property {string} [healthPath] with `upstreamHost`. Default "/_ready"
 * @property {number} [listenPort] 0 picks a free port (tests). Default 8080
 * @property {string} [listenHost] Default "0.0.0.0"
 * @property {number} [resolveIntervalMs] Default 500
 * @property {number} [healthIntervalMs] Default 500
 * @property {number} [healthTimeoutMs] Default 1000
 * @property {number} [upstreamTimeoutMs] idle time on an upstream socket before it counts as failed. Default 30000
 * @property {number} [connectTimeoutMs] time to establish an upstream connection before trying another. Default 1000
 * @property {string} [revisionHeader] readiness-response header naming the upstream's build. Default "x-service-revision"
 * @property {number} [maxAttempts] upstreams tried per request. Default 3
 * @property {number} [noUpstreamWaitMs] how long a request waits for a ready upstream to appear. Default 5000
 * @property {number} [maxBodyBytes] request bodies are buffered (so they can be retried) up to this size. Default 10 MiB
 * @property {string[]} [dnsServers] DNS servers ("ip:port") instead of /etc/resolv.conf (tests)
 * @property {(line: string) => void} [log] Default: one line on stdout
 */

/**
 * @typedef {object} Upstream
 * @property {string} address
 * @property {"unknown" | "ready" | "draining" | "down"} state
 * @property {boolean} checking a readiness check is in flight
 * @property {number} served requests answered (for /_proxy/routes)
 * @property {string} revision the build its last readiness answer named ("" when it names none)
 */

/**
 * `*` = any run of characters, `?` = one character, everything else literal; the whole string.
 * @param {string} pattern @param {string} flags
 */
function patternRegExp(pattern, flags) {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, `s${flags}`);
}

/**
 * The path a rule matches: the request target without its query string (an absolute-form target's path).
 * @param {string} url
 */
function requestPath(url) {
  if (url.startsWith("/")) {
    const query = url.indexOf("?");
    return query === -1 ? url : url.slice(0, query);
  }
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * The host a rule matches: the Host header without its port.
 * @param {string | undefined} header
 */
function requestHost(header) {
  const host = (header ?? "").trim();
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * Checks a route list (from ROUTES or the `routes` option), naming the entry and field that is wrong.
 * @param {unknown} value
 * @param {string} label "ROUTES" or "routes"
 * @returns {RouteOptions[]}
 */
function parseRoutes(value, label) {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(
      `${label} must be a non-empty array of routes ordered by priority; got ${JSON.stringify(value)}`,
    );
  }
  /** @type {RouteOptions[]} */
  const routes = [];
  value.forEach((entry, index) => {
    const at = `${label}[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new Error(`${at} must be an object; got ${JSON.stringify(entry)}`);
    }
    const route = /** @type {Record<string, unknown>} */ (entry);
    for (const key of Object.keys(route)) {
      if (!ROUTE_KEYS.has(key)) {
        throw new Error(`${at}.${key} is not a route field (allowed: ${[...ROUTE_KEYS].join(", ")})`);
      }
    }
    const text = /** @param {string} field @param {unknown} v */ (field, v) => {
      if (typeof v !== "string" || v === "")
        throw new Error(`${at}.${field} must be a non-empty string; got ${JSON.stringify(v)}`);
      return v;
    };
    const patterns = /** @param {string} field @returns {string[] | undefined} */ (field) => {
      const list = route[field];
      if (list === undefined) return undefined;
      if (!Array.isArray(list) || list.length === 0) {
        throw new Error(
          `${at}.${field} must be a non-empty array of patterns when set; got ${JSON.stringify(list)}`,
        );
      }
      return list.map((p, i) => text(`${field}[${i}]`, p));
    };
    const name = text("name", route.name);
    const pathPatterns = patterns("pathPatterns");
    const hosts = patterns("hosts");
    if (!pathPatterns && !hosts) throw new Error(`${at} (${name}) must set pathPatterns or hosts (or both)`);
    const upstreamHost = text("upstreamHost", route.upstreamHost);
    const upstreamPort = route.upstreamPort;
    if (
      typeof upstreamPort !== "number" ||
      !Number.isInteger(upstreamPort) ||
      upstreamPort < 1 ||
      upstreamPort > 65535
    ) {
      throw new Error(
        `${at}.upstreamPort must be an integer from 1 to 65535; got ${JSON.stringify(upstreamPort)}`,
      );
    }
    const healthPath = route.healthPath === undefined ? "/_ready" : text("healthPath", route.healthPath);
    if (!healthPath.startsWith("/"))
      throw new Error(`${at}.healthPath must start with "/"; got "${healthPath}"`);
    const priority = route.priority;
    if (priority !== undefined) {
      if (typeof priority !== "number" || !Number.isInteger(priority)) {
        throw new Error(`${at}.priority must be an integer; got ${JSON.stringify(priority)}`);
      }
      const previous = routes.at(-1)?.priority;
      if (previous !== undefined && priority <= previous) {
        throw new Error(
          `${at}.priority ${priority} must be above ${label}[${index - 1}].priority ${previous}: order the routes by priority`,
        );
      }
    }
    routes.push({ name, priority, pathPatterns, hosts, upstreamHost, upstreamPort, healthPath });
  });
  return routes;
}

/**
 * Reads the proxy's settings from the environment, naming the variable when one is wrong.
 * @param {NodeJS.ProcessEnv} env
 * @returns {ProxyOptions}
 */
function optionsFromEnv(env) {
  /** @param {string} name @param {number} fallback @param {number} min @param {number} max */
  const int = (name, fallback, min, max) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${name} must be an integer from ${min} to ${max}; got "${raw}"`);
    }
    return value;
  };
  /** @type {RouteOptions[]} */
  let routes;
  if (env.ROUTES) {
    if (env.UPSTREAM_HOST) throw new Error("ROUTES and UPSTREAM_HOST are both set: set one of them");
    /** @type {unknown} */
    let parsed;
    try {
      parsed = JSON.parse(env.ROUTES);
    } catch (error) {
      throw new Error(`ROUTES must be JSON: ${/** @type {Error} */ (error).message}`);
    }
    routes = parseRoutes(parsed, "ROUTES");
  } else if (env.UPSTREAM_HOST) {
    const healthPath = env.HEALTH_PATH || "/_ready";
    if (!healthPath.startsWith("/")) throw new Error(`HEALTH_PATH must start with "/"; got "${healthPath}"`);
    routes = [catchAllRoute(env.UPSTREAM_HOST, int("UPSTREAM_PORT", 8080, 1, 65535), healthPath)];
  } else {
    throw new Error(
      "ROUTES must be set to a JSON array of routes (or UPSTREAM_HOST to a service's network alias, for one catch-all route)",
    );
  }
  const revisionHeader = (env.REVISION_HEADER || "x-service-revision").toLowerCase();
  if (!HEADER_NAME.test(revisionHeader)) {
    throw new Error(
      `REVISION_HEADER must be an HTTP header name (letters, digits, "-"); got "${revisionHeader}"`,
    );
  }
  return {
    routes,
    listenPort: int("LISTEN_PORT", 8080, 0, 65535),
    listenHost: env.LISTEN_HOST || "0.0.0.0",
    resolveIntervalMs: int("RESOLVE_INTERVAL_MS", 500, 10, 60000),
    healthIntervalMs: int("HEALTH_INTERVAL_MS", 500, 10, 60000),
    healthTimeoutMs: int("HEALTH_TIMEOUT_MS", 1000, 10, 60000),
    upstreamTimeoutMs: int("UPSTREAM_TIMEOUT_MS", 30000, 100, 3600000),
    connectTimeoutMs: int("CONNECT_TIMEOUT_MS", 1000, 10, 60000),
    revisionHeader,
    maxAttempts: int("MAX_ATTEMPTS", 3, 1, 10),
    noUpstreamWaitMs: int("NO_UPSTREAM_WAIT_MS", 5000, 0, 600000),
    maxBodyBytes: int("MAX_BODY_BYTES", 10 * 1024 * 1024, 0, 1024 * 1024 * 1024),
    dnsServers: env.DNS_SERVERS ? env.DNS_SERVERS.split(",").map((s) => s.trim()) : undefined,
  };
}

/**
 * The route UPSTREAM_HOST stands for: every request, one upstream.
 * @param {string} upstreamHost @param {number} upstreamPort @param {string} healthPath
 * @returns {RouteOptions}
 */
function catchAllRoute(upstreamHost, upstreamPort, healthPath) {
  return { name: upstreamHost, pathPatterns: ["*"], upstreamHost, upstreamPort, healthPath };
}

/**
 * Creates the proxy (not yet listening: call `start()`).
 * @param {ProxyOptions} options
 */
function createProxy(options) {
  const opts = {
    listenPort: 8080,
    listenHost: "0.0.0.0",
    resolveIntervalMs: 500,
    healthIntervalMs: 500,
    healthTimeoutMs: 1000,
    upstreamTimeoutMs: 30000,
    connectTimeoutMs: 1000,
    revisionHeader: "x-service-revision",
    maxAttempts: 3,
    noUpstreamWaitMs: 5000,
    maxBodyBytes: 10 * 1024 * 1024,
    log: /** @param {string} line */ (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    ...options,
  };
  if (opts.routes && opts.upstreamHost)
    throw new Error("routes and upstreamHost are both set: set one of them");
  const routeOptions = opts.routes
    ? parseRoutes(opts.routes, "routes")
    : opts.upstreamHost
      ? [catchAllRoute(opts.upstreamHost, opts.upstreamPort ?? 8080, opts.healthPath ?? "/_ready")]
      : parseRoutes(undefined, "routes");
  const resolver = new dns.promises.Resolver({ timeout: 1000, tries: 2 });
  if (opts.dnsServers) resolver.setServers(opts.dnsServers);
  // No keep-alive to upstreams: a request on a fresh connection to a closing upstream fails with
  // ECONNREFUSED (never delivered, safe to retry) instead of racing an idle-socket close.
  const agent = new http.Agent({ keepAlive: false });
  /** @type {NodeJS.Timeout[]} */
  const timers = [];
  let stopped = false;

  /** @param {unknown} error */
  function errorCode(error) {
    const e = /** @type {NodeJS.ErrnoException} */ (error);
    return e?.code ?? e?.message ?? String(error);
  }

  /**
   * One upstream (alias, port, readiness path): its addresses, their readiness and builds, its
   * round robin. Routes to the same upstream share it.
   * @param {string} host @param {number} port @param {string} healthPath
   */
  function createPool(host, port, healthPath) {
    const label = `${host}:${port}`;
    /** @type {Map<string, Upstream>} */
    const upstreams = new Map();
    let roundRobin = 0;
    /**
     * When each build was first seen ready (a sequence number, larger = newer). A build's entry goes
     * once no upstream runs it, so a rollback to an earlier build counts as the newest again.
     * @type {Map<string, number>}
     */
    const revisionSeen = new Map();
    let revisionSequence = 0;
    /** The build new requests went to last, to log each switch once. */
    let preferredRevision = /** @type {string | undefined} */ (undefined);
    /** @type {Set<() => void>} */
    const readyWaiters = new Set();
    /** Last resolution error, logged once per change rather than every interval. */
    let lastResolveError = "";
    /** The resolution in flight (a slow DNS answer must not stack up one per interval). */
    let resolving = /** @type {Promise<void> | undefined} */ (undefined);

    /** @param {Upstream} upstream @param {Upstream["state"]} state @param {string} why */
    function setState(upstream, state, why) {
      if (state === "ready" && !revisionSeen.has(upstream.revision)) {
        revisionSeen.set(upstream.revision, ++revisionSequence);
      }
      if (upstream.state === state) return;
      opts.log(`upstream ${label} ${upstream.address} ${upstream.state} -> ${state} (${why})`);
      upstream.state = state;
      if (state === "ready") {
        for (const wake of [...readyWaiters]) wake();
      }
    }

    function resolve() {
      if (!resolving) {
        resolving = resolveOnce().finally(() => {
          resolving = undefined;
        });
      }
      return resolving;
    }

    async function resolveOnce() {
      /** @type {string[]} */
      let addresses;
      if (net.isIP(host)) {
        addresses = [host];
      } else {
        try {
          addresses = await resolver.resolve4(host);
        } catch (error) {
          const code = /** @type {NodeJS.ErrnoException} */ (error).code;
          // The name does not exist: no replica is attached right now. Other errors are transient:
          // keep the last known set rather than dropping every upstream.
          if (code === dns.NOTFOUND || code === dns.NODATA) {
            addresses = [];
          } else {
            const message = `resolve ${host} failed: ${code ?? error}`;
            if (message !== lastResolveError)
              opts.log(`${message} (keeping ${upstreams.size} known upstreams)`);
            lastResolveError = message;
            return;
          }
        }
      }
      lastResolveError = "";
      if (stopped) return;
      const current = new Set(addresses);
      for (const address of addresses) {
        if (!upstreams.has(address)) {
          /** @type {Upstream} */
          const upstream = { address, state: "unknown", checking: false, served: 0, revision: "" };
          upstreams.set(address, upstream);
          opts.log(`upstream ${label} ${address} added`);
          void check(upstream);
        }
      }
      for (const [address, upstream] of upstreams) {
        // Gone from DNS = the container stopped or left the network: no new requests. In-flight ones
        // keep their own sockets.
        if (!current.has(address)) {
          upstreams.delete(address);
          opts.log(`upstream ${label} ${address} removed (${upstream.state})`);
        }
      }
      const running = new Set([...upstreams.values()].map((u) => u.revision));
      for (const revision of revisionSeen.keys()) if (!running.has(revision)) revisionSeen.delete(revision);
    }

    /** @param {Upstream} upstream */
    function check(upstream) {
      if (upstream.checking || stopped) return Promise.resolve();
      upstream.checking = true;
      return new Promise((done) => {
        const finish = /** @param {Upstream["state"]} state @param {string} why */ (state, why) => {
          upstream.checking = false;
          if (upstreams.get(upstream.address) === upstream) setState(upstream, state, why);
          done(undefined);
        };
        const req = http.get(
          { host: upstream.address, port, path: healthPath, agent, timeout: opts.healthTimeoutMs },
          (res) => {
            res.resume();
            const status = res.statusCode ?? 0;
            const named = res.headers[opts.revisionHeader];
            upstream.revision = typeof named === "string" ? named : "";
            if (status >= 200 && status < 300) finish("ready", `${healthPath} ${status}`);
            else if (status === 503) finish("draining", `${healthPath} 503`);
            else finish("down", `${healthPath} ${status}`);
          },
        );
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", (error) => finish("down", `${healthPath} ${errorCode(error)}`));
      });
    }

    /**
     * Next ready upstream not yet tried for this request, round-robin; waits up to
     * `noUpstreamWaitMs` for one to become ready.
     * @param {Set<string>} tried
     * @returns {Promise<Upstream | undefined>}
     */
    async function pick(tried) {
      const deadline = Date.now() + opts.noUpstreamWaitMs;
      for (;;) {
        const ready = newestBuild(
          [...upstreams.values()].filter((u) => u.state === "ready" && !tried.has(u.address)),
          tried.size === 0,
        );
        if (ready.length > 0) {
          roundRobin = (roundRobin + 1) % 1_000_000;
          return ready[roundRobin % ready.length];
        }
        const left = deadline - Date.now();
        if (left <= 0 || stopped) return undefined;
        await new Promise((wake) => {
          const done = () => {
            clearTimeout(timer);
            readyWaiters.delete(done);
            wake(undefined);
          };
          const timer = setTimeout(done, Math.min(left, 100));
          readyWaiters.add(done);
        });
      }
    }

    /**
     * The candidates running the build seen ready most recently (all of them when none names a build).
     * @param {Upstream[]} candidates
     * @param {boolean} firstAttempt log a switch of build (a retry may fall back to an older one quietly)
     */
    function newestBuild(candidates, firstAttempt) {
      let newest = -1;
      /** @type {string | undefined} */
      let revision;
      for (const u of candidates) {
        const seen = revisionSeen.get(u.revision) ?? 0;
        if (seen > newest) {
          newest = seen;
          revision = u.revision;
        }
      }
      if (firstAttempt && revision !== undefined && revision !== preferredRevision) {
        if (preferredRevision !== undefined) {
          opts.log(`${label}: new requests go to build "${revision}" (was "${preferredRevision}")`);
        }
        preferredRevision = revision;
      }
      return candidates.filter((u) => u.revision === revision);
    }

    /** @param {Set<string>} tried @returns {boolean} another ready upstream exists right now */
    function hasReadyOtherThan(tried) {
      for (const u of upstreams.values()) if (u.state === "ready" && !tried.has(u.address)) return true;
      return false;
    }

    return {
      host,
      port,
      healthPath,
      resolve,
      check,
      setState,
      pick,
      hasReadyOtherThan,
      checkAll: () => Promise.all([...upstreams.values()].map((u) => check(u))),
      /** @returns {Upstream[]} copies */
      list: () => [...upstreams.values()].map((u) => ({ ...u })),
    };
  }

  /** @type {Map<string, ReturnType<typeof createPool>>} */
  const pools = new Map();
  const routes = routeOptions.map((route) => {
    const healthPath = route.healthPath ?? "/_ready";
    const key = `${route.upstreamHost}:${route.upstreamPort}${healthPath}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = createPool(route.upstreamHost, route.upstreamPort, healthPath);
      pools.set(key, pool);
    }
    return {
      name: route.name,
      priority: route.priority,
      pathPatterns: route.pathPatterns,
      hosts: route.hosts,
      paths: route.pathPatterns?.map((p) => patternRegExp(p, "")),
      hostNames: route.hosts?.map((p) => patternRegExp(p, "i")),
      pool,
    };
  });

  /**
   * The first route (in priority order) whose conditions all match: one path pattern and one host pattern.
   * @param {string} path @param {string} host
   */
  function route(path, host) {
    return routes.find(
      (r) =>
        (!r.paths || r.paths.some((p) => p.test(path))) &&
        (!r.hostNames || r.hostNames.some((h) => h.test(host))),
    );
  }

  function status() {
    return {
      routes: routes.map((r) => {
        const upstreams = r.pool.list().map((u) => ({
          address: u.address,
          state: u.state,
          revision: u.revision,
          served: u.served,
        }));
        return {
          name: r.name,
          ...(r.priority === undefined ? {} : { priority: r.priority }),
          ...(r.pathPatterns ? { pathPatterns: r.pathPatterns } : {}),
          ...(r.hosts ? { hosts: r.hosts } : {}),
          upstream: `${r.pool.host}:${r.pool.port}`,
          healthPath: r.pool.healthPath,
          ready: upstreams.filter((u) => u.state === "ready").length,
          upstreams,
        };
      }),
    };
  }

  /**
   * @param {http.IncomingMessage} req
   * @returns {Promise<Buffer | "too-large">}
   */
  function readBody(req) {
    return new Promise((resolve, reject) => {
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      req.on("data", (/** @type {Buffer} */ chunk) => {
        size += chunk.length;
        if (size > opts.maxBodyBytes) {
          resolve("too-large");
          req.resume();
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });
  }

  /**
   * @param {http.IncomingMessage} req
   * @param {Buffer} body
   */
  function forwardHeaders(req, body) {
    /** @type {http.OutgoingHttpHeaders} */
    const headers = {};
    const connectionListed = new Set(
      String(req.headers.connection ?? "")
        .split(",")
        .map((h) => h.trim().toLowerCase()),
    );
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || connectionListed.has(name)) continue;
      headers[name] = value;
    }
    if (body.length > 0 || req.headers["content-length"] !== undefined || req.headers["transfer-encoding"]) {
      headers["content-length"] = String(body.length);
    }
    const remote = req.socket.remoteAddress ?? "";
    const prior = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = prior ? `${prior}, ${remote}` : remote;
    headers["x-forwarded-proto"] = "http";
    if (req.headers.host) headers["x-forwarded-host"] = req.headers.host;
    return headers;
  }

  /**
   * One attempt against one upstream.
   * @param {ReturnType<typeof createPool>} pool
   * @param {Upstream} upstream
   * @param {http.IncomingMessage} req
   * @param {Buffer} body
   * @param {boolean} mayRetryAfterSend safe method with attempts left
   * @param {Set<string>} tried upstreams this request has used (including this one)
   * @param {http.ServerResponse} res
   * @returns {Promise<{ outcome: "sent" } | { outcome: "retry", why: string } | { outcome: "failed", why: string }>}
   */
  function attempt(pool, upstream, req, body, mayRetryAfterSend, tried, res) {
    return new Promise((resolve) => {
      let connected = false;
      let settled = false;
      /** @param {{ outcome: "sent" } | { outcome: "retry", why: string } | { outcome: "failed", why: string }} result */
      const settle = (result) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      const upstreamReq = http.request(
        {
          host: upstream.address,
          port: pool.port,
          method: req.method,
          path: req.url,
          headers: forwardHeaders(req, body),
          agent,
          timeout: opts.upstreamTimeoutMs,
        },
        (upstreamRes) => {
          const status = upstreamRes.statusCode ?? 502;
          if (status === 503 && mayRetryAfterSend && pool.hasReadyOtherThan(tried)) {
            // Probably draining: re-check it now, and let another upstream answer. Without another
            // ready upstream the 503 itself is the answer.
            upstreamRes.resume();
            void pool.check(upstream);
            settle({ outcome: "retry", why: "503" });
            return;
          }
          /** @type {http.OutgoingHttpHeaders} */
          const headers = {};
          for (const [name, value] of Object.entries(upstreamRes.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
          }
          res.writeHead(status, upstreamRes.statusMessage, headers);
          upstream.served++;
          upstreamRes.pipe(res);
          // Cut off mid-body: the client must not take a truncated body for a complete one.
          upstreamRes.on("close", () => {
            if (!upstreamRes.complete) res.destroy();
          });
          settle({ outcome: "sent" });
        },
      );
      upstreamReq.on("socket", (socket) => {
        if (!socket.connecting) {
          connected = true;
          return;
        }
        // A removed container's address may swallow the SYN: give up quickly and try another.
        const connectTimer = setTimeout(
          () => upstreamReq.destroy(new Error("ECONNECTTIMEOUT")),
          opts.connectTimeoutMs,
        );
        socket.once("connect", () => {
          connected = true;
          clearTimeout(connectTimer);
        });
        socket.once("close", () => clearTimeout(connectTimer));
      });
      upstreamReq.on("timeout", () => upstreamReq.destroy(new Error("ETIMEDOUT")));
      upstreamReq.on("error", (error) => {
        const why = errorCode(error);
        if (!connected) {
          // Never reached the upstream: the request was not delivered, any method may go elsewhere.
          pool.setState(upstream, "down", why);
          settle({ outcome: "retry", why });
        } else if (mayRetryAfterSend) {
          pool.setState(upstream, "down", why);
          settle({ outcome: "retry", why });
        } else {
          settle({ outcome: "failed", why });
        }
      });
      // The client went away: stop the upstream work too.
      res.on("close", () => {
        if (!res.writableFinished) upstreamReq.destroy();
      });
      upstreamReq.end(body);
    });
  }

  /** @param {http.ServerResponse} res @param {number} status @param {string} message */
  function reply(res, status, message) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
    res.end(`${message}\n`);
  }

  /** @param {http.ServerResponse} res @param {unknown} value */
  function replyJson(res, value) {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(value));
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function handle(req, res) {
    const path = requestPath(req.url ?? "/");
    if (req.method === "GET" || req.method === "HEAD") {
      // Its own answers come first: independent of the upstreams, so the proxy is healthy before
      // any service exists.
      if (path === PROXY_HEALTH_PATH) {
        replyJson(res, { listening: true, routes: routes.length });
        return;
      }
      if (path === PROXY_ROUTES_PATH) {
        replyJson(res, status());
        return;
      }
    }
    const host = requestHost(req.headers.host);
    const matched = route(path, host);
    if (!matched) {
      req.resume();
      reply(res, 404, `no route matches host "${host}" and path "${path}"`);
      return;
    }
    const { pool } = matched;
    const body = await readBody(req);
    if (body === "too-large") {
      reply(res, 413, `request body larger than ${opts.maxBodyBytes} bytes`);
      return;
    }
    const retryable = RETRYABLE_METHODS.has(req.method ?? "");
    /** @type {Set<string>} */
    const tried = new Set();
    let lastWhy = `no ready upstream for route ${matched.name} (${pool.host}:${pool.port})`;
    for (let n = 1; n <= opts.maxAttempts; n++) {
      const upstream = await pool.pick(tried);
      if (!upstream) break;
      tried.add(upstream.address);
      const result = await attempt(pool, upstream, req, body, retryable && n < opts.maxAttempts, tried, res);
      if (result.outcome === "sent") return;
      lastWhy = `${upstream.address}: ${result.why}`;
      opts.log(`${req.method} ${req.url} attempt ${n} on ${upstream.address} failed (${result.why})`);
      if (result.outcome === "failed") {
        reply(res, 502, `upstream failed: ${lastWhy}`);
        return;
      }
    }
    reply(res, tried.size === 0 ? 503 : 502, `no upstream answered (${lastWhy})`);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      opts.log(`internal error: ${error?.stack ?? error}`);
      reply(res, 500, "proxy error");
    });
  });

  return {
    server,
    /**
     * Current upstreams (tests, logs): of the named route, else of every route.
     * @param {string} [routeName]
     */
    upstreams: (routeName) =>
      (routeName === undefined
        ? [...pools.values()]
        : routes.filter((r) => r.name === routeName).map((r) => r.pool)
      ).flatMap((pool) => pool.list()),
    /** What GET /_proxy/routes answers. */
    status,
    /** Resolves once and checks every upstream now. */
    refresh: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.resolve()));
      await Promise.all([...pools.values()].map((pool) => pool.checkAll()));
    },
    /** Starts listening, then polling; resolves with the bound port once the first resolution is done. */
    async start() {
      await new Promise((ready, fail) => {
        server.once("error", fail);
        server.listen(opts.listenPort, opts.listenHost, () => ready(undefined));
      });
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : opts.listenPort;
      const summary = routes
        .map(
          (r) =>
            `${r.name} (${[...(r.pathPatterns ?? []), ...(r.hosts ?? [])].join(" ")}) -> ${r.pool.host}:${r.pool.port}`,
        )
        .join("; ");
      opts.log(`listening on ${opts.listenHost}:${port}, routes: ${summary}`);
      timers.push(
        setInterval(() => {
          for (const pool of pools.values()) void pool.resolve();
        }, opts.resolveIntervalMs),
      );
      timers.push(
        setInterval(() => {
          for (const pool of pools.values()) void pool.checkAll();
        }, opts.healthIntervalMs),
      );
      await Promise.all([...pools.values()].map((pool) => pool.resolve()));
      return port;
    },
    /** Stops polling, stops accepting, lets in-flight requests finish (up to `graceMs`). */
    async stop(graceMs = 10000) {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      const closed = new Promise((done) => server.close(() => done(undefined)));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(force);
      agent.destroy();
    },
  };
}

module.exports = { createProxy, optionsFromEnv, parseRoutes, PROXY_HEALTH_PATH, PROXY_ROUTES_PATH };

if (require.main === module) {
  /** @type {ReturnType<typeof createProxy>} */
  let proxy;
  try {
    proxy = createProxy(optionsFromEnv(process.env));
  } catch (error) {
    process.stderr.write(`proxy: ${/** @type {Error} */ (error).message}\n`);
    process.exit(2);
  }
  proxy.start().catch((error) => {
    process.stderr.write(`proxy: cannot start: ${error?.message ?? error}\n`);
    process.exit(1);
  });
  for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT"])) {
    process.once(signal, () => {
      proxy.stop(8000).then(() => process.exit(0));
    });
  }
}
