import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";

/** Terraform variable names: also the `TF_VAR_<name>` the deploy chain sets. */
const VARIABLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export interface LocalSecretVariableProps {
  /**
   * Shown by `terraform plan` when the value is missing.
   * @default "Local secret, supplied by the deploy chain as TF_VAR_<name>."
   */
  readonly description?: string;
  /**
   * Minimum length Terraform accepts (checked by a variable validation block at plan time).
   * @default 16
   */
  readonly minLength?: number;
}

/**
 * A sensitive, required Terraform variable for a local secret (e.g. the PostgreSQL password).
 * The value comes from outside the code: the deploy chain generates it once with
 * {@link readOrCreateLocalSecret} under the git-ignored state folder and passes it as
 * `TF_VAR_<name>`. Sensitive keeps it out of plan output; it is still in the local state file,
 * which lives in the same git-ignored folder.
 * @param name Terraform variable name (`[a-z][a-z0-9_]{0,63}`), unique in its stack
 */
export function localSecretVariable(
  scope: Construct,
  name: string,
  props: LocalSecretVariableProps = {},
): TerraformVariable {
  if (!VARIABLE_NAME.test(name)) {
    throw new Error(`name must match ${VARIABLE_NAME} (it becomes TF_VAR_${name}); got "${name}"`);
  }
  const minLength = props.minLength ?? 16;
  if (!Number.isInteger(minLength) || minLength < 1 || minLength > 1024) {
    throw new Error(`minLength must be an integer from 1 to 1024; got ${minLength}`);
  }
  const variable = new TerraformVariable(scope, name, {
    type: "string",
    sensitive: true,
    nullable: false,
    description: props.description ?? `Local secret, supplied by the deploy chain as TF_VAR_${name}.`,
  });
  // Overrides the id-derived logical name so the variable is exactly `name` (TF_VAR_<name>).
  variable.overrideLogicalId(name);
  variable.addValidation({
    condition: `\${length(var.${name}) >= ${minLength}}`,
    errorMessage: `The variable ${name} must be at least ${minLength} characters long.`,
  });
  return variable;
}

export interface ReadOrCreateLocalSecretOptions {
  /**
   * Random bytes in a new secret (encoded as base64url, so 32 bytes give 43 characters).
   * @default 32
   */
  readonly bytes?: number;
}

/**
 * Returns the secret stored in `file`, creating it (random, base64url, mode 0600, parent folder
 * mode 0700) on first use. The PostgreSQL image applies the password only when it initializes an
 * empty data volume, so the value must stay stable for as long as the volume lives: generate once,
 * keep it beside the local Terraform state (git-ignored), delete it together with the volume.
 */
export function readOrCreateLocalSecret(file: string, options: ReadOrCreateLocalSecretOptions = {}): string {
  const bytes = options.bytes ?? 32;
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) {
    throw new Error(`bytes must be an integer from 16 to 1024; got ${bytes}`);
  }
  if (existsSync(file)) {
    const value = readFileSync(file, "utf8").trim();
    if (value.length === 0) {
      throw new Error(
        `secret file ${file} is empty: delete it to generate a new secret (and the data volume with it)`,
      );
    }
    return value;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const value = randomBytes(bytes).toString("base64url");
  // "wx" fails if another process created the file meanwhile; then read theirs.
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw error;
  }
  chmodSync(file, 0o600);
  return value;
}
