/**
 * Checkov policy checks of the synthesized stacks, the pure part: reading the skip list, reading
 * checkov's JSON report (`-o json`), naming each failed resource `<env>/<stack>/<type>.<name>`,
 * matching failures against the skip list and rendering the result. No I/O: see checkov.ts.
 */

/** One entry of stacks/checkov-skips.json. */
export interface SkipEntry {
  /** Check id(s), e.g. `CKV_AWS_158` (several ids may share one resource and reason). */
  readonly checks: readonly string[];
  /** `<env>/<stack>/<type>.<name>` patterns; `*` matches any characters except `/`. */
  readonly resources: readonly string[];
  /** Why the finding is accepted (or when it will be fixed). */
  readonly reason: string;
}

/** A failed check of checkov's report, with the resource resolved to its Terraform address. */
export interface Finding {
  readonly check: string;
  readonly name: string;
  readonly env: string;
  readonly stack: string;
  /** `<type>.<name>`, e.g. `aws_db_instance.database_instance_D7FC2283` (or checkov's own id). */
  readonly address: string;
  /** The cdk.tf.json, as checkov reported it. */
  readonly file: string;
  readonly lines?: readonly [number, number];
}

export interface Evaluation {
  /** Failures no skip entry covers: these fail the build. */
  readonly unexpected: readonly Finding[];
  /** Failures covered by a skip entry, with the entry. */
  readonly skipped: readonly { finding: Finding; entry: SkipEntry }[];
  /** (entry, check id) pairs that matched no failure: stale entries to remove. */
  readonly unused: readonly { entry: SkipEntry; check: string }[];
}

const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;

function stringList(value: unknown, what: string): string[] {
  const list = typeof value === "string" ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((v) => typeof v === "string" && v.trim() !== "")
  ) {
    throw new Error(`${what} must be a non-empty string or a non-empty list of strings`);
  }
  return list as string[];
}

/** Parses and validates the skip list (`{ "skips": [ { check, resource, reason } ] }`). */
export function parseSkipList(text: string, source = "checkov-skips.json"): SkipEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  const skips = (doc as { skips?: unknown } | null)?.skips;
  if (!Array.isArray(skips)) throw new Error(`${source}: expected an object with a "skips" list`);
  return skips.map((raw, i) => {
    const where = `${source}: skips[${i}]`;
    const e = raw as { check?: unknown; resource?: unknown; reason?: unknown };
    if (typeof e !== "object" || e === null) throw new Error(`${where} must be an object`);
    const checks = stringList(e.check, `${where}.check`);
    for (const c of checks) {
      if (!CHECK_ID.test(c))
        throw new Error(`${where}.check: "${c}" is not a checkov check id (CKV_AWS_123)`);
    }
    const resources = stringList(e.resource, `${where}.resource`);
    for (const r of resources) {
      if (r.split("/").length !== 3) {
        throw new Error(`${where}.resource: "${r}" must be <env>/<stack>/<type>.<name> (globs with *)`);
      }
    }
    if (typeof e.reason !== "string" || e.reason.trim().length < 10) {
      throw new Error(`${where}.reason must say why (at least 10 characters)`);
    }
    return { checks, resources, reason: e.reason.trim() };
  });
}

/** `*` matches any run of characters other than `/`; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]*");
  return new RegExp(`^${body}$`);
}

export function resourceKey(f: Pick<Finding, "env" | "stack" | "address">): string {
  return `${f.env}/${f.stack}/${f.address}`;
}

export function entryMatches(entry: SkipEntry, f: Finding): boolean {
  if (!entry.checks.includes(f.check)) return false;
  const key = resourceKey(f);
  return entry.resources.some((r) => globToRegExp(r).test(key));
}

interface CheckovFailedCheck {
  check_id: string;
  check_name?: string;
  file_path?: string;
  file_abs_path?: string;
  file_line_range?: [number, number];
  resource: string;
}
interface CheckovReport {
  check_type?: string;
  results?: { failed_checks?: CheckovFailedCheck[] };
  summary?: {
    passed: number;
    failed: number;
    skipped: number;
    parsing_errors: number;
    checkov_version?: string;
  };
}

export interface ParsedReport {
  readonly failed: readonly CheckovFailedCheck[];
  readonly passed: number;
  readonly failedCount: number;
  readonly parsingErrors: number;
  readonly checkovVersion?: string;
}

/**
 * Reads checkov's `-o json` output: one report object, a list of them (several frameworks), or a
 * bare summary when nothing was scanned (`{"passed":0,...}`).
 */
