import * as fs from "node:fs";
import * as path from "node:path";
import { isDigest, splitDigestReference } from "@platform/env-config";
import { deployDir, imageDigestVariable, imageRecordFile, PLACEHOLDER_DIGEST } from "@platform/toolchain";

/** Digest used for plan/validate when no image has been pushed yet; `apply` refuses it. */
export { PLACEHOLDER_DIGEST } from "@platform/toolchain";

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
  /** Variable that overrides the file, e.g. `PLATFORM_IMAGE_DIGEST_SAMPLE_SERVICE`. */
  readonly variable: string;
  /** File under `dist/deploy/<env>/` written by the step that pushes the image, e.g. `web/image.json`. */
  readonly fileName: string;
  /** The step that writes the file, named in errors. */
  readonly producer: string;
}

/**
 * A service's image: `dist/deploy/<env>/<service>/image.json` written by `<service>:push`, overridden
 * by `PLATFORM_IMAGE_DIGEST_<SERVICE>` (see @platform/toolchain's deploy records).
 */
export function serviceImageSlot(service: string): ImageSlot {
  return {
    variable: imageDigestVariable(service),
    // serviceDeployDir's layout: dist/deploy/<env>/<service>/.
    fileName: path.relative(deployDir("", ""), imageRecordFile("", "", service)),
    producer: `npx nx run ${service}:push -c <env>`,
  };
}

/** The local entry-point proxy image (packages/local/proxy), local environment only. */
export const PROXY_IMAGE: ImageSlot = {
  variable: "PLATFORM_PROXY_IMAGE_DIGEST",
  fileName: "proxy-image.json",
  producer: "the deploy chain's proxy image push (local environment)",
};

/** File the push step writes for an environment: `dist/deploy/<env>/<slot file>` at the repository root. */
export function imageDigestFile(repoRoot: string, env: string, slot: ImageSlot): string {
  return path.join(repoRoot, "dist", "deploy", env, slot.fileName);
}

/**
 * Resolves the image to deploy: the slot's variable (`sha256:...` or `<repo>@sha256:...`) wins, else
 * the push step's file (`{"image": "<repo>@sha256:..."}` or `{"digest": "sha256:..."}`), else a
 * placeholder. A malformed value throws naming where it came from.
 */
export function resolveImageInput(
  env: string,
  repoRoot: string,
  environ: NodeJS.ProcessEnv,
  slot: ImageSlot,
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
  if (isDigest(value)) return { digest: value, source, placeholder: false };
  const split = splitDigestReference(value);
  if (split) return { digest: split.digest, repository: split.repository, source, placeholder: false };
  throw new Error(
    `${source} must be "sha256:<64 hex digits>" or "<repository>@sha256:<64 hex digits>" (got ${JSON.stringify(value)}); images are deployed by digest, never by tag`,
  );
}

/** Throws a message telling the operator how to provide a digest when `image` is the placeholder. */
export function assertImageForApply(image: ImageInput, env: string, repoRoot: string, slot: ImageSlot): void {
  if (!image.placeholder) return;
  const file = path.relative(repoRoot, imageDigestFile(repoRoot, env, slot));
  throw new Error(
    `No image digest for environment "${env}": run ${slot.producer.replace("<env>", env)} (it writes ${file}) or set ${slot.variable}=sha256:<digest>. Plan and validate use a placeholder; apply does not.`,
  );
}
