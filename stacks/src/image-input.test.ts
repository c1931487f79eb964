import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  assertImageForApply,
  imageDigestFile,
  PLACEHOLDER_DIGEST,
  PROXY_IMAGE,
  resolveImageInput,
  serviceImageSlot,
} from "./image-input";

const D = `sha256:${"c".repeat(64)}`;
const WEB = serviceImageSlot("web");
const VAR = "PLATFORM_IMAGE_DIGEST_WEB";

function repoWith(file?: { env: string; name?: string; content: string }): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "image-input-"));
  if (file) {
    const p = path.join(root, "dist", "deploy", file.env, file.name ?? "web/image.json");
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, file.content);
  }
  return root;
}

describe("resolveImageInput", () => {
  it("takes the service's PLATFORM_IMAGE_DIGEST_<SERVICE> first", () => {
    const root = repoWith({ env: "dev", content: JSON.stringify({ digest: `sha256:${"d".repeat(64)}` }) });
    expect(resolveImageInput("dev", root, { [VAR]: D }, WEB)).toEqual({
      digest: D,
      source: VAR,
      placeholder: false,
    });
  });

  it("does not take another service's variable", () => {
    expect(resolveImageInput("dev", repoWith(), { PLATFORM_IMAGE_DIGEST_API: D }, WEB).placeholder).toBe(
      true,
    );
  });

  it("accepts repo@digest and keeps the repository", () => {
    expect(resolveImageInput("dev", repoWith(), { [VAR]: `127.0.0.1:5001/app@${D}` }, WEB)).toEqual(
      expect.objectContaining({ digest: D, repository: "127.0.0.1:5001/app" }),
    );
  });

  it("reads dist/deploy/<env>/<service>/image.json written by the push step", () => {
    const root = repoWith({ env: "dev", content: JSON.stringify({ image: `repo/app@${D}` }) });
    expect(resolveImageInput("dev", root, {}, WEB)).toEqual(
      expect.objectContaining({ digest: D, repository: "repo/app" }),
    );
    expect(resolveImageInput("dev", root, {}, WEB).source).toBe(
      `${path.join(root, "dist", "deploy", "dev", "web", "image.json")} (image)`,
    );
    expect(imageDigestFile(root, "dev", WEB)).toBe(
      path.join(root, "dist", "deploy", "dev", "web", "image.json"),
    );
  });

  it("reads the proxy image from its own file", () => {
    const root = repoWith({ env: "local", name: "proxy-image.json", content: JSON.stringify({ digest: D }) });
    expect(resolveImageInput("local", root, {}, PROXY_IMAGE).digest).toBe(D);
  });

  it("falls back to a placeholder when nothing was pushed", () => {
    expect(resolveImageInput("dev", repoWith(), {}, WEB)).toEqual({
      digest: PLACEHOLDER_DIGEST,
      source: "placeholder",
      placeholder: true,
    });
  });

  it("refuses a tag, naming the variable", () => {
    expect(() => resolveImageInput("dev", repoWith(), { [VAR]: "app:latest" }, WEB)).toThrow(
      /PLATFORM_IMAGE_DIGEST_WEB must be "sha256:<64 hex digits>" or "<repository>@sha256:<64 hex digits>" \(got "app:latest"\)/,
    );
  });

  it("refuses a file without image or digest, naming the file", () => {
    const root = repoWith({ env: "dev", content: "{}" });
    expect(() => resolveImageInput("dev", root, {}, WEB)).toThrow(/image\.json: needs "image"/);
  });

  it("refuses a file that is not JSON, naming the file", () => {
    const root = repoWith({ env: "dev", content: "sha256:" });
    expect(() => resolveImageInput("dev", root, {}, WEB)).toThrow(/image\.json: not valid JSON/);
  });
});

describe("assertImageForApply", () => {
  it("passes a real digest", () => {
    expect(() =>
      assertImageForApply({ digest: D, source: "x", placeholder: false }, "dev", "/r", WEB),
    ).not.toThrow();
  });

  it("refuses the placeholder, saying how to provide a digest", () => {
    expect(() =>
      assertImageForApply(
        { digest: PLACEHOLDER_DIGEST, source: "placeholder", placeholder: true },
        "dev",
        "/r",
        WEB,
      ),
    ).toThrow(
      /No image digest for environment "dev": run npx nx run web:push -c dev \(it writes dist\/deploy\/dev\/web\/image\.json\) or set PLATFORM_IMAGE_DIGEST_WEB=sha256:<digest>/,
    );
  });
});
