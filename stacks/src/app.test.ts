import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadServiceDefinitions } from "@platform/env-config";
import { App, Testing } from "cdktf";
import { DIGEST_A, resourcesOf, synthEnv, type TfJson } from "./__tests__/synth";
import { defineAwsStacks, defineEnvironmentStacks } from "./app";
import { AWS_SERVICES_USED, serviceOfResourceType } from "./aws/endpoint-override";
import { ENVIRONMENT_NAMES, loadEnvironmentConfig, loadSharedConfig } from "./config";
import { settingsFromEnv } from "./settings";
import { ServiceStack } from "./stacks/service-stack";

/** A Terraform interpolation string, `${expr}`. */
const tf = (expr: string) => `\${${expr}}`;
const AWS_ENVS = ["dev", "staging", "prod"] as const;
const EMULATOR = { AWS_ENDPOINT_URL: "http://127.0.0.1:4566" };
/** The stacks of the repository's two services in dev. */
const WEB = "service-sample-service-dev";
const WORKER = "service-post-worker-dev";

function s3Backend(json: TfJson) {
  return json.terraform.backend.s3;
}

describe("environments", () => {
  it.each(ENVIRONMENT_NAMES)("%s synthesizes", (env) => {
    const { json } = synthEnv(env);
    expect(Object.keys(json).length).toBeGreaterThan(0);
    for (const stack of Object.values(json))
      expect(Object.keys(stack.resource ?? {}).length).toBeGreaterThan(0);
  });

  it("defines the AWS layers per environment, the registry shared, and one stack per service", () => {
    expect(Object.keys(synthEnv("dev").json)).toEqual([
      "bootstrap",
      "registry",
      "network-dev",
      "database-dev",
      "platform-dev",
      "service-post-worker-dev",
      "service-sample-service-dev",
    ]);
    expect(Object.keys(synthEnv("prod").json)).toEqual([
      "bootstrap",
      "registry",
      "network-prod",
      "database-prod",
      "platform-prod",
      "service-post-worker-prod",
      "service-sample-service-prod",
    ]);
  });

  it("records the dependency order: database and platform after network, each service after all layers", () => {
    const { defined } = synthEnv("dev");
    const deps = Object.fromEntries(
      defined.stacks.map((s) => [s.node.id, s.dependencies.map((d) => d.node.id)]),
    );
    expect(deps["database-dev"]).toEqual(["network-dev"]);
    expect(deps["platform-dev"]).toEqual(["network-dev"]);
    for (const service of [WEB, WORKER])
      expect(deps[service]).toEqual(["registry", "network-dev", "platform-dev", "database-dev"]);
  });
});

