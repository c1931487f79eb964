import {
  assertNoOverlap,
  cidrContains,
  cidrsOverlap,
  formatIpv4Cidr,
  parseIpv4Cidr,
  planSubnets,
} from "./cidr";

describe("parseIpv4Cidr / formatIpv4Cidr", () => {
  it("round-trips network addresses", () => {
    for (const cidr of [
      "10.0.0.0/16",
      "172.16.0.0/12",
      "192.168.10.0/24",
      "0.0.0.0/0",
      "255.255.255.255/32",
    ]) {
      expect(formatIpv4Cidr(parseIpv4Cidr(cidr, "f"))).toBe(cidr);
    }
  });

  it("parses to an unsigned address", () => {
    expect(parseIpv4Cidr("192.168.0.0/16", "f")).toEqual({ address: 0xc0a80000, prefixLength: 16 });
  });

  it.each([
    "10.0.0/16",
    "10.0.0.0",
    "10.0.0.256/16",
    "10.0.0.0/33",
    "a.b.c.d/8",
    " 10.0.0.0/16",
    "10.0.0.0/016x",
  ])("rejects %p, naming the field", (value) => {
    expect(() => parseIpv4Cidr(value, "cidrBlock")).toThrow(/cidrBlock must be an IPv4 CIDR block/);
  });

  it("rejects host bits and says which network was meant", () => {
    expect(() => parseIpv4Cidr("10.0.1.0/16", "cidrBlock")).toThrow(
      /cidrBlock "10.0.1.0\/16" has host bits set; did you mean 10.0.0.0\/16\?/,
    );
  });
});

describe("cidrsOverlap / cidrContains / assertNoOverlap", () => {
  const p = (c: string) => parseIpv4Cidr(c, "f");

  it("detects overlap and adjacency correctly", () => {
    expect(cidrsOverlap(p("10.0.0.0/24"), p("10.0.0.128/25"))).toBe(true);
    expect(cidrsOverlap(p("10.0.0.0/24"), p("10.0.1.0/24"))).toBe(false);
    expect(cidrsOverlap(p("10.0.1.0/24"), p("10.0.0.0/16"))).toBe(true);
  });

  it("detects containment", () => {
    expect(cidrContains(p("10.0.0.0/16"), p("10.0.255.240/28"))).toBe(true);
    expect(cidrContains(p("10.0.0.0/16"), p("10.1.0.0/28"))).toBe(false);
    expect(cidrContains(p("10.0.0.0/24"), p("10.0.0.0/16"))).toBe(false);
  });

  it("names the overlapping pair", () => {
    expect(() => assertNoOverlap(["10.0.0.0/24", "10.0.2.0/24", "10.0.2.64/26"], "subnets")).toThrow(
      "subnets: 10.0.2.0/24 overlaps 10.0.2.64/26",
    );
    expect(() => assertNoOverlap(["10.0.0.0/24", "10.0.1.0/24"], "subnets")).not.toThrow();
  });
});

describe("planSubnets", () => {
  it("numbers private subnets up from the bottom and public subnets down from the top", () => {
    expect(
      planSubnets({ vpcCidr: "10.0.0.0/16", azCount: 3, privatePrefixLength: 19, publicPrefixLength: 21 }),
    ).toEqual({
      privateCidrs: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
      publicCidrs: ["10.0.248.0/21", "10.0.240.0/21", "10.0.232.0/21"],
    });
  });

  it("keeps existing subnets where they are when an availability zone is added", () => {
    const two = planSubnets({
      vpcCidr: "10.20.0.0/20",
      azCount: 2,
      privatePrefixLength: 23,
      publicPrefixLength: 25,
    });
    const three = planSubnets({
      vpcCidr: "10.20.0.0/20",
      azCount: 3,
      privatePrefixLength: 23,
      publicPrefixLength: 25,
    });
    expect(three.privateCidrs.slice(0, 2)).toEqual(two.privateCidrs);
    expect(three.publicCidrs.slice(0, 2)).toEqual(two.publicCidrs);
  });

  it("never produces overlapping or out-of-range subnets for any layout that fits", () => {
    for (let vpcPrefix = 16; vpcPrefix <= 24; vpcPrefix++) {
      const vpcCidr = `10.0.0.0/${vpcPrefix}`;
      for (let azCount = 2; azCount <= 6; azCount++) {
        for (let priv = vpcPrefix + 1; priv <= 28; priv++) {
          for (let pub = vpcPrefix + 1; pub <= 28; pub++) {
            const fits = azCount * (2 ** (32 - priv) + 2 ** (32 - pub)) <= 2 ** (32 - vpcPrefix);
            const input = { vpcCidr, azCount, privatePrefixLength: priv, publicPrefixLength: pub };
            if (!fits) {
              expect(() => planSubnets(input)).toThrow(/do not fit/);
              continue;
            }
            const plan = planSubnets(input);
            const all = [...plan.privateCidrs, ...plan.publicCidrs];
            expect(all).toHaveLength(2 * azCount);
            expect(() => assertNoOverlap(all, "plan")).not.toThrow();
            for (const c of all)
              expect(cidrContains(parseIpv4Cidr(vpcCidr, "v"), parseIpv4Cidr(c, "s"))).toBe(true);
          }
        }
      }
    }
  });

  it("fills a VPC exactly when the sizes add up", () => {
    // 2 x (/25 + /25) = one /23.
    expect(
      planSubnets({ vpcCidr: "10.0.0.0/23", azCount: 2, privatePrefixLength: 25, publicPrefixLength: 25 }),
    ).toEqual({
      privateCidrs: ["10.0.0.0/25", "10.0.0.128/25"],
      publicCidrs: ["10.0.1.128/25", "10.0.1.0/25"],
    });
  });

  it("rejects a private prefix not longer than the VPC's", () => {
    expect(() =>
      planSubnets({ vpcCidr: "10.0.0.0/20", azCount: 2, privatePrefixLength: 20, publicPrefixLength: 24 }),
    ).toThrow(/privateSubnetPrefixLength must be an integer from 21 to 28 for a \/20 VPC.*got 20/);
  });

  it("rejects a public prefix longer than /28", () => {
    expect(() =>
      planSubnets({ vpcCidr: "10.0.0.0/16", azCount: 2, privatePrefixLength: 20, publicPrefixLength: 29 }),
    ).toThrow(/publicSubnetPrefixLength must be an integer from 17 to 28/);
  });

  it("rejects a fractional prefix", () => {
    expect(() =>
      planSubnets({ vpcCidr: "10.0.0.0/16", azCount: 2, privatePrefixLength: 20.5, publicPrefixLength: 24 }),
    ).toThrow(/privateSubnetPrefixLength must be an integer/);
  });

  it("rejects subnets that do not fit, with the sizes", () => {
    expect(() =>
      planSubnets({ vpcCidr: "10.0.0.0/24", azCount: 6, privatePrefixLength: 27, publicPrefixLength: 28 }),
    ).toThrow(
      /do not fit 6 availability zones into cidrBlock 10.0.0.0\/24: they need 288 addresses, the VPC has 256/,
    );
  });

  it("rejects a malformed VPC CIDR naming cidrBlock", () => {
    expect(() =>
      planSubnets({ vpcCidr: "10.0.0.0/99", azCount: 2, privatePrefixLength: 20, publicPrefixLength: 24 }),
    ).toThrow(/cidrBlock must be an IPv4 CIDR block/);
  });
});
