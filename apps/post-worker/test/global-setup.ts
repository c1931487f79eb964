import { PostgresCluster } from "../../../packages/testing/src/postgres-cluster";
import { TEST_PG_ENV } from "./support";

/** One throwaway cluster for the run; each test file makes its own databases in it. */
export default async function globalSetup(): Promise<void> {
  const cluster = await PostgresCluster.create();
  // Jest workers are forked after this and inherit the environment.
  process.env[TEST_PG_ENV] = JSON.stringify(cluster.settings());
  (globalThis as { postWorkerPg?: PostgresCluster }).postWorkerPg = cluster;
}
