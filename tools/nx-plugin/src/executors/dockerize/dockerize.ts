import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuiltImage } from "../../lib/deploy-files";
import { writeJsonFile } from "../../lib/deploy-files";
import { assertDockerEngine } from "../../lib/docker";
import { run } from "../../lib/exec";
import { readGitInfo } from "../../lib/git";
import { StepLog } from "../../lib/log";
import { type ChainToolchain, childEnv, loadChainToolchain } from "../../lib/toolchain";
import { buildTimeFor, dockerBuildArgs, imageTagFor } from "./build-args";
import type { NormalizedDockerizeOptions } from "./normalize-options";

export async function dockerize(
  o: NormalizedDockerizeOptions,
  toolchain: ChainToolchain = loadChainToolchain(),
  log = new StepLog("dockerize"),
): Promise<BuiltImage> {
  const env = childEnv(toolchain);
  await assertDockerEngine(env);
  const baseImage = toolchain.env[o.baseImageFrom];
  if (!baseImage) {
    throw new Error(`${toolchain.file} has no ${o.baseImageFrom}; re-run \`npx nx run toolchain:ensure\`.`);
  }
  const git = await readGitInfo(o.root);
  const tag = imageTagFor(git.sha, git.dirty);
  const image = `${o.imageName}:${tag}`;
  const buildTime = buildTimeFor(git, new Date());
  const tmp = mkdtempSync(join(tmpdir(), "dockerize-"));
  let imageId: string;
  try {
    const iidFile = join(tmp, "iid");
    const args = dockerBuildArgs({
      dockerfile: o.dockerfile,
      context: o.context,
      tags: [image],
      buildArgs: {
        ...o.buildArgs,
        [o.baseImageArg]: baseImage,
        APP_VERSION: o.version,
        BUILD_TIME: buildTime,
        GIT_SHA: tag,
      },
      iidFile,
      network: o.network,
    });
    log.info(
      `docker build ${image} (version ${o.version}, base ${baseImage}${git.dirty ? ", dirty tree" : ""})`,
    );
    await run("docker", args, { env, cwd: o.root, echo: true, prefix: "  | " });
    imageId = readFileSync(iidFile, "utf8").trim();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const record: BuiltImage = {
    imageId,
    image,
    name: o.imageName,
    tag,
    gitSha: tag,
    dirty: git.dirty,
    version: o.version,
    buildTime,
    dockerfile: o.dockerfile,
  };
  writeJsonFile(o.outputFile, record);
  log.info(`built ${image} = ${imageId} -> ${o.outputFile}`);
  return record;
}
