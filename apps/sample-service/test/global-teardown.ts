import type { PostgresCluster } from "./support/postgres-cluster";

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { sampleServicePg?: PostgresCluster }).sampleServicePg?.destroy();
}
