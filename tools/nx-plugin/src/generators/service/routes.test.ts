import { chooseRoute, type ExistingRoute } from "./routes";

const route = (file: string, pathPatterns: string[], priority: number): ExistingRoute => ({
  file,
  pathPatterns,
  hosts: [],
  priority,
});
const CATCH_ALL = route("apps/sample-service/service.json", ["/*"], 1000);

describe("chooseRoute", () => {
  it("routes a prefix and everything below it, ahead of the catch-all", () => {
    expect(chooseRoute("/demo", [CATCH_ALL])).toEqual({ pathPatterns: ["/demo", "/demo/*"], priority: 990 });
  });

  it("gives each prefix a priority no other route has", () => {
    const demo = route("apps/demo/service.json", ["/demo", "/demo/*"], 990);
    expect(chooseRoute("/other", [CATCH_ALL, demo]).priority).toBe(980);
  });

  it("puts a longer prefix ahead of a shorter one that also matches it", () => {
    const demo = route("apps/demo/service.json", ["/demo", "/demo/*"], 500);
    expect(chooseRoute("/demo/admin", [CATCH_ALL, demo]).priority).toBe(490);
  });

  it("puts a shorter prefix behind a longer one it would otherwise hide", () => {
    const admin = route("apps/admin/service.json", ["/demo/admin", "/demo/admin/*"], 990);
    expect(chooseRoute("/demo", [CATCH_ALL, admin]).priority).toBe(999);
  });

  it("gives the catch-all 1000 when nobody has it, after every other route", () => {
    expect(chooseRoute(undefined, [])).toEqual({ pathPatterns: ["/*"], priority: 1000 });
    expect(chooseRoute(undefined, [route("apps/a/service.json", ["/a/*"], 1200)]).priority).toBe(1210);
  });

  it("says so when no priority is left between the routes it must sit between", () => {
    const admin = route("apps/admin/service.json", ["/demo/admin/*"], 999);
    expect(() => chooseRoute("/demo", [CATCH_ALL, admin])).toThrow(
      /^path: no free route priority between 999/,
    );
  });
});
