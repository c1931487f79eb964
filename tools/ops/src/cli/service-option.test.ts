import { ServiceRequiredError } from "../lib/services";
import { resolveServiceOption } from "./service-option";

const services = async () => [
  { name: "sample-service", type: "web" },
  { name: "orders", type: "web" },
  { name: "post-worker", type: "worker" },
];
const args = (values: Record<string, string>) => ({ command: "run-image", values, flags: new Set<string>() });

describe("resolveServiceOption", () => {
  it("takes --service first", async () => {
    const environ = { NX_TASK_TARGET_PROJECT: "orders" };
    await expect(
      resolveServiceOption(
        args({ service: "post-worker" }),
        { workspace: "/w", environ, env: "dev" },
        services,
      ),
    ).resolves.toMatchObject({ name: "post-worker" });
  });
  it("takes the Nx project when it is a service (nx run <service>:run-image)", async () => {
    const environ = { NX_TASK_TARGET_PROJECT: "orders" };
    await expect(
      resolveServiceOption(args({}), { workspace: "/w", environ, env: "dev" }, services),
    ).resolves.toMatchObject({ name: "orders" });
  });
  it("ignores a project that is no service (nx run ops:release) and asks for --service", async () => {
    const environ = { NX_TASK_TARGET_PROJECT: "ops" };
    await expect(
      resolveServiceOption(args({}), { workspace: "/w", environ, env: "dev" }, services),
    ).rejects.toThrow(ServiceRequiredError);
  });
});