describe("remote state", () => {
  const all = AWS_ENVS.flatMap((env) =>
    Object.entries(synthEnv(env).json)
      .filter(([name]) => name !== "bootstrap")
      .map(([name, json]) => ({ env, name, backend: s3Backend(json) })),
  );

  it("uses key <env>/<layer>.tfstate, and shared/registry.tfstate for the registry", () => {
    const keys = Object.fromEntries(all.filter((s) => s.env === "dev").map((s) => [s.name, s.backend.key]));
    expect(keys).toEqual({
      registry: "shared/registry.tfstate",
      "network-dev": "dev/network.tfstate",
      "database-dev": "dev/database.tfstate",
      "platform-dev": "dev/platform.tfstate",
      [WEB]: "dev/service-sample-service.tfstate",
      [WORKER]: "dev/service-post-worker.tfstate",
    });
  });

  it("gives every per-environment stack a distinct key", () => {
    const perEnv = all.filter((s) => s.name !== "registry").map((s) => s.backend.key);
    expect(new Set(perEnv).size).toBe(perEnv.length);
  });

  it("encrypts every state object and locks with an S3 lock file", () => {
    for (const s of all) {
      expect(s.backend).toEqual(
        expect.objectContaining({ encrypt: true, use_lockfile: true, bucket: "fargate-platform-tfstate" }),
      );
    }
  });

  it("keeps the bootstrap stack on local state under the git-ignored state folder", () => {
    const { json } = synthEnv("dev");
    expect(json.bootstrap.terraform.backend).toEqual({
      local: { path: "/tmp/platform-test-state/bootstrap/terraform.tfstate" },
    });
  });

  it("takes the bucket from PLATFORM_STATE_BUCKET when set", () => {
    const { json } = synthEnv("dev", { PLATFORM_STATE_BUCKET: "acme-tfstate" });
    expect(s3Backend(json["network-dev"]).bucket).toBe("acme-tfstate");
  });

  it("reads upstream outputs from the state object only when it exists, with placeholders otherwise", () => {
    const { json } = synthEnv("dev");
    const db = json["database-dev"];
    expect(db.data.aws_s3_object.network_state).toEqual(
      expect.objectContaining({
        bucket: "fargate-platform-tfstate",
        key: "dev/network.tfstate",
        count: tf('contains(data.aws_s3_objects.network_state_keys.keys, "dev/network.tfstate") ? 1 : 0'),
      }),
    );
    expect(db.locals.network_defaults.vpc_id).toBe("vpc-placeholder");
    expect(db.locals.network_outputs).toMatch(
      /merge\(local\.network_defaults, .*data\.aws_s3_object\.network_state\[0\]\.body/,
    );
    expect(resourcesOf(db, "aws_db_subnet_group")[0].subnet_ids).toBe(
      tf("local.network_outputs.private_subnet_ids"),
    );
  });
});

describe("endpoint override", () => {
  it("targets real AWS when AWS_ENDPOINT_URL is unset: no endpoints, no skip flags, no static keys", () => {
    const { json } = synthEnv("dev");
    const provider = json[WEB].provider.aws[0];
    expect(provider.endpoints).toBeUndefined();
    expect(provider.skip_credentials_validation).toBeUndefined();
    expect(provider.access_key).toBeUndefined();
    expect(s3Backend(json[WEB]).endpoints).toBeUndefined();
  });

  it("points provider and backend at the emulator when AWS_ENDPOINT_URL is set", () => {
    const { json } = synthEnv("dev", EMULATOR);
    const provider = json[WEB].provider.aws[0];
    expect(provider).toEqual(
      expect.objectContaining({
        s3_use_path_style: true,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: "true",
        access_key: "test",
        secret_key: "test",
      }),
    );
    for (const service of AWS_SERVICES_USED)
      expect(provider.endpoints[0][service]).toBe("http://127.0.0.1:4566");
    expect(s3Backend(json[WEB])).toEqual(
      expect.objectContaining({
        endpoints: {
          s3: EMULATOR.AWS_ENDPOINT_URL,
          sts: EMULATOR.AWS_ENDPOINT_URL,
          iam: EMULATOR.AWS_ENDPOINT_URL,
          dynamodb: EMULATOR.AWS_ENDPOINT_URL,
        },
        use_path_style: true,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
      }),
    );
  });

  it("ignores moto's known drift only against the emulator", () => {
    const emulated = synthEnv("dev", EMULATOR).json;
    const real = synthEnv("dev").json;
    const paramGroup = (j: Record<string, TfJson>) =>
      resourcesOf(j["database-dev"], "aws_db_parameter_group")[0].lifecycle;
    expect(paramGroup(emulated)).toEqual({ create_before_destroy: true, ignore_changes: ["parameter"] });
    expect(paramGroup(real)).toEqual({ create_before_destroy: true });
    expect(resourcesOf(emulated[WEB], "aws_ecs_service")[0].lifecycle.ignore_changes).toEqual([
      "availability_zone_rebalancing",
      "desired_count",
      "enable_ecs_managed_tags",
      "health_check_grace_period_seconds",
      "alarms",
      "enable_execute_command",
    ]);
    expect(resourcesOf(real[WEB], "aws_ecs_service")[0].lifecycle.ignore_changes).toEqual([
      "availability_zone_rebalancing",
      "desired_count",
    ]);
  });

  it("uses the caller's credentials when the environment has them", () => {
    const { json } = synthEnv("dev", { ...EMULATOR, AWS_ACCESS_KEY_ID: "AKIA" });
    expect(json[WEB].provider.aws[0].access_key).toBeUndefined();
  });

  it("rejects an endpoint that is not a URL, naming the variable", () => {
    expect(() => synthEnv("dev", { AWS_ENDPOINT_URL: "localhost 4566" })).toThrow(
      /AWS_ENDPOINT_URL must be a URL/,
    );
  });

  it("has an endpoint for every AWS resource and data source type the stacks use", () => {
    const { json } = synthEnv("prod", EMULATOR);
    const types = new Set<string>();
    for (const stack of Object.values(json)) {
      for (const t of Object.keys(stack.resource ?? {})) types.add(t);
      for (const t of Object.keys(stack.data ?? {})) types.add(t);
    }
    const unmapped = [...types].filter((t) => t.startsWith("aws_") && !serviceOfResourceType(t));
    expect(unmapped).toEqual([]);
  });
});

describe("bootstrap stack", () => {
  const { json } = synthEnv("dev");
  const b = json.bootstrap;

  it("creates the state bucket protected from destroy", () => {
    const bucket = resourcesOf(b, "aws_s3_bucket")[0];
    expect(bucket.bucket).toBe("fargate-platform-tfstate");
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("versions and encrypts the bucket", () => {
    expect(resourcesOf(b, "aws_s3_bucket_versioning")[0].versioning_configuration).toEqual({
      status: "Enabled",
    });
    expect(resourcesOf(b, "aws_s3_bucket_server_side_encryption_configuration")[0].rule[0]).toEqual(
      expect.objectContaining({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }),
    );
  });

  it("blocks all public access", () => {
    expect(resourcesOf(b, "aws_s3_bucket_public_access_block")[0]).toEqual(
      expect.objectContaining({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    );
  });

  it("denies every request not made over TLS", () => {
    const policy = JSON.parse(resourcesOf(b, "aws_s3_bucket_policy")[0].policy);
    expect(policy.Statement[0]).toEqual(
      expect.objectContaining({
        Effect: "Deny",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });

  it("leaves the TLS-only policy out for a plain-http emulator, which would enforce it against itself", () => {
    const emulated = synthEnv("dev", EMULATOR).json.bootstrap;
    expect(resourcesOf(emulated, "aws_s3_bucket_policy")).toEqual([]);
    expect(emulated.terraform.backend.local.path).toBe("/tmp/platform-test-state/bootstrap/emulator.tfstate");
  });
});

describe("registry stack", () => {
  const { json } = synthEnv("dev");

  it("holds one repository per service, named after it, with outputs named per service", () => {
    expect(resourcesOf(json.registry, "aws_ecr_repository").map((r) => r.name)).toEqual([
      "post-worker",
      "sample-service",
    ]);
    expect(Object.keys(json.registry.output)).toEqual(
      expect.arrayContaining(["sample_service_repository_url", "post_worker_repository_url"]),
    );
  });
});

describe("network stack", () => {
  it("records the VPC's traffic in flow logs kept as long as the environment's service logs", () => {
    for (const env of AWS_ENVS) {
      const { json } = synthEnv(env);
      const network = json[`network-${env}`];
      expect(resourcesOf(network, "aws_flow_log")).toEqual([
        expect.objectContaining({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" }),
      ]);
      const retention = resourcesOf(json[`service-sample-service-${env}`], "aws_cloudwatch_log_group")[0]
        .retention_in_days;
      expect(resourcesOf(network, "aws_cloudwatch_log_group")).toEqual([
        expect.objectContaining({ name: `/vpc/${env}/flow-logs`, retention_in_days: retention }),
      ]);
    }
  });
});

describe("platform stack", () => {
  const { json } = synthEnv("dev");
  const platform = json["platform-dev"];

  it("holds the environment's one cluster and one load balancer; no service stack creates either", () => {
    expect(resourcesOf(platform, "aws_ecs_cluster").map((c) => c.name)).toEqual(["dev"]);
    expect(resourcesOf(platform, "aws_lb").map((l) => l.name)).toEqual(["dev"]);
    for (const service of [WEB, WORKER]) {
      expect(resourcesOf(json[service], "aws_ecs_cluster")).toEqual([]);
      expect(resourcesOf(json[service], "aws_lb")).toEqual([]);
    }
  });

  it("holds the environment's alarm topic, encrypted; every service alarm of prod notifies it", () => {
    expect(resourcesOf(platform, "aws_sns_topic")).toEqual([
      expect.objectContaining({ name: "dev-alarms", kms_master_key_id: "alias/aws/sns" }),
    ]);
    const prod = synthEnv("prod").json;
    const topicOutput = tf("local.platform_outputs.alarm_topic_arn");
    const web = resourcesOf(prod["service-sample-service-prod"], "aws_cloudwatch_metric_alarm");
    expect(web.map((a) => a.alarm_name).sort()).toEqual([
      "prod-sample-service-cpu",
      "prod-sample-service-elb-5xx",
      "prod-sample-service-memory",
      "prod-sample-service-p95-response-time",
      "prod-sample-service-target-5xx",
      "prod-sample-service-unhealthy-hosts",
    ]);
    for (const alarm of web) expect(alarm.alarm_actions).toEqual([topicOutput]);
    expect(resourcesOf(prod["service-sample-service-prod"], "aws_ecs_service")[0].alarms).toEqual({
      alarm_names: ["prod-sample-service-target-5xx", "prod-sample-service-unhealthy-hosts"],
      enable: true,
      rollback: true,
    });
    const worker = resourcesOf(prod["service-post-worker-prod"], "aws_cloudwatch_metric_alarm");
    expect(worker.map((a) => a.alarm_name).sort()).toEqual([
      "prod-post-worker-cpu",
      "prod-post-worker-memory",
    ]);
  });

  it("records every cluster's ECS Exec sessions, encrypted with its own key, and exports both", () => {
    for (const env of AWS_ENVS) {
      const stack = env === "dev" ? platform : synthEnv(env).json[`platform-${env}`];
      const [group] = resourcesOf(stack, "aws_cloudwatch_log_group");
      expect(group).toMatchObject({ name: `/ecs/${env}/exec-sessions` });
      expect(resourcesOf(stack, "aws_kms_key")).toEqual([
        expect.objectContaining({ enable_key_rotation: true }),
      ]);
      expect(resourcesOf(stack, "aws_ecs_cluster")[0].configuration).toEqual({
        execute_command_configuration: {
          kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[^}]+\.arn\}$/),
          logging: "OVERRIDE",
          log_configuration: {
            cloud_watch_log_group_name: expect.stringMatching(
              /^\$\{aws_cloudwatch_log_group\.[^}]+\.name\}$/,
            ),
            cloud_watch_encryption_enabled: true,
          },
        },
      });
      expect(stack.output.exec_session_kms_key_arn.value).toMatch(/^\$\{aws_kms_key\.[^}]+\.arn\}$/);
      expect(stack.output.exec_session_log_group_arn.value).toMatch(
        /^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}$/,
      );
    }
  });

  it("keeps session logs at least 365 days: dev's 7-day logRetentionDays does not apply to them", () => {
    expect(resourcesOf(platform, "aws_cloudwatch_log_group")[0].retention_in_days).toBe(365);
  });

  it("answers 404 on the listener until a service's rule matches", () => {
    expect(resourcesOf(platform, "aws_lb_listener")[0].default_action[0]).toEqual(
      expect.objectContaining({ type: "fixed-response" }),
    );
  });

  it("has no load balancer when no service is web", () => {
    const shared = loadSharedConfig();
    const settings = settingsFromEnv(shared, { PLATFORM_LOCAL_STATE_DIR: "/tmp/platform-test-state" });
    const workers = loadServiceDefinitions(settings.repoRoot).filter((s) => s.type === "worker");
    const dev = loadEnvironmentConfig("dev");
    if (dev.kind !== "aws") throw new Error("dev must be an AWS environment");
    const image = { digest: DIGEST_A, source: "test", placeholder: false };
    const stacks = defineAwsStacks(
      new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "stacks-test-")) }),
      dev,
      shared,
      settings,
      workers.map((definition) => ({ definition, image })),
    );
    const platformOnly = stacks.find((s) => s.node.id === "platform-dev");
    if (!platformOnly) throw new Error("no platform stack");
    const synthesized = JSON.parse(Testing.synth(platformOnly));
    expect(resourcesOf(synthesized, "aws_lb")).toEqual([]);
    expect(resourcesOf(synthesized, "aws_ecs_cluster")).toHaveLength(1);
  });
});

