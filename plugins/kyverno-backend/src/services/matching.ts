import { Entity, stringifyEntityRef } from '@backstage/catalog-model';

export const KUBERNETES_ID = 'backstage.io/kubernetes-id';
export const KUBERNETES_NAMESPACE = 'backstage.io/kubernetes-namespace';
export const KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_ANNOTATIONS = [
  KUBERNETES_ID,
  KUBERNETES_NAMESPACE,
  KUBERNETES_LABEL_SELECTOR,
];

type Requirement =
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/**
 * A Kubernetes label selector as the API server reads `labelSelector`:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, joined by
 * commas (AND). Throws on anything else.
 */
export function parseLabelSelector(selector: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const key = '([A-Za-z0-9][A-Za-z0-9._/-]*)';
  return parts
    .map(p => p.trim())
    .filter(Boolean)
    .map(part => {
      let m = new RegExp(`^${key}\\s*(==|=|!=)\\s*([A-Za-z0-9._-]*)$`).exec(
        part,
      );
      if (m) {
        return {
          op: m[2] === '!=' ? 'notin' : 'in',
          key: m[1],
          values: [m[3]],
        };
      }
      m = new RegExp(`^${key}\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(part);
      if (m) {
        return {
          op: m[2] as 'in' | 'notin',
          key: m[1],
          values: m[3].split(',').map(v => v.trim()),
        };
      }
      m = new RegExp(`^(!?)\\s*${key}$`).exec(part);
      if (m) return { op: m[1] ? 'notexists' : 'exists', key: m[2] };
      throw new Error(`'${part}' is not a label selector requirement`);
    });
}

export function selectorMatches(
  reqs: Requirement[],
  labels: Record<string, string>,
) {
  return reqs.every(r => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      default:
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}

/** How one catalog entity finds its workloads, from its annotations. */
export type EntitySelector = {
  entityRef: string;
  id?: string;
  selector?: Requirement[];
  namespace?: string;
  system?: string;
  owner?: string;
};

/**
 * The entity's selector, or undefined when it has none of the annotations.
 * A malformed label selector is reported through `onInvalid` and the
 * entity matches nothing by label (never everything).
 */
export function selectorOf(
  entity: Entity,
  onInvalid?: (message: string) => void,
): EntitySelector | undefined {
  const a = entity.metadata.annotations ?? {};
  const id = a[KUBERNETES_ID]?.trim() || undefined;
  const namespace = a[KUBERNETES_NAMESPACE]?.trim() || undefined;
  const rawSelector = a[KUBERNETES_LABEL_SELECTOR]?.trim() || undefined;
  if (!id && !namespace && !rawSelector) return undefined;
  const entityRef = stringifyEntityRef(entity);
  let selector: Requirement[] | undefined;
  if (rawSelector) {
    try {
      selector = parseLabelSelector(rawSelector);
    } catch (e) {
      onInvalid?.(
        `${entityRef}: ${KUBERNETES_LABEL_SELECTOR}: ${(e as Error).message}`,
      );
      selector = [{ op: 'in', key: '\u0000', values: [] }];
    }
  }
  const relation = (type: string) =>
    entity.relations?.find(r => r.type === type)?.targetRef;
  return {
    entityRef,
    id,
    selector,
    namespace,
    system: relation('partOf'),
    owner: relation('ownedBy'),
  };
}

/**
 * Does the resource belong to the entity? As the Kubernetes plugin decides:
 * a label selector if the entity has one, else the kubernetes-id label;
 * the namespace annotation narrows either, and on its own selects the
 * whole namespace.
 */
export function resourceMatches(
  s: EntitySelector,
  resource: { namespace?: string; labels: Record<string, string> },
): boolean {
  if (s.namespace && resource.namespace !== s.namespace) return false;
  if (s.selector) return selectorMatches(s.selector, resource.labels);
  if (s.id) return resource.labels[KUBERNETES_ID] === s.id;
  return true;
}
