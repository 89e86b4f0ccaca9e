/**
 * Every parameter of templates/golden-path/svc-typescript.yaml fed the same hostile values,
 * through the real Scaffolder API (POST /v2/tasks and /v2/dry-run), as a
 * user can without the form. Each value is either refused with a 400 whose
 * errors name the parameter, or rendered literally: read back from the
 * generated repository, it is exactly the value, and the repository has the
 * same files, lines, YAML documents and keys as one generated from ordinary
 * values. Nothing is written outside the publish folder and no entity other
 * than the generated service's appears in the catalog.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  Harness,
  fullValues,
  repoRoot,
  startScaffolderHarness,
  templateDir,
  GoldenPathTemplate,
  readTemplate,
  templateFileOf,
  waitFor,
} from './__testUtils__/scaffolderHarness';

jest.setTimeout(300_000);

/** Every golden-path template (templates/golden-path/svc-*.yaml). */
const TEMPLATES = fs
  .readdirSync(templateDir)
  .filter(f => /^svc-.*\.yaml$/.test(f))
  .map(f => f.replace(/\.yaml$/, '') as GoldenPathTemplate);

/** Every parameter schema a template declares, in every step and branch. */
function templateSchemas(
  template: GoldenPathTemplate = 'svc-typescript',
): Array<[string, any]> {
  const entity = readTemplate(templateFileOf(template));
  const schemas: Array<[string, any]> = [];
  const visit = (schema: any) => {
    if (!schema || typeof schema !== 'object') return;
    Object.entries(schema.properties ?? {}).forEach(e => schemas.push(e));
    Object.entries(schema.patternProperties ?? {}).forEach(([p, x]) =>
      schemas.push([p.replace(/^\^|\$$/g, ''), x]),
    );
    Object.values(schema.dependencies ?? {}).forEach(visit);
    for (const key of ['oneOf', 'anyOf', 'allOf']) {
      (schema[key] ?? []).forEach(visit);
    }
    visit(schema.if);
    visit(schema.then);
    visit(schema.else);
  };
  [entity.spec.parameters].flat().forEach(visit);
  return schemas;
}

function templateParameters(): string[] {
  return [...new Set(templateSchemas().map(([name]) => name))];
}

const INJECTED_GROUP = 'injected-team';
/** Where a `../` value would land if it escaped (checked at the end). */
const ESCAPE_MARKER = 'golden-escape';

type Payload = {
  what: string;
  /** Appended to a valid value of the parameter. */
  payload: (valid: string) => string;
  /** Must be refused by every parameter: no pattern lets it through. */
  refused?: true;
};

const PAYLOADS: Payload[] = [
  {
    what: 'a YAML document (newline, ---, kind: Group)',
    payload: v =>
      [
        v,
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Group',
        'metadata:',
        `  name: ${INJECTED_GROUP}`,
        'spec:',
        '  type: team',
        '  children: []',
        '',
      ].join('\n'),
    refused: true,
  },
  { what: 'single quotes', payload: v => `${v} for the 'rewards' programme` },
  { what: 'double quotes', payload: v => `${v} for the "rewards" programme` },
  {
    what: 'a scaffolder expression',
    payload: v => `${v} \${{ parameters.name }}`,
    refused: true,
  },
  {
    what: 'a nunjucks block',
    payload: v => `${v} {% include "/etc/passwd" %}`,
    refused: true,
  },
  {
    what: 'a path that climbs out',
    payload: v => `${v}/../../../../${ESCAPE_MARKER}`,
    refused: true,
  },
  { what: 'a NUL character', payload: v => `${v}\u0000x`, refused: true },
  {
    what: 'other control characters (BEL, ESC, CR, tab, DEL, NEL)',
    payload: v => `${v}\u0007\u001b[31m\r\t\u007f\u0085x`,
    refused: true,
  },
  {
    what: 'a right-to-left override (U+202E)',
    payload: v => `${v}\u202Egnp.exe`,
    refused: true,
  },
  {
    what: 'other format characters (isolate, zero width, line separator, tag)',
    payload: v => `${v}\u2066x\u2069\u200Bx\u2028x\u{E0041}`,
    refused: true,
  },
  { what: 'full-width letters', payload: v => `${v} ｒｅｗａｒｄｓ` },
  {
    what: 'a 100 KB string',
    payload: v => v + 'a'.repeat(100 * 1024),
    refused: true,
  },
];

