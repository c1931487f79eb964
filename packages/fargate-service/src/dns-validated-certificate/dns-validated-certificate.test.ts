import { synthResources } from "../test-support/synth";
import { DnsValidatedCertificate } from "./dns-validated-certificate";

const zone = { zoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.com" };

describe("DnsValidatedCertificate", () => {
  it("requests a DNS-validated certificate, replaced before the old one goes", () => {
    const s = synthResources((scope) => {
      new DnsValidatedCertificate(scope, "cert", {
        domainName: "app.example.com",
        subjectAlternativeNames: ["*.app.example.com"],
        hostedZone: zone,
      });
    });
    expect(s.one("aws_acm_certificate")).toMatchObject({
      domain_name: "app.example.com",
      subject_alternative_names: ["*.app.example.com"],
      validation_method: "DNS",
      lifecycle: { create_before_destroy: true },
    });
  });
  it("writes one validation record per validation option into the zone", () => {
    const s = synthResources((scope) => {
      new DnsValidatedCertificate(scope, "cert", { domainName: "app.example.com", hostedZone: zone });
    });
    const record = s.one("aws_route53_record");
    expect(record.for_each).toMatch(/aws_acm_certificate\.\S+\.domain_validation_options/);
    expect(record).toMatchObject({ zone_id: zone.zoneId, ttl: 60, allow_overwrite: true });
    expect(record.name).toMatch(/^\$\{each\.value\.resource_record_name\}$/);
  });
  it("exposes the ARN of the validation, so a listener waits for issuance", () => {
    let arn = "";
    const s = synthResources((scope) => {
      arn = new DnsValidatedCertificate(scope, "cert", { domainName: "example.com", hostedZone: zone })
        .certificateArn;
    });
    expect(arn).toMatch(/^\$\{TfToken/);
    expect(s.one("aws_acm_certificate_validation").validation_record_fqdns).toMatch(
      /for key, val in aws_route53_record\.\S+: val\.fqdn/,
    );
  });
  it("refuses a domain outside the zone, naming it", () => {
    expect(() =>
      synthResources((scope) => {
        new DnsValidatedCertificate(scope, "cert", { domainName: "app.example.org", hostedZone: zone });
      }),
    ).toThrow(/DnsValidatedCertificate: domainName "app.example.org" is not in the zone example.com/);
  });
  it("refuses an alternative name outside the zone, naming its index", () => {
    expect(() =>
      synthResources((scope) => {
        new DnsValidatedCertificate(scope, "cert", {
          domainName: "app.example.com",
          subjectAlternativeNames: ["www.other.com"],
          hostedZone: zone,
        });
      }),
    ).toThrow(/subjectAlternativeNames\[0\] "www.other.com" is not in the zone/);
  });
  it("refuses a malformed zone id", () => {
    expect(() =>
      synthResources((scope) => {
        new DnsValidatedCertificate(scope, "cert", {
          domainName: "app.example.com",
          hostedZone: { zoneId: "zone-1", zoneName: "example.com" },
        });
      }),
    ).toThrow(/hostedZone.zoneId "zone-1" is invalid: use a Route53 zone id/);
  });
  it("refuses an upper-case domain name", () => {
    expect(() =>
      synthResources((scope) => {
        new DnsValidatedCertificate(scope, "cert", { domainName: "App.example.com", hostedZone: zone });
      }),
    ).toThrow(/domainName "App.example.com" is invalid/);
  });
});
