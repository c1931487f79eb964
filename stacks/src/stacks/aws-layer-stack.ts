import { DataAwsS3Object } from "@cdktf/provider-aws/lib/data-aws-s3-object";
import { DataAwsS3Objects } from "@cdktf/provider-aws/lib/data-aws-s3-objects";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  Aspects,
  propertyAccess,
  S3Backend,
  TerraformLocal,
  TerraformOutput,
  TerraformStack,
  Token,
} from "cdktf";
import type { Construct } from "constructs";
import { EmulatorDriftAspect } from "../aws/emulator-drift";
import { awsProviderConfig, S3_BACKEND_LOCKFILE_OVERRIDE, s3BackendConfig } from "../aws/endpoint-override";
import type { PlatformSettings } from "../settings";
import type { OutputValues } from "./stack-outputs";

export interface AwsLayerStackProps {
  /** Region the stack's resources live in. */
  readonly region: string;
  /** State object key, `<env>/<layer>.tfstate` (or `shared/registry.tfstate`). */
  readonly stateKey: string;
  readonly settings: PlatformSettings;
  /** Tags on every resource (provider `default_tags`). */
  readonly tags: Record<string, string>;
  /**
   * Accounts Terraform may run against (checked against the caller before any change). Ignored with an
   * endpoint override, where the emulator's account is fake.
   * @default undefined (no check)
   */
  readonly allowedAccountIds?: string[];
}

/**
 * A stack with the AWS provider and its own S3 state key (encrypted, S3-native lock file). With
 * `AWS_ENDPOINT_URL` set both point at the emulator; otherwise the same code targets real AWS.
 */
export class AwsLayerStack extends TerraformStack {
  public readonly stateKey: string;
  private readonly settings: PlatformSettings;
  private stateReader?: AwsProvider;

  constructor(scope: Construct, id: string, props: AwsLayerStackProps) {
    super(scope, id);
    this.stateKey = props.stateKey;
    this.settings = props.settings;
    new AwsProvider(
      this,
      "aws",
      awsProviderConfig(props.region, props.settings.target, {
        allowedAccountIds: props.allowedAccountIds,
        tags: props.tags,
      }),
    );
    new S3Backend(this, s3BackendConfig(props.settings.state, props.stateKey, props.settings.target));
    // cdktf 0.21's S3Backend has no use_lockfile prop; Terraform >= 1.10 locks with a .tflock object.
    this.addOverride(S3_BACKEND_LOCKFILE_OVERRIDE, true);
    if (props.settings.target.endpointUrl) Aspects.of(this).add(new EmulatorDriftAspect());
  }

  /**
   * Reads another stack's outputs from its state object in the state bucket. Missing state (the
   * upstream stack was never applied) or a missing output yields the `defaults`, so this stack can
   * still be planned; `apply` plans a stack again after applying its upstream stacks, so placeholders
   * never reach real resources.
   *
   * Why not `terraform_remote_state`: it fails with "Unable to find remote state" when the state object
   * does not exist, whatever its `defaults`. Here the object is listed first and read only if present.
   */
  protected readUpstream<T extends OutputValues>(
    id: string,
    stateKey: string,
    defaults: T,
  ): UpstreamOutputs<T> {
    const provider = this.stateReaderProvider();
    const bucket = this.settings.state.bucket;
    const keys = new DataAwsS3Objects(this, `${id}_state_keys`, { provider, bucket, prefix: stateKey });
    keys.overrideLogicalId(`${id}_state_keys`);
    const object = new DataAwsS3Object(this, `${id}_state`, { provider, bucket, key: stateKey });
    object.overrideLogicalId(`${id}_state`);
    // The prefix also matches `<key>.tflock` (a lock held during a first apply): test the exact key.
    object.addOverride(
      "count",
      `\${contains(data.aws_s3_objects.${id}_state_keys.keys, ${JSON.stringify(stateKey)}) ? 1 : 0}`,
    );
    const defaultsLocal = new TerraformLocal(this, `${id}_defaults`, defaults);
    defaultsLocal.overrideLogicalId(`${id}_defaults`);
    const merged = new TerraformLocal(
      this,
      `${id}_outputs`,
      `\${merge(local.${id}_defaults, { for name, output in try(jsondecode(data.aws_s3_object.${id}_state[0].body).outputs, {}) : name => output.value })}`,
    );
    merged.overrideLogicalId(`${id}_outputs`);
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(defaults)) {
      const expr = propertyAccess(merged, [name]);
      out[name] = Array.isArray(value)
        ? Token.asList(expr)
        : typeof value === "number"
          ? Token.asNumber(expr)
          : Token.asString(expr);
    }
    return out as UpstreamOutputs<T>;
  }

  /** A provider alias in the state bucket's region, which may differ from the stack's. */
  private stateReaderProvider(): AwsProvider {
    this.stateReader ??= new AwsProvider(this, "state-reader", {
      ...awsProviderConfig(this.settings.state.region, this.settings.target),
      alias: "state_reader",
    });
    return this.stateReader;
  }

  /** Declares this stack's outputs (names shared with its readers through `stack-outputs.ts`). */
  protected exportOutputs<T extends OutputValues>(
    values: { readonly [K in keyof T]: T[K] },
    sensitive: readonly (keyof T)[] = [],
  ): void {
    for (const [name, value] of Object.entries(values)) {
      new TerraformOutput(this, name, { value, sensitive: sensitive.includes(name as keyof T) });
    }
  }
}

/** Typed tokens for an upstream stack's outputs. */
export type UpstreamOutputs<T extends OutputValues> = { readonly [K in keyof T]: T[K] };