describe("service stacks", () => {
  const { json } = synthEnv("dev");
  const svc = json[WEB];
  const worker = json[WORKER];

  it("deploys each service's image by digest from its own repository", () => {
    expect(svc.output.image.value).toContain(
      `\${local.registry_outputs.sample_service_repository_url}@${DIGEST_A}`,
    );
    expect(worker.output.image.value).toContain(
      `\${local.registry_outputs.post_worker_repository_url}@${DIGEST_A}`,
    );
  });

  it("runs every service in the platform's cluster", () => {
    for (const stack of [svc, worker])
      expect(resourcesOf(stack, "aws_ecs_service")[0].cluster).toBe(tf("local.platform_outputs.cluster_arn"));
  });

  it("gives the web service a listener rule and target group on the shared load balancer", () => {
    const rule = resourcesOf(svc, "aws_lb_listener_rule")[0];
    expect(rule.listener_arn).toBe(tf("local.platform_outputs.listener_arn"));
    expect(rule.priority).toBe(1000);
    expect(rule.condition).toEqual([{ path_pattern: { values: ["/*"] } }]);
    expect(resourcesOf(svc, "aws_lb_target_group")).toHaveLength(1);
  });

  it("gives the worker no load balancer, no port and a security group that admits nothing", () => {
    expect(resourcesOf(worker, "aws_lb_listener_rule")).toEqual([]);
    expect(resourcesOf(worker, "aws_lb_target_group")).toEqual([]);
    expect(resourcesOf(worker, "aws_ecs_service")[0].load_balancer).toBeUndefined();
    const admitted = resourcesOf(worker, "aws_vpc_security_group_ingress_rule").filter(
      (r) => r.security_group_id !== tf("local.database_outputs.db_security_group_id"),
    );
    expect(admitted).toEqual([]);
    const container = JSON.parse(resourcesOf(worker, "aws_ecs_task_definition")[0].container_definitions)[0];
    expect(container.portMappings ?? []).toEqual([]);
    expect(worker.output.service_url.value).toBe("");
  });

  it("admits the service and migration tasks into the database security group", () => {
    const rules = resourcesOf(svc, "aws_vpc_security_group_ingress_rule").filter(
      (r) => r.security_group_id === tf("local.database_outputs.db_security_group_id"),
    );
    expect(rules).toHaveLength(2);
    for (const r of rules)
      expect(r).toEqual(expect.objectContaining({ from_port: 5432, to_port: 5432, ip_protocol: "tcp" }));
  });

  const containerOf = (stack: TfJson, family: string) => {
    const task = resourcesOf(stack, "aws_ecs_task_definition").find((t) => t.family === family);
    return JSON.parse(String(task?.container_definitions))[0];
  };
  const login = (owner: string, kind: string, key: string) =>
    `${tf(`local.database_outputs.${owner}_db_${kind}_secret_arn`)}:${key}::`;

  it("runs the service as its row-only login and the migration as its migrator, never as plain environment", () => {
    const service = containerOf(svc, "dev-sample-service");
    expect(service.environment.map((e: { name: string }) => e.name)).not.toContain("PGPASSWORD");
    expect(service.secrets).toEqual([
      { name: "PGPASSWORD", valueFrom: login("sample_service", "app", "password") },
      { name: "PGUSER", valueFrom: login("sample_service", "app", "username") },
    ]);
    expect(containerOf(svc, "dev-sample-service-migrate").secrets).toEqual([
      { name: "PGPASSWORD", valueFrom: login("sample_service", "migrator", "password") },
      { name: "PGUSER", valueFrom: login("sample_service", "migrator", "username") },
    ]);
  });

  it("gives the worker its schema owner's row-only login and no migration or bootstrap login", () => {
    const worker = synthEnv("dev").json[WORKER];
    const secrets = JSON.stringify(
      resourcesOf(worker, "aws_ecs_task_definition").map((t) => t.container_definitions),
    );
    expect(containerOf(worker, "dev-post-worker").secrets).toEqual([
      { name: "PGPASSWORD", valueFrom: login("sample_service", "app", "password") },
      { name: "PGUSER", valueFrom: login("sample_service", "app", "username") },
    ]);
    expect(secrets).not.toContain("db_secret_arn");
    expect(secrets).not.toContain("migrator");
    expect(worker.output.db_bootstrap_task_definition_arn.value).toBe("");
  });

  it("injects the RDS admin login only into the one-off bootstrap task, which runs the roles script", () => {
    const withAdmin = resourcesOf(svc, "aws_ecs_task_definition").filter((t) =>
      String(t.container_definitions).includes("local.database_outputs.db_secret_arn"),
    );
    expect(withAdmin.map((t) => t.family)).toEqual(["dev-sample-service-db-bootstrap"]);
    const bootstrap = containerOf(svc, "dev-sample-service-db-bootstrap");
    expect(bootstrap.secrets.map((x: { name: string }) => x.name)).toEqual([
      "PGPASSWORD",
      "PGUSER",
      "PLATFORM_APP_PASSWORD",
      "PLATFORM_MIGRATOR_PASSWORD",
    ]);
    expect(bootstrap.image).toMatch(/^public\.ecr\.aws\/docker\/library\/postgres@sha256:[0-9a-f]{64}$/);
    const script = bootstrap.environment.find((e: { name: string }) => e.name === "PLATFORM_BOOTSTRAP_SQL");
    expect(script.value).toContain(
      "CREATE SCHEMA IF NOT EXISTS sample_service AUTHORIZATION sample_service_migrator;",
    );
  });

  it("keeps one pair of logins per schema owner in the database stack, none for a service sharing one", () => {
    const database = synthEnv("dev").json["database-dev"];
    expect(
      resourcesOf(database, "aws_secretsmanager_secret")
        .map((x) => x.name)
        .sort(),
    ).toEqual(["dev/sample-service/db-app", "dev/sample-service/db-migrator"]);
    expect(Object.keys(database.output)).toEqual(
      expect.arrayContaining(["sample_service_db_app_secret_arn", "sample_service_db_migrator_secret_arn"]),
    );
  });

  it("lets each execution role read only its own task's secrets", () => {
    const policies = resourcesOf(svc, "aws_iam_role_policy").map((p) => JSON.parse(String(p.policy)));
    const readable = policies.map((p) =>
      p.Statement.filter((st: { Sid: string }) => st.Sid === "ReadSecrets").flatMap(
        (st: { Resource: string[] }) => st.Resource,
      ),
    );
    expect(readable).toContainEqual([
      tf("local.database_outputs.sample_service_db_app_secret_arn"),
      tf("local.database_outputs.sample_service_db_migrator_secret_arn"),
    ]);
    const admin = readable.filter((r) => r.includes(tf("local.database_outputs.db_secret_arn")));
    expect(admin).toHaveLength(1);
  });

  it("exports what the migrate step needs under stable names", () => {
    expect(Object.keys(svc.output)).toEqual(
      expect.arrayContaining([
        "cluster_arn",
        "migration_task_family",
        "migration_container_name",
        "migration_subnet_ids",
        "migration_security_group_ids",
        "log_group_name",
        "service_url",
      ]),
    );
  });

  it("names what apply --foundation targets: the migration task family and its network access", () => {
    const stack = synthEnv("dev").defined.stacks.find((s) => s.node.id === WEB) as ServiceStack;
    expect(stack.foundationResources.map((r) => r.terraformResourceType)).toEqual([
      "aws_ecs_task_definition",
      "aws_iam_role_policy",
      "aws_ecs_task_definition",
      "aws_security_group",
      "aws_cloudwatch_log_group",
      "aws_vpc_security_group_ingress_rule",
      "aws_vpc_security_group_ingress_rule",
    ]);
    expect(stack.foundationResources[2]).toBe(stack.service.migrationTaskDefinition);
    // A targeted apply writes only outputs that reference targeted resources: none may be a literal.
    const outputs = synthEnv("dev").json[WEB].output;
    for (const name of [
      "migration_task_definition_arn",
      "migration_container_name",
      "db_bootstrap_task_definition_arn",
      "db_bootstrap_container_name",
    ]) {
      expect(String(outputs[name].value)).toMatch(/aws_ecs_task_definition\./);
    }
  });

  it("exec enabled (dev): the service accepts ECS Exec with the platform's session key and log group", () => {
    for (const stack of [svc, worker]) {
      expect(resourcesOf(stack, "aws_ecs_service")[0].enable_execute_command).toBe(true);
      const policy = resourcesOf(stack, "aws_iam_role_policy").find((p) => p.name === "execute-command");
      const statements: Array<{ Action: string[]; Resource: string }> = JSON.parse(policy?.policy).Statement;
      expect(statements.find((st) => st.Action.includes("kms:Decrypt"))?.Resource).toBe(
        tf("local.platform_outputs.exec_session_kms_key_arn"),
      );
      expect(statements.find((st) => st.Action.includes("logs:PutLogEvents"))?.Resource).toBe(
        `${tf("local.platform_outputs.exec_session_log_group_arn")}:log-stream:*`,
      );
      expect(stack.output.execute_command.value).toBe("enabled");
    }
  });

  it("exec enabled: the agent's paths are writable volumes of the read-only service container only", () => {
    expect(
      containerOf(svc, "dev-sample-service").mountPoints.map(
        (m: { containerPath: string }) => m.containerPath,
      ),
    ).toEqual(["/tmp", "/var/lib/amazon", "/var/log/amazon"]);
    expect(containerOf(svc, "dev-sample-service-migrate").mountPoints).toHaveLength(1);
  });

  it("exec disabled (prod): no ExecuteCommand, no execute-command policy, output says disabled", () => {
    const prod = synthEnv("prod").json["service-sample-service-prod"];
    expect(resourcesOf(prod, "aws_ecs_service")[0]).not.toHaveProperty("enable_execute_command");
    expect(resourcesOf(prod, "aws_iam_role_policy").map((p) => p.name)).not.toContain("execute-command");
    expect(prod.output.execute_command.value).toBe("disabled");
  });

  it("ignores moto's availability_zone_rebalancing drift on the ECS service", () => {
    expect(resourcesOf(svc, "aws_ecs_service")[0].lifecycle.ignore_changes).toContain(
      "availability_zone_rebalancing",
    );
  });

  it("uses a placeholder digest when nothing was pushed", () => {
    // A repository with the services but no deploy records.
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "no-records-"));
    const root = path.join(__dirname, "..", "..");
    for (const dir of fs.readdirSync(path.join(root, "apps"))) {
      const file = path.join(root, "apps", dir, "service.json");
      if (!fs.existsSync(file)) continue;
      fs.mkdirSync(path.join(repo, "apps", dir), { recursive: true });
      fs.copyFileSync(file, path.join(repo, "apps", dir, "service.json"));
    }
    const { json: placeholder } = synthEnv("dev", {
      PLATFORM_IMAGE_DIGEST_SAMPLE_SERVICE: "",
      PLATFORM_REPO_ROOT: repo,
    });
    fs.rmSync(repo, { recursive: true, force: true });
    expect(placeholder[WEB].output.image.value).toContain(`@sha256:${"0".repeat(64)}`);
    // The worker's variable is still set by synthEnv: each service has its own input.
    expect(placeholder[WORKER].output.image.value).toContain(`@${DIGEST_A}`);
  });
});