const PARAMETERS = templateParameters();

/** Reads an accepted value back from the generated repository. */
const READ_BACK: Record<string, (repo: string) => unknown> = {
  name: repo => component(repo).metadata.name,
  description: repo => component(repo).metadata.description,
  owner: repo => component(repo).spec.owner,
  system: repo => component(repo).spec.system,
  domain: repo =>
    /^\| Domain \| `(.*)` \|$/m.exec(read(repo, 'docs/index.md'))?.[1],
  criticality: repo =>
    component(repo).metadata.labels['local-plus.io/criticality'],
  eventTopic: repo =>
    catalogDocuments(repo).find(d => d.kind === 'Resource')?.metadata.name,
};

function read(repo: string, file: string) {
  return fs.readFileSync(path.join(repo, file), 'utf8');
}
function catalogDocuments(repo: string): any[] {
  return parseAllDocuments(read(repo, 'catalog-info.yaml')).map(d => {
    if (d.errors.length) throw d.errors[0];
    return d.toJS();
  });
}
function component(repo: string) {
  return catalogDocuments(repo).find(d => d.kind === 'Component');
}

/** Lines, YAML documents and their keys of a file, without the values. */
function shape(file: string, content: string): unknown {
  const lines = content.split('\n').length;
  if (!/\.(ya?ml|json)$/.test(file)) return { lines };
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, strip(x)]),
      );
    }
    return typeof v;
  };
  const documents = parseAllDocuments(content).map(d => {
    if (d.errors.length) return `unparsable: ${d.errors[0].message}`;
    return strip(d.toJS());
  });
  return { lines, documents };
}

