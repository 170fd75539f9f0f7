/**
 * The databases an end-to-end suite runs on: PGlite always, and PostgreSQL too when
 * TEST_DATABASE_URL is set (CI sets it: `.ci/run`). Use with `describe.each(backends)`.
 */
export const backends: { name: string; databaseUrl: string | undefined }[] = [
  { name: 'PGlite', databaseUrl: undefined },
  ...(process.env.TEST_DATABASE_URL
    ? [{ name: 'PostgreSQL', databaseUrl: process.env.TEST_DATABASE_URL }]
    : []),
];

/** PostgreSQL alone (several node processes cannot share one PGlite directory). */
export const postgresOnly = backends.filter((b) => b.databaseUrl !== undefined);
