/** What the generator needs to know of an existing service's route (from its service.json). */
export interface ExistingRoute {
  /** `apps/<name>/service.json`, named in errors. */
  readonly file: string;
  readonly pathPatterns: readonly string[];
  readonly hosts: readonly string[];
  readonly priority: number;
}

/** The route a new web service gets. */
export interface NewRoute {
  readonly pathPatterns: readonly string[];
  readonly priority: number;
}

/** The catch-all rule a web service without `--path` takes. */
export const CATCH_ALL = "/*";
/** Priority of a catch-all route when none exists yet (sample-service's): prefixed routes go below it. */
export const CATCH_ALL_PRIORITY = 1000;
const PRIORITY_STEP = 10;
/** ALB listener rule priorities are 1 to 50000. */
const MAX_PRIORITY = 50_000;

/** `/demo`, `/demo/v1`: literal segments only, so the prefix is also a plain ALB path pattern. */
const PATH_PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;

export class ServiceRouteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServiceRouteError";
  }
}

/** ALB path-pattern semantics: `*` any run of characters, `?` one character, case-sensitive. */
function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** A literal path the pattern matches (wildcards filled in), to ask whether another pattern covers it. */
function sampleOf(pattern: string): string {
  return pattern.replace(/[*?]/g, "x");
}

/** `--path` checked: a prefix without trailing slash or wildcards. */
export function validatePathPrefix(path: string): string {
  if (!PATH_PREFIX.test(path)) {
    throw new ServiceRouteError(
      `path: must be a prefix like /demo or /demo/v1 (segments of A-Z a-z 0-9 . _ ~ -, no trailing '/', no wildcards) (got ${JSON.stringify(path)})`,
    );
  }
  return path;
}

/**
 * The route of a new web service: `["/x", "/x/*"]` for `--path /x`, else the catch-all. Refuses a
 * pattern another service already has. The priority is free and below every route that would also
 * match the prefix (the catch-all, a shorter prefix), so the ALB and the local proxy, which both take
 * the lowest matching number, send the prefix here; and above every route the new one would hide
 * (a longer prefix already deployed).
 */
export function chooseRoute(prefix: string | undefined, existing: readonly ExistingRoute[]): NewRoute {
  const pathPatterns = prefix === undefined ? [CATCH_ALL] : [prefix, `${prefix}/*`];
  for (const route of existing) {
    const taken = route.pathPatterns.filter((p) => pathPatterns.includes(p));
    if (taken.length > 0 && route.hosts.length === 0) {
      throw new ServiceRouteError(
        prefix === undefined
          ? `path: ${CATCH_ALL} is taken by ${route.file} (priority ${route.priority}); give the web service a prefix with --path /<prefix>`
          : `path: ${taken.join(", ")} is taken by ${route.file} (route.pathPatterns); choose another --path`,
      );
    }
  }
  const mine = pathPatterns.map(patternRegExp);
  const samples = prefix === undefined ? ["/x"] : [prefix, `${prefix}/x`];
  // Routes that also match the new service's paths must come after it (higher number)...
  const covering = existing.filter((r) =>
    r.pathPatterns.some((p) => samples.some((s) => patternRegExp(p).test(s))),
  );
  // ...and routes whose paths the new one would also match must come before it.
  const covered = existing.filter((r) => r.pathPatterns.some((p) => mine.some((m) => m.test(sampleOf(p)))));
  const above = Math.max(0, ...covered.map((r) => r.priority));
  const below =
    prefix === undefined
      ? MAX_PRIORITY + 1
      : Math.min(CATCH_ALL_PRIORITY, ...covering.map((r) => r.priority));
  const used = new Set(existing.map((r) => r.priority));
  const candidates = (function* () {
    if (prefix === undefined) {
      // The catch-all goes last: the first free round number from 1000 up, past every other route.
      const from = Math.max(CATCH_ALL_PRIORITY, above + 1);
      for (let p = Math.ceil(from / PRIORITY_STEP) * PRIORITY_STEP; p < below; p += PRIORITY_STEP) yield p;
    } else {
      // Round numbers first (room for a later route in between), counting down from the covering route.
      for (let p = Math.ceil(below / PRIORITY_STEP - 1) * PRIORITY_STEP; p > above; p -= PRIORITY_STEP)
        yield p;
      for (let p = below - 1; p > above; p--) yield p;
    }
  })();
  const priority = [...candidates].find((p) => !used.has(p));
  if (priority === undefined) {
    throw new ServiceRouteError(
      `path: no free route priority between ${above} (routes ${prefix ?? CATCH_ALL} would hide) and ${below} (routes that also match it); change a route.priority in apps/*/service.json`,
    );
  }
  return { pathPatterns, priority };
}