/** Replaces every occurrence of environment-specific strings so two environments' JSON can be compared. */
function normalize(value: unknown, env: string): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll(env, "ENV"));
}

describe("prod differs from dev only by config", () => {
  const dev = synthEnv("dev").json;
  const prod = synthEnv("prod").json;

  it("has the same resource types in every layer, plus the load balancer's access-log bucket (config)", () => {
    for (const layer of ["network", "database", "service-sample-service", "service-post-worker"]) {
      expect(Object.keys(prod[`${layer}-prod`].resource).sort()).toEqual(
        Object.keys(dev[`${layer}-dev`].resource).sort(),
      );
    }
    const extra = Object.keys(prod["platform-prod"].resource).filter(
      (t) => !(t in dev["platform-dev"].resource),
    );
    expect(extra.sort()).toEqual([
      "aws_acm_certificate",
      "aws_acm_certificate_validation",
      "aws_route53_record",
      "aws_s3_bucket",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
    ]);
  });

  it("protects the prod load balancer from deletion and logs its requests; dev neither", () => {
    const prodLb = resourcesOf(prod["platform-prod"], "aws_lb")[0];
    expect(prodLb).toMatchObject({ enable_deletion_protection: true, drop_invalid_header_fields: true });
    expect(prodLb.access_logs).toMatchObject({ prefix: "prod", enabled: true });
    expect(
      resourcesOf(prod["platform-prod"], "aws_s3_bucket_lifecycle_configuration")[0].rule[0].expiration,
    ).toEqual([{ days: 90 }]);
    const devLb = resourcesOf(dev["platform-dev"], "aws_lb")[0];
    expect(devLb.enable_deletion_protection).toBe(false);
    expect(devLb.access_logs).toBeUndefined();
  });

  it("serves prod over HTTPS by name: a DNS-validated certificate, a 443 listener, 80 only redirecting", () => {
    const platform = prod["platform-prod"];
    expect(platform.data.aws_route53_zone).toEqual({
      zone: expect.objectContaining({ name: "example.com", private_zone: false }),
    });
    expect(resourcesOf(platform, "aws_acm_certificate")).toEqual([
      expect.objectContaining({ domain_name: "app.example.com", validation_method: "DNS" }),
    ]);
    const records = resourcesOf(platform, "aws_route53_record");
    expect(records.map((r) => r.type ?? "")).toEqual(["A", tf("each.value.resource_record_type")]);
    expect(records[0]).toMatchObject({ name: "app.example.com", alias: { evaluate_target_health: true } });
    const listeners = resourcesOf(platform, "aws_lb_listener");
    const https = listeners.find((l) => l.port === 443);
    const http = listeners.find((l) => l.port === 80);
    expect(listeners).toHaveLength(2);
    expect(https).toMatchObject({ protocol: "HTTPS", ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
    expect(https?.certificate_arn).toMatch(/aws_acm_certificate_validation\.\S+\.certificate_arn/);
    expect(http?.default_action).toEqual([
      expect.objectContaining({
        type: "redirect",
        redirect: expect.objectContaining({ port: "443", protocol: "HTTPS", status_code: "HTTP_301" }),
      }),
    ]);
    expect(resourcesOf(dev["platform-dev"], "aws_lb_listener").map((l) => l.port)).toEqual([80]);
  });

  it("takes the hosted zone by id when the config names it, with no lookup", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "stacks-test-")) });
    const staging = loadEnvironmentConfig("staging");
    if (staging.kind !== "aws") throw new Error("staging must be an AWS environment");
    const shared = loadSharedConfig();
    const settings = settingsFromEnv(shared, { PLATFORM_LOCAL_STATE_DIR: "/tmp/platform-test-state" });
    const image = { digest: DIGEST_A, source: "test", placeholder: false };
    const stacks = defineAwsStacks(
      app,
      { ...staging, dns: { zoneName: "staging.example.com", hostedZoneId: "Z0ABC" } },
      shared,
      settings,
      loadServiceDefinitions(settings.repoRoot).map((definition) => ({ definition, image })),
    );
    const platform = JSON.parse(
      Testing.synth(stacks.find((x) => x.node.id === "platform-staging") as never),
    ) as TfJson;
    expect(platform.data?.aws_route53_zone).toBeUndefined();
    expect(resourcesOf(platform, "aws_route53_record").map((r) => r.zone_id)).toEqual(["Z0ABC", "Z0ABC"]);
  });

  it("runs a NAT gateway per AZ in prod (3) and a single one in dev", () => {
    expect(resourcesOf(dev["network-dev"], "aws_nat_gateway")).toHaveLength(1);
    expect(resourcesOf(prod["network-prod"], "aws_nat_gateway")).toHaveLength(3);
  });

  it("makes the prod database Multi-AZ, deletion-protected, with a final snapshot", () => {
    const devDb = resourcesOf(dev["database-dev"], "aws_db_instance")[0];
    const prodDb = resourcesOf(prod["database-prod"], "aws_db_instance")[0];
    expect(devDb).toEqual(
      expect.objectContaining({ multi_az: false, deletion_protection: false, skip_final_snapshot: true }),
    );
    expect(prodDb).toEqual(
      expect.objectContaining({ multi_az: true, deletion_protection: true, skip_final_snapshot: false }),
    );
    expect(prodDb.instance_class).toBe("db.m6g.large");
  });

  it("synthesizes the same from prod's config under another name: nothing branches on the name", () => {
    // If a stack tested `env === "prod"`, renaming prod's config would change more than the names.
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "stacks-test-")) });
    const prodConfig = loadEnvironmentConfig("prod");
    if (prodConfig.kind !== "aws") throw new Error("prod must be an AWS environment");
    const shared = loadSharedConfig();
    const settings = settingsFromEnv(shared, { PLATFORM_LOCAL_STATE_DIR: "/tmp/platform-test-state" });
    const image = { digest: DIGEST_A, source: "test", placeholder: false };
    const renamed = defineAwsStacks(
      app,
      { ...prodConfig, name: "qa" },
      shared,
      settings,
      // Per-environment sizes in service.json are keyed by name: they follow the rename too.
      loadServiceDefinitions(settings.repoRoot).map((definition) => ({
        definition: {
          ...definition,
          environments: Object.fromEntries(
            Object.entries(definition.environments).map(([env, size]) => [env === "prod" ? "qa" : env, size]),
          ),
        },
        image,
      })),
    );
    for (const stack of renamed.filter((s) => s.node.id.endsWith("-qa"))) {
      const layer = stack.node.id.replace(/-qa$/, "");
      // The config's own tags still say "platform-prod": normalize both names on this side.
      expect(normalize(normalize(JSON.parse(Testing.synth(stack)), "qa"), "prod")).toEqual(
        normalize(prod[`${layer}-prod`], "prod"),
      );
    }
  });

  it("sizes tasks from config", () => {
    const devTask = resourcesOf(dev[WEB], "aws_ecs_task_definition").find(
      (t) => t.family === "dev-sample-service",
    );
    const prodTask = resourcesOf(prod["service-sample-service-prod"], "aws_ecs_task_definition").find(
      (t) => t.family === "prod-sample-service",
    );
    expect([devTask?.cpu, devTask?.memory]).toEqual(["256", "512"]);
    expect([prodTask?.cpu, prodTask?.memory]).toEqual(["1024", "2048"]);
  });
});

