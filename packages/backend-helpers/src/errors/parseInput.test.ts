import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { parseInput } from './parseInput';

describe('parseInput', () => {
  const query = z.strictObject({
    days: z.coerce.number().int().min(1, 'at least 1 day'),
  });

  it('returns what the schema makes of the input', () => {
    expect(parseInput(query, { days: '7' })).toEqual({ days: 7 });
  });

  it('names the parameter and the problem in a 400', () => {
    expect(() => parseInput(query, { days: '0' })).toThrow(
      new InputError('Invalid query days: at least 1 day'),
    );
    expect(() => parseInput(query, { days: '1', team: 'x' })).toThrow(
      "Invalid query: unknown parameter 'team'",
    );
    expect(() =>
      parseInput(z.object({ name: z.string() }), {}, 'body'),
    ).toThrow(/^Invalid body name: /);
  });
});

describe('parseInput with unknownKeys: zod', () => {
  it("tells an unknown key in zod's words", () => {
    expect(() =>
      parseInput(z.strictObject({}), { page: '2' }, 'query', {
        unknownKeys: 'zod',
      }),
    ).toThrow(new InputError('Invalid query: Unrecognized key: "page"'));
  });
});
