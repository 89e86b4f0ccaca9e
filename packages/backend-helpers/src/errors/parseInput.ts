import { InputError } from '@backstage/errors';
import { z } from 'zod';

export interface ParseInputOptions {
  /**
   * How an unknown key is told: "unknown parameter 'team'" (the default),
   * or in zod's own words, 'Unrecognized key: "team"', for the APIs that
   * have always answered so (the dead-letter API).
   */
  unknownKeys?: 'named' | 'zod';
}

/**
 * Parses a request's query, path parameters or body with a zod schema, or
 * throws an InputError (400) that names what was wrong and where:
 * "Invalid query days: expected a whole number of days from 1 to 90",
 * "Invalid query: unknown parameter 'team'".
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what = 'query',
  options: ParseInputOptions = {},
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.');
    const message =
      issue.code === 'unrecognized_keys' && options.unknownKeys !== 'zod'
        ? `unknown parameter ${issue.keys.map(k => `'${k}'`).join(', ')}`
        : issue.message;
    throw new InputError(
      `Invalid ${what}${where ? ` ${where}` : ''}: ${message}`,
    );
  }
  return parsed.data;
}
