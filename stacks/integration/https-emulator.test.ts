/**
 * HTTPS by name against moto: staging's network and platform layers (a private emulator) with the
 * public zone staging.example.com created first, as it would exist in the account. Apply requests the
 * ACM certificate, writes its DNS validation record, waits for issuance, and puts it on the 443
 * listener (TLS 1.3 policy) while 80 only redirects; `app.staging.example.com` is an alias of the load
 * balancer. A second plan finds nothing to change. moto issues a certificate after
 * MOTO_ACM_VALIDATION_WAIT seconds without resolving the record (it cannot: no DNS), so what this
 * proves is the wiring, not that a resolver would see the record.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CliRunner, isolatedEnv, makeWorkDir, PrivateMoto } from "./harness";

const ZONE = "staging.example.com";
const HOST = `app.${ZONE}`;
const LAYERS = ["--layer", "network", "--layer", "platform"];

let moto: PrivateMoto;
let cli: CliRunner;
let workDir: string;
let zoneId: string;

/** moto routes an unsigned request by the service named in the credential scope (it checks no signature). */
function authorization(service: string): string {
  return `AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

async function route53(method: string, pathName: string, body?: string): Promise<string> {
  const r = await fetch(`${moto.endpoint}/2013-04-01/${pathName}`, {
    method,
    headers: { authorization: authorization("route53"), "content-type": "text/xml" },
    body,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`route53 ${method} ${pathName}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return text;
}

async function elbv2(params: Record<string, string>): Promise<string> {
  const r = await fetch(`${moto.endpoint}/`, {
    method: "POST",
    headers: {
      authorization: authorization("elasticloadbalancing"),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ Version: "2015-12-01", ...params }).toString(),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`elbv2 ${params.Action}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return text;
}

async function acm(action: string, input: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await fetch(`${moto.endpoint}/`, {
    method: "POST",
    headers: {
      authorization: authorization("acm"),
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `CertificateManager.${action}`,
    },
    body: JSON.stringify(input),
  });
  const json = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`acm ${action}: HTTP ${r.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** The outermost `<member>` blocks of an XML answer (a listener's own members nest inside it). */
function topMembers(xml: string): string[] {
  const found: string[] = [];
  let depth = 0;
  let start = 0;
  for (const m of xml.matchAll(/<(\/?)member>/g)) {
    if (m[1] === "") {
      if (depth++ === 0) start = (m.index ?? 0) + m[0].length;
    } else if (--depth === 0) found.push(xml.slice(start, m.index));
  }
  return found;
}
/** Every `<tag>...</tag>` block of an XML answer. */
const blocks = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]);
const field = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

function expectExit(run: { code: number; output: string }, code: number): void {
  if (run.code !== code)
    throw new Error(`expected exit ${code}, got ${run.code}:\n${run.output.slice(-6000)}`);
}

beforeAll(async () => {
  workDir = makeWorkDir();
  // moto issues a requested certificate once it is this old (seconds); its default is 60.
  process.env.MOTO_ACM_VALIDATION_WAIT = "2";
  moto = await PrivateMoto.start(workDir);
  cli = new CliRunner(isolatedEnv(moto, workDir), path.join(workDir, "cli.log"));
  const created = await route53(
    "POST",
    "hostedzone",
    `<?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>${ZONE}</Name><CallerReference>https-emulator-test</CallerReference></CreateHostedZoneRequest>`,
  );
  zoneId = (field(created, "Id") ?? "").replace("/hostedzone/", "");
  process.stdout.write(`integration work dir: ${workDir} (cli.log, moto.log); zone ${zoneId}\n`);
}, 120_000);

afterAll(() => {
  moto?.stop();
});

describe("staging over HTTPS by name against the AWS emulator", () => {
  it("applies the network and platform layers: certificate validated in the zone, alias to the load balancer", async () => {
    const run = await cli.run(["apply", "--env", "staging", ...LAYERS]);
    expectExit(run, 0);
    const outputs = JSON.parse(
      fs.readFileSync(path.join(workDir, "out", "outputs", "staging.json"), "utf8"),
    ) as { stacks: Record<string, Record<string, string>> };
    expect(outputs.stacks["platform-staging"].load_balancer_url).toMatch(/^https:\/\//);

    const records = blocks(await route53("GET", `hostedzone/${zoneId}/rrset`), "ResourceRecordSet");
    const alias = records.find((r) => field(r, "Name") === `${HOST}.` && field(r, "Type") === "A");
    expect(alias).toBeDefined();
    const lbDns = outputs.stacks["platform-staging"].load_balancer_url.replace("https://", "");
    expect(field(alias ?? "", "DNSName")?.replace(/\.$/, "")).toBe(lbDns);
    const validation = records.filter((r) => field(r, "Type") === "CNAME");
    expect(validation.map((r) => field(r, "Name"))).toEqual([
      expect.stringMatching(new RegExp(`\\.${HOST}\\.$`)),
    ]);
  });

  it("puts the issued certificate on 443 with the TLS 1.3 policy; 80 only redirects to 443", async () => {
    const lbs = await elbv2({ Action: "DescribeLoadBalancers", "Names.member.1": "staging" });
    const lbArn = field(lbs, "LoadBalancerArn") ?? "";
    const listeners = topMembers(await elbv2({ Action: "DescribeListeners", LoadBalancerArn: lbArn }));
    // The listener's own fields, without its nested actions and certificates (a redirect has a Port too).
    const own = (l: string) => l.replace(/<(DefaultActions|Certificates)>[\s\S]*?<\/\1>/g, "");
    const https = listeners.find((l) => field(own(l), "Port") === "443");
    const http = listeners.find((l) => field(own(l), "Port") === "80");
    expect(listeners).toHaveLength(2);
    expect(field(own(https ?? ""), "Protocol")).toBe("HTTPS");
    expect(field(own(https ?? ""), "SslPolicy")).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
    const redirect = blocks(http ?? "", "RedirectConfig")[0] ?? "";
    expect(field(http ?? "", "Type")).toBe("redirect");
    expect([field(redirect, "Port"), field(redirect, "Protocol"), field(redirect, "StatusCode")]).toEqual([
      "443",
      "HTTPS",
      "HTTP_301",
    ]);

    const certificateArn = field(https ?? "", "CertificateArn") ?? "";
    const described = (await acm("DescribeCertificate", { CertificateArn: certificateArn })).Certificate as {
      DomainName: string;
      Status: string;
      DomainValidationOptions: Array<{ ValidationMethod: string }>;
    };
    expect([described.DomainName, described.Status]).toEqual([HOST, "ISSUED"]);
    expect(described.DomainValidationOptions.map((o) => o.ValidationMethod)).toEqual(["DNS"]);
  });

  it("plans no change right after (the validation records and alias are stable)", async () => {
    const run = await cli.run(["plan", "--env", "staging", ...LAYERS]);
    expectExit(run, 0);
  });
});
