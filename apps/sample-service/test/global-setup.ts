import { PostgresCluster } from "./support/postgres-cluster";
import { TEST_PG_ENV } from "./support/test-database";

/** One throwaway cluster for the whole run; each test file creates its own databases in it. */
export default async function globalSetup(): Promise<void> {
  const cluster = await PostgresCluster.create();
  // Workers are forked after this and inherit the environment.
  process.env[TEST_PG_ENV] = JSON.stringify(cluster.settings());
  (globalThis as { sampleServicePg?: PostgresCluster }).sampleServicePg = cluster;
}
