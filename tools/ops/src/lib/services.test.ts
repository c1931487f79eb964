import { ServiceRequiredError, selectService, UnknownServiceError } from "./services";

const web = { name: "sample-service", type: "web" };
const worker = { name: "post-worker", type: "worker" };
const where = { command: "release", env: "staging" };

describe("selectService", () => {
  it("takes --service when it is a service, whatever its type", () => {
    expect(selectService([web, worker], "post-worker", where)).toBe(worker);
  });
  it("refuses an unknown --service, listing the services", () => {
    expect(() => selectService([web, worker], "orders", where)).toThrow(UnknownServiceError);
    expect(() => selectService([web, worker], "orders", where)).toThrow(
      'release: --service "orders" is not a service of staging; services: sample-service (web), post-worker (worker)',
    );
  });
  it("defaults to the only service with a deploy chain (a worker has none)", () => {
    expect(selectService([worker, web], undefined, where)).toBe(web);
  });
  it("asks for --service when several services have a chain, listing them", () => {
    const orders = { name: "orders", type: "web" };
    expect(() => selectService([web, orders, worker], undefined, where)).toThrow(ServiceRequiredError);
    expect(() => selectService([web, orders, worker], undefined, where)).toThrow(
      "release needs --service NAME: staging has 2 services with a deploy chain (type web); services: sample-service (web), orders (web), post-worker (worker)",
    );
  });
  it("asks for --service when no service has a chain", () => {
    expect(() => selectService([worker], undefined, where)).toThrow(
      /^release needs --service NAME: staging has no service with a deploy chain/,
    );
  });
});