describe("local environment", () => {
  const { json } = synthEnv("local");
  const web = json["local-sample-service"];
  const worker = json["local-post-worker"];

  it("keeps the data volume in its own stack, protected from destroy, and one stack per service", () => {
    expect(Object.keys(json)).toEqual(["local-data", "local", "local-post-worker", "local-sample-service"]);
    expect(resourcesOf(json["local-data"], "docker_volume")[0].lifecycle).toEqual({ prevent_destroy: true });
    expect(resourcesOf(json.local, "docker_volume")).toEqual([]);
  });

  it("lets the volume go only when destroy asks for the data too", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "stacks-test-")) });
    const defined = defineEnvironmentStacks(app, {
      env: "local",
      allowDataDestroy: true,
      environ: { PLATFORM_IMAGE_DIGEST_SAMPLE_SERVICE: DIGEST_A, PLATFORM_PROXY_IMAGE_DIGEST: DIGEST_A },
    });
    const data = JSON.parse(Testing.synth(defined.stacks[0]));
    expect(resourcesOf(data, "docker_volume")[0].lifecycle).toEqual({ prevent_destroy: false });
  });

  it("stores state locally under the git-ignored state folder", () => {
    for (const stack of ["local", "local-data", "local-sample-service"]) {
      expect(json[stack].terraform.backend).toEqual({
        local: { path: `/tmp/platform-test-state/local/${stack}.tfstate` },
      });
    }
  });

  it("runs the pushed service image by digest from the loopback registry; the proxy publishes the port", () => {
    const images = resourcesOf(web, "docker_container").map((c) => c.image);
    expect(images).toEqual([
      `127.0.0.1:5001/sample-service@${DIGEST_A}`,
      `127.0.0.1:5001/sample-service@${DIGEST_A}`,
    ]);
    expect(web.output.service_url.value).toBe("http://127.0.0.1:8080");
    expect(resourcesOf(json.local, "docker_container").map((c) => c.name)).toEqual(
      expect.arrayContaining(["local-postgres"]),
    );
  });

  it("routes the proxy to each web service by its alias, never to the worker", () => {
    const proxy = resourcesOf(json.local, "docker_container").find((c) => String(c.image).includes("proxy"));
    const routes = JSON.stringify(proxy?.env);
    expect(routes).toContain("sample-service");
    expect(routes).not.toContain("post-worker");
  });

  it("runs the worker with no published port and no URL, on the same network and database", () => {
    const replicas = resourcesOf(worker, "docker_container");
    expect(replicas.length).toBeGreaterThan(0);
    for (const r of replicas) {
      expect(r.ports).toBeUndefined();
      expect(r.networks_advanced).toEqual([{ name: "local-platform", aliases: ["post-worker"] }]);
      expect(r.env).toContain("PGHOST=local-postgres");
    }
    expect(worker.output.service_url.value).toBe("");
  });

  it("requires the Docker provider version the toolchain's mirror holds", () => {
    const pinned = synthEnv("local", { PLATFORM_DOCKER_PROVIDER_VERSION: "4.6.0" }).json;
    for (const stack of Object.values(pinned))
      expect(stack.terraform.required_providers.docker.version).toBe("4.6.0");
  });

  it("takes the database password from a sensitive variable, not from code", () => {
    for (const stack of [json.local, web, worker])
      expect(stack.variable.postgres_password).toEqual(expect.objectContaining({ sensitive: true }));
  });

  it("connects every service's replicas as its database owner's row-only role, never as the admin user", () => {
    for (const stack of [web, worker]) {
      for (const r of resourcesOf(stack, "docker_container")) {
        expect(r.env).toContain("PGUSER=sample_service_app");
        expect(r.env).toContainEqual(
          'PGPASSWORD=${base64sha256("${var.postgres_password}:sample_service_app")}',
        );
      }
    }
  });

  it("keeps web replicas serving 2 s after SIGTERM, so the proxy's readiness polls see them draining first", () => {
    const replicas = resourcesOf(web, "docker_container");
    expect(replicas).toHaveLength(2);
    for (const r of replicas) expect(r.env).toContain("SHUTDOWN_DRAIN_DELAY_MS=2000");
  });
});

