import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * A full, lower-case entity reference from a name or a reference
 * (`svc-ledger`, `component:svc-ledger`, `component:default/svc-ledger`),
 * or undefined when the value is not one. Lower case because the catalog
 * compares references without case, and these are compared as strings.
 */
export function toEntityRef(
  value: string,
  defaultKind: string,
  defaultNamespace = 'default',
): string | undefined {
  const trimmed = value.trim();
  if (
    !/^([A-Za-z]+:)?([A-Za-z0-9][-A-Za-z0-9_.]*\/)?[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(
      trimmed,
    )
  ) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(trimmed, { defaultKind, defaultNamespace }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/**
 * The refresh key a table or topic carries for the service whose owner it
 * takes: when that owner changes (or the service first appears), the
 * catalog processes them again instead of waiting for the next cycle.
 */
export const serviceRefreshKey = (serviceRef: string) =>
  `data-ownership:service:${serviceRef.toLocaleLowerCase('en-US')}`;
