import { InputError } from '@backstage/errors';
import type { TemplateFilter } from '@backstage/plugin-scaffolder-node';

function sqlText(value: unknown, filter: string): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InputError(
      `${filter} takes a string, not ${JSON.stringify(value)}`,
    );
  }
  const text = String(value);
  // PostgreSQL cannot store NUL in a name or a text value.
  if (text.includes('\u0000')) {
    throw new InputError(`${filter}: a NUL character cannot go into SQL`);
  }
  return text;
}

/**
 * The template filters of the golden path, for the one language `| dump`
 * does not quote for: SQL. (A JSON string — what `| dump` writes — is also a
 * YAML double-quoted scalar, a JavaScript/TypeScript string literal and a
 * PromQL string, so YAML, JSON, TypeScript and PromQL use `| dump`; but in
 * SQL `"…"` is an identifier with other escaping rules and `'…'` a string.)
 *
 * - `sqlIdentifier`: `"name"`, with `"` doubled, e.g. the service's schema in
 *   `CREATE TABLE ${{ values.databaseSchema | sqlIdentifier }}.accounts`;
 * - `sqlString`: `'text'`, with `'` doubled (standard_conforming_strings, the
 *   default since PostgreSQL 9.1), e.g. `COMMENT ON TABLE … IS ${{ x | sqlString }}`.
 *
 * Both refuse anything that is not a string or a number, and NUL.
 */
export const goldenPathTemplateFilters: Record<string, TemplateFilter> = {
  sqlIdentifier: (value: unknown) => {
    const text = sqlText(value, 'sqlIdentifier');
    if (text === '') throw new InputError('sqlIdentifier: an empty name');
    return `"${text.replace(/"/g, '""')}"`;
  },
  sqlString: (value: unknown) =>
    `'${sqlText(value, 'sqlString').replace(/'/g, "''")}'`,
};