function repoShape(files: Array<{ path: string; content: string }>) {
  return Object.fromEntries(
    files
      .filter(f => !f.path.startsWith('.git/'))
      .map(f => [f.path, shape(f.path, f.content)])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

function filesOf(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap(e => {
      const rel = path.posix.join(prefix, e.name);
      return e.isDirectory() ? filesOf(dir, rel) : [rel];
    });
}

describe.each(TEMPLATES)(
  'templates/golden-path/%s.yaml fed hostile values in every parameter',
  template => {
    let harness: Harness;
    let baseline: Record<string, unknown>;
    let countsBefore: Record<string, number>;
    const accepted: string[] = [];

    beforeAll(async () => {
      harness = await startScaffolderHarness({ template });
      countsBefore = await harness.entityCounts();
      // What ordinary values generate: files, lines, documents and keys.
      const res = await harness.dryRun(
        fullValues('svc-hostile-baseline', template),
      );
      const body = (await res.json()) as any;
      if (res.status !== 200) throw new Error(JSON.stringify(body));
      baseline = repoShape(
        (
          body.directoryContents as Array<{
            path: string;
            base64Content: string;
          }>
        ).map(f => ({
          path: f.path,
          content: Buffer.from(f.base64Content, 'base64').toString('utf8'),
        })),
      );
    });

    afterAll(async () => {
      await harness?.stop();
    });

    it('knows every parameter of the template', () => {
      expect([...PARAMETERS].sort()).toEqual(
        [
          'name',
          'description',
          'owner',
          'system',
          'domain',
          'criticality',
          'ownsTables',
          'publishesEvents',
          'eventTopic',
          'runsJobs',
          'exposedThroughGateway',
          'sloAvailability',
          'sloLatencyP99Ms',
          // The template's own language: a const, so every payload is refused.
          'language',
        ].sort(),
      );
    });

    it('gives every string a pattern or an enum, and a maxLength, that the scaffolder reads as meant', () => {
      // A `const` (the branches of `dependencies`) constrains nothing more.
      const strings = templateSchemas(template).filter(
        ([, schema]) => schema.type === 'string' && schema.const === undefined,
      );
      expect(strings.length).toBeGreaterThanOrEqual(7);
      expect(
        strings
          .filter(([, schema]) => !(schema.pattern || schema.enum))
          .map(([name]) => name),
      ).toEqual([]);
      expect(
        strings
          .filter(([, schema]) => typeof schema.maxLength !== 'number')
          .map(([name]) => name),
      ).toEqual([]);
      // jsonschema (the server) and ajv (the form) compile patterns with the
      // u flag; where that fails, jsonschema silently retries without it and
      // \p{…} would then mean something else.
      const compilesWithU = (pattern: string) => {
        try {
          return Boolean(new RegExp(pattern, 'u'));
        } catch {
          return false;
        }
      };
      expect(
        strings
          .filter(([, s]) => s.pattern && !compilesWithU(s.pattern))
          .map(([name]) => name),
      ).toEqual([]);
    });

    const cases = PARAMETERS.flatMap(parameter =>
      PAYLOADS.map(p => ({ parameter, ...p })),
    ).map((c, index) => ({ ...c, service: `svc-hostile-${index}` }));

    /** POST /v2/tasks and /v2/dry-run refused it: which properties they name. */
    async function refusal(res: Response, values: Record<string, unknown>) {
      const named = async (r: Response) =>
        (
          (await r.json()) as { errors: Array<{ property: string }> }
        ).errors.map(e => e.property);
      // The template editor's dry run refuses it the same way.
      const dry = await harness.dryRun(values, { withoutFiles: true });
      return {
        outcome: 'refused',
        task: { status: res.status, properties: await named(res) },
        dryRun: { status: dry.status, properties: await named(dry) },
      };
    }

    /** The task ran: what the generated repository holds. */
    async function acceptance(
      res: Response,
      parameter: string,
      value: string,
      service: string,
    ) {
      const { id } = (await res.json()) as { id: string };
      const result = await harness.waitForTask(id);
      if (result.status === 'completed') accepted.push(service);
      const repo = path.join(harness.publishDir, service);
      const readBack =
        READ_BACK[parameter] ??
        (() => `add a READ_BACK check for ${parameter}`);
      return {
        outcome: 'rendered',
        status: result.status,
        readBack: readBack(repo),
        // The description is also a line of its own in the TechDocs.
        descriptionLine:
          parameter === 'description'
            ? read(repo, 'docs/index.md').split('\n').includes(value)
            : undefined,
        // No document, key or line added anywhere.
        shape: repoShape(
          filesOf(repo)
            .filter(f => !f.startsWith('.git/'))
            .map(f => ({ path: f, content: read(repo, f) })),
        ),
      };
    }

    it.each(cases)(
      '$parameter: $what is refused or rendered literally',
      async ({ parameter, payload, refused, service }) => {
        const values = fullValues(service, template);
        const value = payload(String(values[parameter]));
        values[parameter] = value;

        const res = await harness.createTask(values);
        const named = expect.arrayContaining([`instance.${parameter}`]);
        const result =
          res.status === 201
            ? await acceptance(res, parameter, value, service)
            : await refusal(res, values);
        expect(result).toEqual(
          // A value that may be accepted must come out exactly as it went in.
          result.outcome === 'rendered' && !refused
            ? {
                outcome: 'rendered',
                status: 'completed',
                readBack: value,
                descriptionLine: parameter === 'description' ? true : undefined,
                shape: baseline,
              }
            : {
                outcome: 'refused',
                task: { status: 400, properties: named },
                dryRun: { status: 400, properties: named },
              },
        );
      },
    );

    it('wrote nothing outside the publish folder and added no entity but the services', async () => {
      expect(fs.readdirSync(harness.publishDir).sort()).toEqual(
        [...accepted].sort(),
      );
      const escaped = [harness.publishDir, repoRoot, templateDir].flatMap(dir =>
        [0, 1, 2, 3, 4, 5, 6, 7, 8].map(up =>
          path.resolve(dir, ...Array(up).fill('..'), ESCAPE_MARKER),
        ),
      );
      expect(escaped.filter(p => fs.existsSync(p))).toEqual([]);

      // Registration may still be under way (before the task waited for it).
      await Promise.all(
        accepted.map(service =>
          waitFor(
            () => harness.getEntity(`component:default/${service}`),
            service,
          ),
        ),
      );
      // An injected sibling document would be processed with them.
      await new Promise(r => setTimeout(r, 2000));
      const counts = await harness.entityCounts();
      expect(await harness.getEntity(`group:default/${INJECTED_GROUP}`)).toBe(
        undefined,
      );
      expect({
        group: counts.group,
        user: counts.user,
        system: counts.system,
        domain: counts.domain,
        component: counts.component,
      }).toEqual({
        group: countsBefore.group,
        user: countsBefore.user,
        system: countsBefore.system,
        domain: countsBefore.domain,
        component: (countsBefore.component ?? 0) + accepted.length,
      });
    });
  },
);
