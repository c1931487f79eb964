import { DataAwsSecretsmanagerRandomPassword } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn } from "cdktf";
import { Construct } from "constructs";

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface ServiceDatabaseCredentialsProps {
  /** Secret name prefix, e.g. `dev/sample-service/db`: the secrets are `<prefix>-migrator` and `<prefix>-app`. */
  readonly namePrefix: string;
  /** PostgreSQL role that owns the service's schema and runs its migrations. */
  readonly migratorUsername: string;
  /** PostgreSQL role the running service connects as (row privileges only). */
  readonly appUsername: string;
  /**
   * Days Secrets Manager keeps a deleted secret recoverable (7-30), or 0 to delete at once.
   * @default 0 - deleted at once, so a throw-away environment can be destroyed and recreated
   */
  readonly recoveryWindowDays?: number;
  /**
   * Length of the generated passwords.
   * @default 32
   */
  readonly passwordLength?: number;
  readonly tags?: Record<string, string>;
}

/**
 * One service's two database logins as Secrets Manager secrets (`{"username", "password"}` JSON, the
 * shape of the RDS master secret), with passwords Secrets Manager generates at the first apply.
 * Terraform never rewrites a value afterwards (`ignore_changes`), so the bootstrap step's roles keep
 * matching them; rotating means putting a new value and running the bootstrap again. The values
 * are in the (encrypted) state object, like any Terraform-generated password.
 */
export class ServiceDatabaseCredentials extends Construct {
  public readonly migratorSecret: SecretsmanagerSecret;
  public readonly appSecret: SecretsmanagerSecret;
  /** ARN of `<prefix>-migrator`: inject only into the migration (and bootstrap) task. */
  public readonly migratorSecretArn: string;
  /** ARN of `<prefix>-app`: inject into the service's tasks. */
  public readonly appSecretArn: string;
  /** The secret versions: targeted with the secrets when the foundation is applied. */
  public readonly secretVersions: readonly SecretsmanagerSecretVersion[];

  constructor(scope: Construct, id: string, props: ServiceDatabaseCredentialsProps) {
    super(scope, id);
    const recoveryWindowDays = props.recoveryWindowDays ?? 0;
    const passwordLength = props.passwordLength ?? 32;
    for (const [prop, value] of [
      ["migratorUsername", props.migratorUsername],
      ["appUsername", props.appUsername],
    ] as const) {
      if (!ROLE_NAME.test(value)) {
        throw new Error(`${prop} must be a lower-case PostgreSQL identifier (a-z, 0-9, _); got "${value}"`);
      }
    }
    if (props.migratorUsername === props.appUsername) {
      throw new Error(`migratorUsername and appUsername must differ; both are "${props.appUsername}"`);
    }
    if (recoveryWindowDays !== 0 && (recoveryWindowDays < 7 || recoveryWindowDays > 30)) {
      throw new Error(`recoveryWindowDays must be 0 or 7..30; got ${recoveryWindowDays}`);
    }
    if (!Number.isInteger(passwordLength) || passwordLength < 20 || passwordLength > 128) {
      throw new Error(`passwordLength must be an integer in 20..128; got ${passwordLength}`);
    }

    const login = (kind: "migrator" | "app", username: string) => {
      const secret = new SecretsmanagerSecret(this, `${kind}-secret`, {
        name: `${props.namePrefix}-${kind}`,
        description: `PostgreSQL login ${username} (${kind === "app" ? "rows only" : "owns the schema"})`,
        recoveryWindowInDays: recoveryWindowDays,
        tags: props.tags,
      });
      // Punctuation excluded: the value travels through libpq variables and psql without quoting issues.
      const generated = new DataAwsSecretsmanagerRandomPassword(this, `${kind}-password`, {
        passwordLength,
        excludePunctuation: true,
      });
      const version = new SecretsmanagerSecretVersion(this, `${kind}-value`, {
        secretId: secret.id,
        secretString: Fn.jsonencode({ username, password: generated.randomPassword }),
        lifecycle: { ignoreChanges: ["secret_string"] },
      });
      return { secret, version };
    };
    const migrator = login("migrator", props.migratorUsername);
    const app = login("app", props.appUsername);
    this.migratorSecret = migrator.secret;
    this.appSecret = app.secret;
    this.migratorSecretArn = migrator.secret.arn;
    this.appSecretArn = app.secret.arn;
    this.secretVersions = [migrator.version, app.version];
  }
}
