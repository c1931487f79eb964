import { synthResources } from "../test-support/synth";
import { LoadBalancerAlias } from "./load-balancer-alias";

const zone = { zoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.com" };
const target = { dnsName: "dev-123.eu-west-1.elb.amazonaws.com", zoneId: "Z32O12XQLNTSW2" };

describe("LoadBalancerAlias", () => {
  it("an A alias to the load balancer in the zone, checking target health", () => {
    const s = synthResources((scope) => {
      new LoadBalancerAlias(scope, "alias", { hostedZone: zone, recordName: "app.example.com", target });
    });
    expect(s.one("aws_route53_record")).toMatchObject({
      zone_id: zone.zoneId,
      name: "app.example.com",
      type: "A",
      alias: { name: target.dnsName, zone_id: target.zoneId, evaluate_target_health: true },
    });
  });
  it("refuses a record name outside the zone", () => {
    expect(() =>
      synthResources((scope) => {
        new LoadBalancerAlias(scope, "alias", { hostedZone: zone, recordName: "app.example.org", target });
      }),
    ).toThrow(/LoadBalancerAlias: recordName "app.example.org" is not in the zone example.com/);
  });
});
