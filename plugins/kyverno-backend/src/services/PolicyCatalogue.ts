import {
  catalogueProblems,
  ControlCatalogue,
  controlCatalogueSchema,
  parsePolicyFile,
  PolicyDefinition,
} from '@internal/plugin-kyverno-common';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

export type KnownPolicy = PolicyDefinition & {
  /** sha256 of the policy's file, as committed: which version evidenced what. */
  digest: string;
};

/**
 * The repository's policies and the controls they evidence
 * (policies/kyverno). Read and checked once at start-up: a policy naming a
 * control the catalogue lacks stops the backend with both named.
 */
export class PolicyCatalogue {
  private constructor(
    readonly controls: ControlCatalogue,
    readonly policies: Map<string, KnownPolicy>,
  ) {}

  /**
   * The policies of `directory` (every YAML file there is a policy, as
   * `kubectl apply -f` reads it) and the control catalogue `controlsFile`.
   */
  static async load(
    directory: string,
    controlsFile: string,
  ): Promise<PolicyCatalogue> {
    const dir = path.resolve(directory);
    let files: string[];
    try {
      files = (await fs.readdir(dir)).filter(f => /\.ya?ml$/.test(f)).sort();
    } catch (e) {
      throw new Error(
        `kyverno.policies.directory ${dir} cannot be read (${
          (e as Error).message
        }): point it at the repository's policies/kyverno`,
      );
    }
    const cataloguePath = path.resolve(controlsFile);
    let catalogueText: string;
    try {
      catalogueText = await fs.readFile(cataloguePath, 'utf8');
    } catch (e) {
      throw new Error(
        `kyverno.policies.controls ${cataloguePath} cannot be read (${
          (e as Error).message
        }): point it at the repository's policies/controls.yaml`,
      );
    }
    const parsedCatalogue = controlCatalogueSchema.safeParse(
      parse(catalogueText),
    );
    if (!parsedCatalogue.success) {
      const issue = parsedCatalogue.error.issues[0];
      throw new Error(
        `${cataloguePath}: ${issue.path.join('.') || 'document'}: ${
          issue.message
        }`,
      );
    }
    const policies = new Map<string, KnownPolicy>();
    const all: PolicyDefinition[] = [];
    for (const file of files) {
      const text = await fs.readFile(path.join(dir, file), 'utf8');
      const digest = createHash('sha256').update(text).digest('hex');
      for (const p of parsePolicyFile(text, `policies/kyverno/${file}`)) {
        all.push(p);
        policies.set(p.name, { ...p, digest });
      }
    }
    const catalogue = parsedCatalogue.data as ControlCatalogue;
    const problems = catalogueProblems(catalogue, all);
    if (problems.length) {
      throw new Error(
        `Kyverno policies and controls disagree: ${problems.join('; ')}`,
      );
    }
    return new PolicyCatalogue(catalogue, policies);
  }

  /** Controls evidenced by a policy (`<standard>:<id>`). */
  controlsOf(policy: string): string[] {
    return this.policies.get(policy)?.controls ?? [];
  }

  /** Policies that evidence some control of a standard (or one control). */
  policiesFor(standard: string, control?: string): Set<string> {
    const out = new Set<string>();
    for (const p of this.policies.values()) {
      if (
        p.controls.some(c =>
          control
            ? c === `${standard}:${control}`
            : c.startsWith(`${standard}:`),
        )
      ) {
        out.add(p.name);
      }
    }
    return out;
  }
}
