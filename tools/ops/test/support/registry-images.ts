import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

const sha256 = (b: Buffer | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function uploadBlob(base: string, path: string, blob: Buffer): Promise<string> {
  const digest = sha256(blob);
  const start = await fetch(`${base}/v2/${path}/blobs/uploads/`, { method: "POST" });
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get("location") ?? "", base);
  location.searchParams.set("digest", digest);
  const put = await fetch(location, {
    method: "PUT",
    body: blob,
    headers: { "Content-Type": "application/octet-stream" },
  });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
  return digest;
}

/** A minimal one-layer image pushed through the distribution API, as `docker push` would; returns its digest and manifest. */
export async function pushTinyImage(
  registry: string,
  path: string,
  gitSha: string,
): Promise<{ readonly digest: string; readonly manifest: string }> {
  const base = `http://${registry}`;
  // A tar with no entries (two zero blocks) is a valid, empty layer.
  const layer = gzipSync(Buffer.alloc(1024));
  const layerDigest = await uploadBlob(base, path, layer);
  const diffId = sha256(Buffer.alloc(1024));
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Env: [`GIT_SHA=${gitSha}`], Labels: { "org.opencontainers.image.revision": gitSha } },
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created_by: `ops test ${gitSha}` }],
    }),
  );
  const configDigest = await uploadBlob(base, path, config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size: config.length,
      digest: configDigest,
    },
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size: layer.length,
        digest: layerDigest,
      },
    ],
  });
  const res = await fetch(`${base}/v2/${path}/manifests/${gitSha}`, {
    method: "PUT",
    body: manifest,
    headers: { "Content-Type": "application/vnd.docker.distribution.manifest.v2+json" },
  });
  if (res.status !== 201) throw new Error(`manifest put: HTTP ${res.status} ${await res.text()}`);
  const digest = res.headers.get("docker-content-digest") ?? sha256(manifest);
  return { digest, manifest };
}
