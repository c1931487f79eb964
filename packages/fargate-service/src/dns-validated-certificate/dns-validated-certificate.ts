import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { PropErrors } from "../validation/validation";

/** A Route53 hosted zone: its id and the DNS name it is authoritative for. */
export interface HostedZoneRef {
  readonly zoneId: string;
  readonly zoneName: string;
}

export interface DnsValidatedCertificateProps {
  /** Host name the certificate is for: the zone's name or a name under it. */
  readonly domainName: string;
  /**
   * More names on the same certificate, each in the same zone (`*.example.com` allowed).
   * @default [] - only domainName
   */
  readonly subjectAlternativeNames?: readonly string[];
  /** Zone the validation records are written to. */
  readonly hostedZone: HostedZoneRef;
  /**
   * Tags on the certificate (on top of the provider's default tags).
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

const DNS_NAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Route53 zone ids are upper-case letters and digits (AWS's start with Z; the emulator's need not). */
export const HOSTED_ZONE_ID = /^[A-Z0-9]{1,32}$/;

/**
 * An ACM certificate validated through DNS in a Route53 zone: one validation record per name (from
 * the certificate's own validation options, so it follows renewals), and the wait for issuance.
 * `certificateArn` is the validation's: a listener using it is created only once ACM issued it.
 */
export class DnsValidatedCertificate extends Construct {
  public readonly certificate: AcmCertificate;
  public readonly validationRecords: Route53Record;
  public readonly validation: AcmCertificateValidation;
  /** ARN of the issued certificate (depends on validation). */
  public readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const errors = new PropErrors("DnsValidatedCertificate");
    const zoneName = props.hostedZone.zoneName.replace(/\.$/, "");
    const inZone = (name: string) => name === zoneName || name.endsWith(`.${zoneName}`);
    if (!Token.isUnresolved(props.hostedZone.zoneId))
      errors.pattern(
        "hostedZone.zoneId",
        props.hostedZone.zoneId,
        HOSTED_ZONE_ID,
        "use a Route53 zone id (Z...)",
      );
    errors.pattern(
      "domainName",
      props.domainName,
      DNS_NAME,
      "use a lower-case DNS name such as app.example.com",
    );
    if (!inZone(props.domainName))
      errors.fail(
        "domainName",
        `"${props.domainName}" is not in the zone ${zoneName}: its validation record could not be written there`,
      );
    const alternatives = props.subjectAlternativeNames ?? [];
    for (const [i, name] of alternatives.entries()) {
      errors.pattern(`subjectAlternativeNames[${i}]`, name, DNS_NAME, "use a lower-case DNS name");
      if (!inZone(name))
        errors.fail(`subjectAlternativeNames[${i}]`, `"${name}" is not in the zone ${zoneName}`);
    }

    this.certificate = new AcmCertificate(this, "certificate", {
      domainName: props.domainName,
      subjectAlternativeNames: alternatives.length > 0 ? [...alternatives] : undefined,
      validationMethod: "DNS",
      // A listener keeps its certificate until the replacement is issued and attached.
      lifecycle: { createBeforeDestroy: true },
      tags: props.tags,
    });
    // The validation options are a set known only after the request: iterate them in Terraform.
    const options = TerraformIterator.fromComplexList(
      this.certificate.domainValidationOptions,
      "domain_name",
    );
    this.validationRecords = new Route53Record(this, "validation-record", {
      forEach: options,
      zoneId: props.hostedZone.zoneId,
      name: options.getString("resource_record_name"),
      type: options.getString("resource_record_type"),
      records: [options.getString("resource_record_value")],
      ttl: 60,
      // A name and its wildcard share one validation record.
      allowOverwrite: true,
    });
    this.validation = new AcmCertificateValidation(this, "validation", {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: Token.asList(
        TerraformIterator.fromResources(this.validationRecords).pluckProperty("fqdn"),
      ),
    });
    this.certificateArn = this.validation.certificateArn;
  }
}
