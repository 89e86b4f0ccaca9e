import { InputError } from '@backstage/errors';
import { entityRefFromParams } from './entityRefParams';

describe('entityRefFromParams', () => {
  it("gives the reference of a route's kind, namespace and name", () => {
    expect(
      entityRefFromParams({
        kind: 'Component',
        namespace: 'default',
        name: 'svc-ledger',
      }),
    ).toBe('component:default/svc-ledger');
    expect(
      entityRefFromParams(
        { kind: 'group', namespace: 'Platform', name: 'on-call.v2_x' },
        { brief: true },
      ),
    ).toBe('group:platform/on-call.v2_x');
  });

  it('names the part that is wrong and what it should be (400)', () => {
    const params = (p: Record<string, string>) => ({
      kind: 'component',
      namespace: 'default',
      name: 'svc-ledger',
      ...p,
    });
    expect(() => entityRefFromParams(params({ name: '../../etc' }))).toThrow(
      new InputError('Invalid entity reference name: expected an entity name'),
    );
    expect(() => entityRefFromParams(params({ kind: 'comp-onent' }))).toThrow(
      'Invalid entity reference kind: expected a kind',
    );
    expect(() => entityRefFromParams(params({ namespace: '-x' }))).toThrow(
      'Invalid entity reference namespace: expected a namespace',
    );
    expect(() => entityRefFromParams(params({ name: 'x'.repeat(64) }))).toThrow(
      'Invalid entity reference name: expected an entity name',
    );
  });

  it('names the part only when brief', () => {
    expect(() =>
      entityRefFromParams(
        { kind: 'component', namespace: 'default', name: '../../etc' },
        { brief: true },
      ),
    ).toThrow(new InputError('Invalid entity reference: name'));
  });
});
