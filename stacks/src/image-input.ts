import * as fs from "node:fs";
import * as path from "node:path";

/** Digest used for plan/validate when no image has been pushed yet; `apply` refuses it. */
export const PLACEHOLDER_DIGEST = `sha256:${"0".repeat(64)}`;

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const IMAGE_WITH_DIGEST = /^([^@\s]+)@(sha256:[0-9a-f]{64})$/;

/** Where the service image digest came from and what it is. */
export interface ImageInput {
  /** `sha256:<64 hex>`. */
  readonly digest: string;
  /** Repository the push step pushed to, when it said (`<repo>@<digest>` form). */
  readonly repository?: string;
  /** Human-readable origin: the variable or file, or "placeholder". */
  readonly source: string;
  /** True when no digest was given: fine for synth/validate/plan, refused by apply. */
  readonly placeholder: boolean;
}

/** An image the stacks deploy by digest, and where its digest is read from. */
export interface ImageSlot {
  /** Variable that overrides the file, e.g. `PLATFORM_IMAGE_DIGEST`. */
  readonly variable: string;
  /** File name under `dist/deploy/<env>/` written by the step that pushes the image. */
  readonly fileName: string;
  /** The step that writes the file, named in errors. */
  readonly producer: string;
}

/** The service image, written by `sample-service:push`. */
export const SERVICE_IMAGE: ImageSlot = {
  variable: "PLATFORM_IMAGE_DIGEST",
  fileName: "image.json",
  producer: "npx nx run sample-service:push -c <env>",
};

/** The local entry-point proxy image (packages/local/proxy), local environment only. */
export const PROXY_IMAGE: ImageSlot = {
  variable: "PLATFORM_PROXY_IMAGE_DIGEST",
  fileName: "proxy-image.json",
  producer: "the deploy chain's proxy image push (local environment)",
};

/** File the push step writes for an environment: `dist/deploy/<env>/<slot file>` at the repository root. */
export function imageDigestFile(repoRoot: string, env: string, slot: ImageSlot = SERVICE_IMAGE): string {
  return path.join(repoRoot, "dist", "deploy", env, slot.fileName);
}

/**
 * Resolves the image to deploy: `PLATFORM_IMAGE_DIGEST` (`sha256:...` or `<repo>@sha256:...`) wins,
 * else the push step's `dist/deploy/<env>/image.json` (`{"image": "<repo>@sha256:..."}` or
 * `{"digest": "sha256:..."}`), else a placeholder. A malformed value throws naming where it came from.
 */
export function resolveImageInput(
  env: string,
  repoRoot: string,
  environ: NodeJS.ProcessEnv = process.env,
  slot: ImageSlot = SERVICE_IMAGE,
): ImageInput {
  const fromEnv = environ[slot.variable]?.trim();
  if (fromEnv) return parseImageReference(fromEnv, slot.variable);
  const file = imageDigestFile(repoRoot, env, slot);
  if (fs.existsSync(file)) {
    let json: { image?: unknown; digest?: unknown };
    try {
      json = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof json.image === "string") return parseImageReference(json.image, `${file} (image)`);
    if (typeof json.digest === "string") return parseImageReference(json.digest, `${file} (digest)`);
    throw new Error(`${file}: needs "image" ("<repo>@sha256:<64 hex>") or "digest" ("sha256:<64 hex>")`);
  }
  return { digest: PLACEHOLDER_DIGEST, source: "placeholder", placeholder: true };
}

function parseImageReference(value: string, source: string): ImageInput {
  if (DIGEST.test(value)) return { digest: value, source, placeholder: false };
  const m = IMAGE_WITH_DIGEST.exec(value);
  if (m) return { digest: m[2], repository: m[1], source, placeholder: false };
  throw new Error(
    `${source} must be "sha256:<64 hex digits>" or "<repository>@sha256:<64 hex digits>" (got ${JSON.stringify(value)}); images are deployed by digest, never by tag`,
  );
}

/** Throws a message telling the operator how to provide a digest when `image` is the placeholder. */
export function assertImageForApply(
  image: ImageInput,
  env: string,
  repoRoot: string,
  slot: ImageSlot = SERVICE_IMAGE,
): void {
  if (!image.placeholder) return;
  const file = path.relative(repoRoot, imageDigestFile(repoRoot, env, slot));
  throw new Error(
    `No image digest for environment "${env}": run ${slot.producer.replace("<env>", env)} (it writes ${file}) or set ${slot.variable}=sha256:<digest>. Plan and validate use a placeholder; apply does not.`,
  );
}
