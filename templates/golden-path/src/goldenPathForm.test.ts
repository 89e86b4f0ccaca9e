/**
 * One form and one list of steps for every golden-path template
 * (templates/golden-path/*.yaml): what differs between languages is the
 * language itself, a const of the form that picks the skeleton, so a
 * service is asked the same and validated the same whatever its language.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  GoldenPathTemplate,
  Harness,
  fullValues,
  readTemplate,
  startScaffolderHarness,
  templateDir,
} from './__testUtils__/scaffolderHarness';

// Starting the scaffolder harness takes a few seconds on a busy machine.
jest.setTimeout(60_000);

const templates = fs
  .readdirSync(templateDir)
  .filter(f => f.endsWith('.yaml'))
  .map(f => f.replace(/\.yaml$/, '') as GoldenPathTemplate);

/** The template as written (placeholders not resolved). */
const written = (template: string) =>
  parse(fs.readFileSync(path.join(templateDir, `${template}.yaml`), 'utf8'));

describe('the golden-path templates', () => {
  it('are one per language, each with its skeleton', () => {
    expect(templates).toContain('svc-typescript');
    for (const template of templates) {
      const language = template.replace(/^svc-/, '');
      expect(fs.existsSync(path.join(templateDir, language))).toBe(true);
    }
  });

  it.each(templates)(
    '%s takes its form pages, steps and output from form/',
    template => {
      const { spec } = written(template);
      expect(spec.parameters.slice(0, 2)).toEqual([
        { $yaml: './form/service.yaml' },
        { $yaml: './form/what-it-does.yaml' },
      ]);
      expect(spec.steps).toEqual({ $yaml: './form/steps.yaml' });
      expect(spec.output).toEqual({ $yaml: './form/output.yaml' });
    },
  );

  it.each(templates)(
    '%s fixes its language on the last page, and nothing else differs',
    template => {
      const language = template.replace(/^svc-/, '');
      const [, , last] = readTemplate(
        path.join(templateDir, `${template}.yaml`),
      ).spec.parameters;
      expect(last.required).toContain('language');
      expect(last.properties.language).toMatchObject({
        type: 'string',
        const: language,
        default: language,
        'ui:widget': 'hidden',
      });
      // The page of the other templates, language aside, is the same.
      const withoutLanguage = (page: any) => ({
        ...page,
        properties: { ...page.properties, language: undefined },
      });
      for (const other of templates) {
        const [, , theirs] = readTemplate(
          path.join(templateDir, `${other}.yaml`),
        ).spec.parameters;
        expect(withoutLanguage(theirs)).toEqual(withoutLanguage(last));
      }
    },
  );

  it('renders the skeleton its language names (the shared steps read it)', () => {
    const steps = parse(
      fs.readFileSync(path.join(templateDir, 'form/steps.yaml'), 'utf8'),
    );
    const renders = steps.filter((s: any) => s.action === 'fetch:template');
    expect(renders.map((s: any) => s.input.url)).toEqual([
      './shared',
      './${{ parameters.language }}',
    ]);
    for (const step of renders) {
      expect(step.input.values.language).toBe('${{ parameters.language }}');
    }
  });
});

describe('a golden-path template asked for another language', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startScaffolderHarness({});
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it.each([['python'], ['../shared'], [''], [undefined]])(
    'refuses language %p before any step runs',
    async language => {
      const values = { ...fullValues('svc-other-language'), language };
      const res = await harness.createTask(values);
      expect(res.status).toBe(400);
      const body = (await res.json()) as {
        errors: Array<{ property: string; message: string }>;
      };
      expect(
        body.errors.some(
          e =>
            e.property === 'instance.language' ||
            /requires property "language"/.test(e.message),
        ),
      ).toBe(true);
      expect(fs.readdirSync(harness.publishDir)).toEqual([]);
    },
  );
});