describe("services as data", () => {
  const shared = loadSharedConfig();
  const settings = settingsFromEnv(shared, { PLATFORM_LOCAL_STATE_DIR: "/tmp/platform-test-state" });
  const image = { digest: DIGEST_A, source: "test", placeholder: false };
  const dev = loadEnvironmentConfig("dev");
  if (dev.kind !== "aws") throw new Error("dev must be an AWS environment");
  const services = loadServiceDefinitions(settings.repoRoot);
  const define = (list: typeof services, config = dev) =>
    defineAwsStacks(
      new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "stacks-test-")) }),
      config,
      shared,
      settings,
      list.map((definition) => ({ definition, image })),
    );
  const serviceJson = (stacks: ReturnType<typeof define>, name = "sample-service") => {
    const stack = stacks.find((s) => s instanceof ServiceStack && s.definition.name === name);
    if (!stack) throw new Error(`no service stack of ${name}`);
    return JSON.parse(Testing.synth(stack)) as TfJson;
  };

  it("takes sizes, port and environment from service.json over the environment's defaults", () => {
    const web = services.map((s) =>
      s.type === "web"
        ? {
            ...s,
            port: 9090,
            environment: { FEATURE_X: "on" },
            environments: { dev: { cpu: 512, memoryMiB: 1024 } },
          }
        : s,
    );
    const task = resourcesOf(serviceJson(define(web)), "aws_ecs_task_definition").find(
      (t) => t.family === "dev-sample-service",
    );
    const container = JSON.parse(String(task?.container_definitions))[0];
    expect([task?.cpu, task?.memory, container.portMappings[0].containerPort]).toEqual(["512", "1024", 9090]);
    expect(container.environment).toContainEqual({ name: "FEATURE_X", value: "on" });
  });

  it("a service without a database reads no database state and admits nothing into it", () => {
    const web = services
      .filter((s) => s.type === "web")
      .map((s) => ({ ...s, database: false, migrations: false }));
    const json = serviceJson(define(web));
    expect(
      resourcesOf(json, "aws_vpc_security_group_ingress_rule").filter((r) => r.from_port === 5432),
    ).toEqual([]);
    expect(JSON.stringify(json)).not.toContain("PGHOST");
  });

  it("gives a second web service its own stack and its own rule on the same load balancer", () => {
    const web = services.find((s) => s.type === "web");
    if (!web) throw new Error("no web service");
    const admin = {
      ...web,
      name: "admin",
      root: "apps/admin",
      route: { hosts: ["admin.example.com"], priority: 5 },
    };
    const stacks = define([web, admin]);
    expect(stacks.map((s) => s.node.id)).toContain("service-admin-dev");
    const rule = resourcesOf(serviceJson(stacks, "admin"), "aws_lb_listener_rule")[0];
    expect(rule.priority).toBe(5);
    expect(rule.condition).toEqual([{ host_header: { values: ["admin.example.com"] } }]);
    expect(rule.listener_arn).toBe(tf("local.platform_outputs.listener_arn"));
  });
});
