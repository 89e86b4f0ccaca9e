/** A variable scripts/test-services.sh sets; a clear error when a test is run without it. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. Run the tests with \`npm test\` (scripts/test-services.sh starts ` +
        `PostgreSQL and Redis when DATABASE_URL / REDIS_URL are not set), or set it yourself.`,
    );
  }
  return value;
}
{%- if values.ownsTables %}

/** The same server URL, pointing at another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
{%- endif %}
