// Pure IPv4 CIDR arithmetic for the network construct: no cdktf, so it is cheap to test exhaustively.

/** An IPv4 CIDR block: the network address as an unsigned 32-bit number and the prefix length. */
export interface Ipv4Cidr {
  readonly address: number;
  readonly prefixLength: number;
}

/** Subnet CIDRs per tier, index i = availability zone i. */
export interface SubnetPlan {
  readonly privateCidrs: readonly string[];
  readonly publicCidrs: readonly string[];
}

export interface SubnetPlanInput {
  /** The VPC CIDR, e.g. `10.0.0.0/16`. */
  readonly vpcCidr: string;
  /** How many availability zones (one subnet per tier per zone). */
  readonly azCount: number;
  /** Prefix length of each private subnet, e.g. 19. */
  readonly privatePrefixLength: number;
  /** Prefix length of each public subnet, e.g. 21. */
  readonly publicPrefixLength: number;
}

/** AWS accepts subnet prefix lengths /16../28. */
export const MIN_SUBNET_PREFIX_LENGTH = 16;
export const MAX_SUBNET_PREFIX_LENGTH = 28;

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Number of addresses in a block of the given prefix length. */
export function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

/**
 * Parses `a.b.c.d/n`. Rejects octets over 255, prefixes over 32 and host bits that are set
 * (`10.0.0.1/16`), naming `field` in the error and, for host bits, the network address meant.
 */
export function parseIpv4Cidr(value: string, field: string): Ipv4Cidr {
  const match = CIDR_PATTERN.exec(value);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefixLength = match ? Number(match[5]) : Number.NaN;
  if (!match || octets.some((o) => o > 255) || prefixLength > 32) {
    throw new Error(`${field} must be an IPv4 CIDR block such as 10.0.0.0/16 (got "${value}")`);
  }
  const raw = octets.reduce((acc, o) => acc * 256 + o, 0);
  const address = raw - (raw % blockSize(prefixLength));
  if (address !== raw) {
    const meant = formatIpv4Cidr({ address, prefixLength });
    throw new Error(`${field} "${value}" has host bits set; did you mean ${meant}?`);
  }
  return { address, prefixLength };
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.address / 2 ** shift) % 256);
  return `${octets.join(".")}/${cidr.prefixLength}`;
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const aEnd = a.address + blockSize(a.prefixLength);
  const bEnd = b.address + blockSize(b.prefixLength);
  return a.address < bEnd && b.address < aEnd;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return (
    inner.address >= outer.address &&
    inner.address + blockSize(inner.prefixLength) <= outer.address + blockSize(outer.prefixLength)
  );
}

/** Throws, naming both blocks, when any two of the given CIDRs overlap. */
export function assertNoOverlap(cidrs: readonly string[], field: string): void {
  const parsed = cidrs.map((c) => parseIpv4Cidr(c, field));
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      if (cidrsOverlap(parsed[i], parsed[j])) {
        throw new Error(`${field}: ${cidrs[i]} overlaps ${cidrs[j]}`);
      }
    }
  }
}

/**
 * Lays out one private and one public subnet per availability zone inside the VPC CIDR.
 *
 * Private subnets are numbered up from the bottom of the VPC range and public subnets down from the
 * top, so adding an availability zone appends subnets without moving any existing one (moving a
 * subnet means Terraform replaces it, with everything in it). Blocks of one size laid end to end
 * from either edge are always aligned, so the layout fits exactly when the total size does.
 *
 * Error messages name the Network props (`cidrBlock`, `privateSubnetPrefixLength`,
 * `publicSubnetPrefixLength`) because that is where the values come from.
 */
export function planSubnets(input: SubnetPlanInput): SubnetPlan {
  const vpc = parseIpv4Cidr(input.vpcCidr, "cidrBlock");
  const tiers = [
    ["privateSubnetPrefixLength", input.privatePrefixLength],
    ["publicSubnetPrefixLength", input.publicPrefixLength],
  ] as const;
  for (const [field, prefix] of tiers) {
    const min = Math.max(vpc.prefixLength + 1, MIN_SUBNET_PREFIX_LENGTH);
    if (!Number.isInteger(prefix) || prefix < min || prefix > MAX_SUBNET_PREFIX_LENGTH) {
      throw new Error(
        `${field} must be an integer from ${min} to ${MAX_SUBNET_PREFIX_LENGTH} for a /${vpc.prefixLength} VPC (AWS subnets are /16../28 and must be smaller than the VPC); got ${prefix}`,
      );
    }
  }
  const privateSize = blockSize(input.privatePrefixLength);
  const publicSize = blockSize(input.publicPrefixLength);
  const needed = input.azCount * (privateSize + publicSize);
  const available = blockSize(vpc.prefixLength);
  if (needed > available) {
    throw new Error(
      `privateSubnetPrefixLength /${input.privatePrefixLength} and publicSubnetPrefixLength /${input.publicPrefixLength} do not fit ${input.azCount} availability zones into cidrBlock ${input.vpcCidr}: they need ${needed} addresses, the VPC has ${available}. Use longer prefixes or a larger VPC.`,
    );
  }
  const vpcEnd = vpc.address + available;
  const privateCidrs: string[] = [];
  const publicCidrs: string[] = [];
  for (let i = 0; i < input.azCount; i++) {
    privateCidrs.push(
      formatIpv4Cidr({ address: vpc.address + i * privateSize, prefixLength: input.privatePrefixLength }),
    );
    publicCidrs.push(
      formatIpv4Cidr({ address: vpcEnd - (i + 1) * publicSize, prefixLength: input.publicPrefixLength }),
    );
  }
  // Guaranteed by the size check above; kept as a guard against a future change to the layout.
  const all = [...privateCidrs, ...publicCidrs];
  assertNoOverlap(all, "subnet layout");
  for (const cidr of all) {
    if (!cidrContains(vpc, parseIpv4Cidr(cidr, "subnet layout"))) {
      throw new Error(`subnet layout: ${cidr} lies outside cidrBlock ${input.vpcCidr}`);
    }
  }
  return { privateCidrs, publicCidrs };
}
