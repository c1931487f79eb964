import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENT_NAMES } from "./index";

interface NxPluginEntry {
  readonly plugin: string;
  readonly options?: { readonly environments?: readonly string[] };
}

describe("nx.json", () => {
  it("the workspace plugin's environments (what -c may name) are the environments here", () => {
    const nxJson = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../nx.json"), "utf8")) as {
      plugins?: NxPluginEntry[];
    };
    const plugin = nxJson.plugins?.find((entry) => entry.plugin.includes("tools/nx-plugin"));
    expect(plugin?.options?.environments).toEqual([...ENVIRONMENT_NAMES]);
  });
});
