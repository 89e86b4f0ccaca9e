import { SERVICE } from '../../config';

/** An SQL identifier in double quotes: nothing in the name is read as SQL. */
export function quoteIdentifier(name: string): string {
  if (name === '' || name.includes('\u0000')) throw new Error(`Not an SQL identifier: ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** An SQL string literal, for the statements that take no bind parameters (COMMENT ON). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('An SQL string cannot hold NUL');
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The service's own schema, as SQL names it: every table the service owns
 * lives there (`SCHEMA.accounts`), so the portal's data-ownership catalog
 * lists them as `<schema>-<table>` under this service.
 */
export const SCHEMA = quoteIdentifier(SERVICE.databaseSchema);
