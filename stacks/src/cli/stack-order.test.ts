import { upstreamNotes } from "./commands";
import { dependencyOrder, upstreamOf } from "./stack-order";

const stacks = [
  { name: "service-dev", dependencies: ["registry", "network-dev", "database-dev"] },
  { name: "database-dev", dependencies: ["network-dev"] },
  { name: "registry", dependencies: [] },
  { name: "network-dev", dependencies: [] },
];

describe("dependencyOrder", () => {
  it("puts every stack after its dependencies, keeping input order otherwise", () => {
    expect(dependencyOrder(stacks).map((s) => s.name)).toEqual([
      "registry",
      "network-dev",
      "database-dev",
      "service-dev",
    ]);
  });

  it("rejects a cycle, naming it", () => {
    expect(() =>
      dependencyOrder([
        { name: "a", dependencies: ["b"] },
        { name: "b", dependencies: ["a"] },
      ]),
    ).toThrow(/cycle: a -> b -> a/);
  });

  it("rejects a dependency that was not synthesized", () => {
    expect(() => dependencyOrder([{ name: "a", dependencies: ["x"] }])).toThrow(/a depends on x/);
  });
});

describe("upstreamOf", () => {
  it("returns direct and indirect dependencies", () => {
    expect([...upstreamOf(stacks, "service-dev")].sort()).toEqual([
      "database-dev",
      "network-dev",
      "registry",
    ]);
    expect([...upstreamOf(stacks, "registry")]).toEqual([]);
  });
});

describe("upstreamNotes", () => {
  it("warns about placeholders from unapplied upstream stacks and pending upstream changes", () => {
    const notes = upstreamNotes(
      stacks,
      new Map([
        ["registry", { hasChanges: false, applied: true }],
        ["network-dev", { hasChanges: true, applied: false }],
        ["database-dev", { hasChanges: true, applied: true }],
      ]),
    );
    expect(notes["database-dev"]).toEqual([
      expect.stringMatching(/network-dev is not applied yet: .*placeholder/),
    ]);
    expect(notes["service-dev"]).toEqual([
      expect.stringMatching(/network-dev is not applied yet/),
      expect.stringMatching(/database-dev has pending changes/),
    ]);
    expect(notes.registry).toBeUndefined();
  });
});
