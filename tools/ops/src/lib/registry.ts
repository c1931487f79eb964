import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { awsClientConfig, errorMessage, errorName } from "./aws";
import { ecrRegistry, gitShaFromTag, type ImageReference, registryBaseUrl } from "./image-reference";

/** What a registry says about one digest. */
export interface RegistryImage {
  readonly exists: boolean;
  /** Where it was looked up, e.g. `ECR 123456789012/<service> (eu-west-1)` or `http://127.0.0.1:5001`. */
  readonly where: string;
  /** Why it is missing, when it is. */
  readonly reason?: string;
  /** Tags on the digest (ECR). */
  readonly tags?: readonly string[];
  /** Git sha from a push tag (ECR) or the image config's OCI revision label (registry API). */
  readonly gitSha?: string;
  readonly pushedAt?: string;
}

const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/**
 * Looks a digest up in the registry its reference names: ECR by DescribeImages (imageDigest), any other
 * registry by the distribution API (`HEAD /v2/<repo>/manifests/<digest>`). `bytesRegistry` also checks
 * the registry that really holds the bytes when it differs (under the emulator, ECR is control plane only
 * and the push step sends the layers to the loopback registry).
 */
export async function lookUpImage(
  ref: ImageReference,
  options: { readonly env?: NodeJS.ProcessEnv; readonly bytesRegistry?: string } = {},
): Promise<RegistryImage> {
  const env = options.env ?? process.env;
  const ecr = ecrRegistry(ref.registry);
  const primary = ecr
    ? await lookUpEcr(ref, ecr, env)
    : await lookUpDistribution(ref.registry, ref.path, ref.digest);
  if (!primary.exists || !options.bytesRegistry || options.bytesRegistry === ref.registry) return primary;
  const bytes = await lookUpDistribution(options.bytesRegistry, ref.path, ref.digest);
  if (!bytes.exists) {
    return { ...primary, exists: false, where: `${primary.where} + ${bytes.where}`, reason: bytes.reason };
  }
  return { ...primary, where: `${primary.where} + ${bytes.where}`, gitSha: primary.gitSha ?? bytes.gitSha };
}

async function lookUpEcr(
  ref: ImageReference,
  registry: { readonly accountId: string; readonly region: string },
  env: NodeJS.ProcessEnv,
): Promise<RegistryImage> {
  const where = `ECR ${registry.accountId}/${ref.path} (${registry.region})`;
  const client = new ECRClient(awsClientConfig(registry.region, env));
  try {
    const res = await client.send(
      new DescribeImagesCommand({
        registryId: registry.accountId,
        repositoryName: ref.path,
        imageIds: [{ imageDigest: ref.digest }],
      }),
    );
    const detail = res.imageDetails?.find((d) => d.imageDigest === ref.digest);
    if (!detail) return { exists: false, where, reason: "DescribeImages returned no such digest" };
    const tags = detail.imageTags ?? [];
    const gitSha = tags.map(gitShaFromTag).find((s) => s !== undefined);
    return { exists: true, where, tags, gitSha, pushedAt: detail.imagePushedAt?.toISOString() };
  } catch (err) {
    const name = errorName(err);
    if (name === "ImageNotFoundException" || name === "RepositoryNotFoundException") {
      return { exists: false, where, reason: `${name}: ${errorMessage(err)}` };
    }
    throw new Error(`ECR DescribeImages for ${ref.reference} failed: ${errorMessage(err)}`);
  } finally {
    client.destroy();
  }
}

async function lookUpDistribution(host: string, path: string, digest: string): Promise<RegistryImage> {
  const base = registryBaseUrl(host);
  const where = `${base}/v2/${path}`;
  let res: Response;
  try {
    res = await fetch(`${base}/v2/${path}/manifests/${digest}`, {
      method: "HEAD",
      headers: { Accept: MANIFEST_ACCEPT },
      signal: AbortSignal.timeout(15000),
    });
  } catch (err) {
    throw new Error(
      `Registry ${base} is unreachable (${errorMessage(err)}); is it running? (npx nx run toolchain:ensure)`,
    );
  }
  if (res.status === 404)
    return { exists: false, where, reason: "the registry answers 404 for this manifest digest" };
  if (res.status === 401 || res.status === 403) {
    throw new Error(
      `Registry ${base} refused HEAD ${path}@${digest} (HTTP ${res.status}): credentials are needed.`,
    );
  }
  if (!res.ok)
    throw new Error(`Registry ${base}: HEAD ${path}/manifests/${digest} answered HTTP ${res.status}.`);
  return { exists: true, where, gitSha: await revisionLabel(base, path, digest) };
}

/** The `org.opencontainers.image.revision` label (or the GIT_SHA env) of a single-platform image's config. */
async function revisionLabel(base: string, path: string, digest: string): Promise<string | undefined> {
  try {
    const m = await fetch(`${base}/v2/${path}/manifests/${digest}`, {
      headers: { Accept: MANIFEST_ACCEPT },
      signal: AbortSignal.timeout(15000),
    });
    const manifest = (await m.json()) as { config?: { digest?: string } };
    if (!manifest.config?.digest) return undefined;
    const c = await fetch(`${base}/v2/${path}/blobs/${manifest.config.digest}`, {
      signal: AbortSignal.timeout(15000),
    });
    if (!c.ok) return undefined;
    const config = (await c.json()) as { config?: { Labels?: Record<string, string>; Env?: string[] } };
    const label = config.config?.Labels?.["org.opencontainers.image.revision"];
    const fromEnv = config.config?.Env?.find((e) => e.startsWith("GIT_SHA="))?.slice("GIT_SHA=".length);
    const sha = label || fromEnv;
    return sha && sha !== "unknown" ? sha : undefined;
  } catch {
    return undefined; // only informative: the digest's existence is already established
  }
}
