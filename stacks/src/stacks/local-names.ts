import {
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_SERVICE_PORT,
  type ServiceDefinition,
} from "@platform/env-config";
import type { LocalProxyUpstream } from "@platform/local";

/*
 * Names the local stacks share as literals: a service's stack refers to the platform stack's network and
 * PostgreSQL by name (a token would make cdktf add a cross-stack state read), and the proxy reaches a
 * service's replicas by their network alias, the service name.
 */

/** The Docker network of an environment. */
export function localNetworkName(env: string): string {
  return `${env}-platform`;
}

/** The PostgreSQL container of an environment (its host name on the network). */
export function localPostgresName(env: string): string {
  return `${env}-postgres`;
}

/** The stack of a service in a local environment: `<env>-<service>`. */
export function localServiceStackName(env: string, service: string): string {
  return `${env}-${service}`;
}

/** Where the proxy sends a web service's requests: its alias, port and readiness path. */
export function localUpstream(definition: ServiceDefinition): LocalProxyUpstream {
  return {
    alias: definition.name,
    port: definition.port ?? DEFAULT_SERVICE_PORT,
    healthCheckPath: definition.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
  };
}

/**
 * Where a web service is reached through the proxy, by the rule the AWS stacks use for the load
 * balancer (`serviceUrl` of @platform/fargate-service): the proxy URL plus the literal prefix of the
 * first path pattern (`/demo` of `["/demo", "/demo/*"]`); the catch-all and host-only routes give the
 * proxy URL. The proxy forwards paths unchanged, so the chain's ready wait and smoke (`<url>/_ready`,
 * `<url>/version`) reach this service and not the catch-all's.
 */
export function localServiceUrl(proxyUrl: string, definition: ServiceDefinition): string {
  const first = definition.route?.pathPatterns?.[0];
  const prefix = first?.split(/[*?]/)[0].replace(/\/+$/, "") ?? "";
  return `${proxyUrl}${prefix}`;
}
