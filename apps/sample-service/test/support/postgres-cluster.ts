// The throwaway PostgreSQL cluster lives in packages/testing (post-worker's tests use it too); imported by
// path, not as @platform/testing: jest does not map module names for globalSetup, and the
// package's dist/ is not built for tests.
export * from "../../../../packages/testing/src/postgres-cluster";
