import type { PostgresCluster } from "../../../packages/testing/src/postgres-cluster";

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { postWorkerPg?: PostgresCluster }).postWorkerPg?.destroy();
}