export function parseCheckovJson(text: string): ParsedReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`checkov output is not JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
  const reports = (Array.isArray(doc) ? doc : [doc]) as (CheckovReport & Record<string, unknown>)[];
  const failed: CheckovFailedCheck[] = [];
  let passed = 0;
  let failedCount = 0;
  let parsingErrors = 0;
  let checkovVersion: string | undefined;
  for (const r of reports) {
    if (typeof r !== "object" || r === null) throw new Error("checkov output: expected report objects");
    const summary = (r.summary ?? (typeof r.passed === "number" ? r : undefined)) as CheckovReport["summary"];
    if (summary) {
      passed += summary.passed;
      failedCount += summary.failed;
      parsingErrors += summary.parsing_errors;
      checkovVersion ??= summary.checkov_version;
    }
    failed.push(...(r.results?.failed_checks ?? []));
  }
  return { failed, passed, failedCount, parsingErrors, checkovVersion };
}

/** Where a cdk.tf.json belongs, and the Terraform type of each of its resources. */
export interface StackFile {
  readonly env: string;
  readonly stack: string;
  /** resource name (logical id) -> Terraform type, from the file's `resource` block. */
  readonly types: Readonly<Record<string, string>>;
}

/** resource name -> type of a synthesized cdk.tf.json (`{"resource": {"aws_vpc": {"name": {...}}}}`). */
export function resourceTypes(tfJson: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const resources = (tfJson as { resource?: Record<string, Record<string, unknown>> } | null)?.resource ?? {};
  for (const [type, byName] of Object.entries(resources)) {
    for (const name of Object.keys(byName ?? {})) out[name] = type;
  }
  return out;
}

/**
 * Turns checkov's failed checks into findings. `stackOf` maps checkov's file path to its stack;
 * checkov's terraform_json resource ids look like `resource.<name>` (or `provider.aws`).
 */
export function toFindings(
  failed: readonly CheckovFailedCheck[],
  stackOf: (file: string) => StackFile | undefined,
): Finding[] {
  return failed.map((c) => {
    const file = c.file_abs_path ?? c.file_path ?? "?";
    const stack = stackOf(file);
    const m = /^resource\.(.+)$/.exec(c.resource);
    const type = m && stack ? stack.types[m[1]] : undefined;
    return {
      check: c.check_id,
      name: c.check_name ?? "",
      env: stack?.env ?? "?",
      stack: stack?.stack ?? "?",
      address: m && type ? `${type}.${m[1]}` : c.resource,
      file,
      lines: c.file_line_range,
    };
  });
}

export function evaluate(findings: readonly Finding[], skips: readonly SkipEntry[]): Evaluation {
  const unexpected: Finding[] = [];
  const skipped: { finding: Finding; entry: SkipEntry }[] = [];
  const used = new Set<string>();
  for (const f of findings) {
    const entry = skips.find((s) => entryMatches(s, f));
    if (entry) {
      skipped.push({ finding: f, entry });
      used.add(`${skips.indexOf(entry)}:${f.check}`);
    } else {
      unexpected.push(f);
    }
  }
  const unused = skips.flatMap((entry, i) =>
    entry.checks.filter((check) => !used.has(`${i}:${check}`)).map((check) => ({ entry, check })),
  );
  return { unexpected, skipped, unused };
}

function where(f: Finding): string {
  return f.lines ? `${f.file}:${f.lines[0]}-${f.lines[1]}` : f.file;
}

/** The report printed by `nx run stacks:checkov`; the build fails when `unexpected` is not empty. */
export function renderEvaluation(ev: Evaluation, skipsFile = "stacks/checkov-skips.json"): string {
  const out: string[] = [];
  if (ev.unexpected.length > 0) {
    out.push(`FAILED: ${ev.unexpected.length} failed check(s) not in ${skipsFile}:`);
    for (const f of ev.unexpected) {
      out.push(`  ${f.check} ${f.name}`);
      out.push(`    stack ${f.env}/${f.stack}, resource ${f.address}, file ${where(f)}`);
    }
    out.push(
      `Fix the construct, or add an entry {check, resource, reason} to ${skipsFile} saying why it is accepted.`,
    );
  }
  if (ev.unused.length > 0) {
    out.push(`Unused skip entries (no such failure any more; remove them from ${skipsFile}):`);
    for (const u of ev.unused) out.push(`  ${u.check} ${u.entry.resources.join(", ")}`);
  }
  return out.join("\n");
}
