import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  catalogueProblems,
  controlCatalogueSchema,
  ControlCatalogue,
  parseControlList,
  parsePolicyFile,
  PolicyDefinition,
} from './controls';

const repoRoot = path.resolve(__dirname, '../../..');
const policyDir = path.join(repoRoot, 'policies/kyverno');

function loadCatalogue(): ControlCatalogue {
  const text = fs.readFileSync(
    path.join(repoRoot, 'policies/controls.yaml'),
    'utf8',
  );
  return controlCatalogueSchema.parse(parse(text));
}

function loadPolicies(): PolicyDefinition[] {
  return fs
    .readdirSync(policyDir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .flatMap(f => {
      const source = `policies/kyverno/${f}`;
      return parsePolicyFile(
        fs.readFileSync(path.join(policyDir, f), 'utf8'),
        source,
      );
    });
}

function policyYaml(name: string, annotations: Record<string, string>): string {
  const lines = Object.entries(annotations).map(
    ([k, v]) => `    ${k}: ${JSON.stringify(v)}`,
  );
  return [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    `  name: ${name}`,
    ...(lines.length ? ['  annotations:', ...lines] : []),
    'spec:',
    '  rules: []',
    '',
  ].join('\n');
}

const catalogue: ControlCatalogue = {
  standards: [
    {
      id: 'PCI-DSS',
      title: 'PCI DSS v4.0.1',
      controls: [{ id: '2.2.1', title: 'Config' }],
    },
    {
      id: 'SOC2',
      title: 'SOC 2',
      controls: [{ id: 'CC6.8', title: 'Malware' }],
    },
  ],
};

describe('the repository policies and control catalogue', () => {
  it('has a valid catalogue with unique ids', () => {
    const cat = loadCatalogue();
    const ids = cat.standards.flatMap(s =>
      s.controls.map(c => `${s.id}:${c.id}`),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(cat.standards.map(s => s.id)).toEqual(['PCI-DSS', 'SOC2', 'GDPR']);
  });

  it('has nine policies, each fully annotated and naming only catalogued controls', () => {
    const cat = loadCatalogue();
    const policies = loadPolicies();
    expect(policies).toHaveLength(9);
    expect(catalogueProblems(cat, policies)).toEqual([]);
    for (const p of policies) {
      expect({
        name: p.name,
        title: !!p.title,
        category: !!p.category,
        severity: !!p.severity,
        description: !!p.description,
        controls: p.controls.length > 0,
      }).toEqual({
        name: p.name,
        title: true,
        category: true,
        severity: true,
        description: true,
        controls: true,
      });
    }
  });

  it('keeps at least one catalogued control that no policy enforces', () => {
    const cat = loadCatalogue();
    const named = new Set(loadPolicies().flatMap(p => p.controls));
    const unenforced = cat.standards.flatMap(s =>
      s.controls.map(c => `${s.id}:${c.id}`).filter(id => !named.has(id)),
    );
    expect(unenforced).toContain('PCI-DSS:10.2.1');
  });
});

describe('parseControlList', () => {
  it('splits, trims and normalises', () => {
    expect(
      parseControlList(' PCI-DSS : 2.2.1,SOC2:CC6.8 ,, GDPR:Art.32'),
    ).toEqual(['PCI-DSS:2.2.1', 'SOC2:CC6.8', 'GDPR:Art.32']);
    expect(parseControlList('')).toEqual([]);
  });
});

describe('parsePolicyFile', () => {
  const file = 'policies/kyverno/p.yaml';

  it('reads the annotations of a policy', () => {
    const [p] = parsePolicyFile(
      policyYaml('p', {
        'policies.kyverno.io/title': 'P',
        'policies.kyverno.io/category': 'Pod Security',
        'policies.kyverno.io/severity': 'High',
        'policies.kyverno.io/description': ' text ',
        'local-plus.io/controls': 'PCI-DSS:2.2.1, SOC2:CC6.8',
      }),
      file,
    );
    expect(p).toMatchObject({
      name: 'p',
      severity: 'high',
      description: 'text',
      controls: ['PCI-DSS:2.2.1', 'SOC2:CC6.8'],
      source: file,
    });
    expect(catalogueProblems(catalogue, [p])).toEqual([]);
  });

  it('rejects a malformed control list, naming file and policy', () => {
    expect(() =>
      parsePolicyFile(
        policyYaml('p', { 'local-plus.io/controls': 'SOC2-CC8.1,PCI-DSS-2.2' }),
        file,
      ),
    ).toThrow(
      "policies/kyverno/p.yaml: policy p: annotation local-plus.io/controls: 'SOC2-CC8.1' is not <standard>:<control id>",
    );
  });

  it('rejects an invalid severity, naming file and policy', () => {
    expect(() =>
      parsePolicyFile(
        policyYaml('p', { 'policies.kyverno.io/severity': 'urgent' }),
        file,
      ),
    ).toThrow(
      "policies/kyverno/p.yaml: policy p: policies.kyverno.io/severity 'urgent' is not one of critical, high, medium, low, info",
    );
  });

  it('rejects a document that is not a Kyverno policy, naming the file', () => {
    const text = `${policyYaml(
      'p',
      {},
    )}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n`;
    expect(() => parsePolicyFile(text, file)).toThrow(
      /^policies\/kyverno\/p\.yaml: not a Kyverno policy \(apiVersion: /,
    );
  });

  it('rejects invalid YAML, naming the file', () => {
    expect(() => parsePolicyFile('metadata: [unclosed', file)).toThrow(
      /^policies\/kyverno\/p\.yaml: not valid YAML/,
    );
  });
});

describe('catalogueProblems', () => {
  it('names file, policy and control for an unknown control', () => {
    const policies = parsePolicyFile(
      policyYaml('p', {
        'local-plus.io/controls': 'PCI-DSS:2.2.1, PCI-DSS:2.2',
      }),
      'policies/kyverno/p.yaml',
    );
    expect(catalogueProblems(catalogue, policies)).toEqual([
      'policies/kyverno/p.yaml: policy p names control PCI-DSS:2.2, which policies/controls.yaml does not list',
    ]);
  });

  it('names both files of a duplicate policy', () => {
    const a = parsePolicyFile(policyYaml('p', {}), 'policies/kyverno/a.yaml');
    const b = parsePolicyFile(policyYaml('p', {}), 'policies/kyverno/b.yaml');
    expect(catalogueProblems(catalogue, [...a, ...b])).toEqual([
      'policy p is defined twice (policies/kyverno/a.yaml, policies/kyverno/b.yaml)',
    ]);
  });
});

describe('controlCatalogueSchema', () => {
  it('rejects unknown keys and accepts numeric control ids as text', () => {
    expect(
      controlCatalogueSchema.safeParse({
        standards: [
          {
            id: 'X',
            title: 'X',
            controls: [{ id: 'a', title: 't', extra: 1 }],
          },
        ],
      }).success,
    ).toBe(false);
    const parsed = controlCatalogueSchema.parse(
      parse(
        'standards:\n  - id: X\n    title: X\n    controls:\n      - id: 8.3\n        title: t\n',
      ),
    );
    expect(parsed.standards[0].controls[0].id).toBe('8.3');
  });
});
