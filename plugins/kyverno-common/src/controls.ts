import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { SEVERITIES, Severity } from './results';

/**
 * The one machine-readable place where a ClusterPolicy names the controls it
 * evidences: `<standard>:<control id>` separated by commas, for example
 * `PCI-DSS:2.2.5, SOC2:CC6.8, GDPR:Art.32`. The backend validates it at
 * start-up and the reviewers' TechDocs page is generated from it
 * (docs/hooks/kyverno_controls.py).
 */
export const CONTROLS_ANNOTATION = 'local-plus.io/controls';
/** Optional: the policy's remediation page, relative to the docs site. */
export const REMEDIATION_ANNOTATION = 'local-plus.io/remediation';

/** policies/controls.yaml: the controls the platform evidences. */
export type ControlCatalogue = {
  standards: {
    id: string;
    title: string;
    controls: { id: string; title: string }[];
  }[];
};

const idText = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9.\-]{0,31}$/,
    'letters, digits, dots and dashes',
  );

export const controlCatalogueSchema = z
  .object({
    standards: z
      .array(
        z
          .object({
            id: idText,
            title: z.string().min(1).max(200),
            controls: z
              .array(
                z
                  .object({
                    id: z.union([idText, z.number().transform(String)]),
                    title: z.string().min(1).max(300),
                  })
                  .strict(),
              )
              .min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** A ClusterPolicy as the portal knows it from the repository. */
export type PolicyDefinition = {
  name: string;
  title?: string;
  category?: string;
  severity?: Severity;
  description?: string;
  /** `<standard>:<control id>` */
  controls: string[];
  remediation?: string;
  /** Where it was read from (repository path). */
  source: string;
};

/** `PCI-DSS:2.2.5, SOC2:CC6.8` → ['PCI-DSS:2.2.5', 'SOC2:CC6.8'] */
export function parseControlList(value: string): string[] {
  return value
    .split(',')
    .map(part => part.trim())
    .filter(Boolean)
    .map(part => {
      const m =
        /^([A-Za-z0-9][A-Za-z0-9.\-]*)\s*:\s*([A-Za-z0-9][A-Za-z0-9.\-]*)$/.exec(
          part,
        );
      if (!m) {
        throw new Error(
          `'${part}' is not <standard>:<control id> (for example PCI-DSS:2.2.5)`,
        );
      }
      return `${m[1]}:${m[2]}`;
    });
}

const policyDoc = z.object({
  apiVersion: z.string().regex(/^kyverno\.io\//),
  kind: z.enum([
    'ClusterPolicy',
    'Policy',
    'ValidatingPolicy',
    'ImageValidatingPolicy',
    'MutatingPolicy',
  ]),
  metadata: z.object({
    name: z.string().min(1).max(253),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});

/**
 * The policies of one YAML file (a file may hold several documents). A
 * document that is not a Kyverno policy is an error naming the file, as is
 * a malformed control list.
 */
export function parsePolicyFile(
  text: string,
  source: string,
): PolicyDefinition[] {
  const out: PolicyDefinition[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      throw new Error(`${source}: not valid YAML: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    const parsed = policyDoc.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${source}: not a Kyverno policy (${
          issue.path.join('.') || 'document'
        }: ${issue.message})`,
      );
    }
    const { name, annotations = {} } = parsed.data.metadata;
    let controls: string[] = [];
    try {
      controls = parseControlList(annotations[CONTROLS_ANNOTATION] ?? '');
    } catch (e) {
      throw new Error(
        `${source}: policy ${name}: annotation ${CONTROLS_ANNOTATION}: ${
          (e as Error).message
        }`,
      );
    }
    const severity = annotations['policies.kyverno.io/severity']?.toLowerCase();
    if (severity && !(SEVERITIES as readonly string[]).includes(severity)) {
      throw new Error(
        `${source}: policy ${name}: policies.kyverno.io/severity '${severity}' is not one of ${SEVERITIES.join(
          ', ',
        )}`,
      );
    }
    out.push({
      name,
      title: annotations['policies.kyverno.io/title'],
      category: annotations['policies.kyverno.io/category'],
      severity: severity as Severity | undefined,
      description: annotations['policies.kyverno.io/description']?.trim(),
      controls,
      remediation: annotations[REMEDIATION_ANNOTATION],
      source,
    });
  }
  return out;
}

/**
 * Checks policies against the catalogue: every control a policy names must
 * exist in it. Returns the problems (empty when consistent); the backend
 * refuses to start on any.
 */
export function catalogueProblems(
  catalogue: ControlCatalogue,
  policies: PolicyDefinition[],
): string[] {
  const known = new Set(
    catalogue.standards.flatMap(s => s.controls.map(c => `${s.id}:${c.id}`)),
  );
  const problems: string[] = [];
  const names = new Map<string, string>();
  for (const p of policies) {
    const seen = names.get(p.name);
    if (seen)
      problems.push(`policy ${p.name} is defined twice (${seen}, ${p.source})`);
    names.set(p.name, p.source);
    for (const c of p.controls) {
      if (!known.has(c)) {
        problems.push(
          `${p.source}: policy ${p.name} names control ${c}, which policies/controls.yaml does not list`,
        );
      }
    }
  }
  return problems;
}
