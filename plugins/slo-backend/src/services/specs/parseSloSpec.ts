import { parseAllDocuments } from 'yaml';
import { ParsedSloSpec, SloSpecError } from './SloSpec';
import { SPEC_FORMATS, SpecContext, SpecDocument } from './formats';
import { detailOf, fieldOf, topLevel } from './formats/shared';

export { notSelfContained } from './formats/shared';

/**
 * "expected apiVersion a or b, or version c": the known formats, by the
 * field that names them.
 */
function expectedFormats(): string {
  const byField = new Map<string, string[]>();
  for (const { versionField, format } of SPEC_FORMATS) {
    byField.set(versionField, [...(byField.get(versionField) ?? []), format]);
  }
  const choices = [...byField].map(
    ([field, formats]) => `${field} ${formats.join(' or ')}`,
  );
  return `expected ${choices.join(', or ')}`;
}

/** The version field a document in no known format is blamed on. */
function versionFieldOf(fields: Record<string, unknown>): string {
  const known = [...new Set(SPEC_FORMATS.map(f => f.versionField))];
  // The one it has (the last listed, if several), else the first listed.
  return known.filter(f => fields[f] !== undefined).pop() ?? known[0];
}

/**
 * Reads an SLO spec in one of the formats of SPEC_FORMATS: a Sloth spec
 * (`sloth.slok.dev/v1` PrometheusServiceLevel or `prometheus/v1`) or OpenSLO
 * `v1` documents (SLO, and the SLIs they reference). Throws an SloSpecError
 * naming the file and the field.
 */
export function parseSloSpec(text: string, file: string): ParsedSloSpec {
  const fail = (field: string | undefined, detail: string): never => {
    throw new SloSpecError(file, field, detail);
  };
  const docs: SpecDocument[] = [...parseAllDocuments(text)]
    .map((d, i) => {
      const error = d.errors[0];
      if (error) fail(undefined, `YAML: ${error.message.split('\n')[0]}`);
      return { index: i, value: d.toJS() as unknown };
    })
    .filter(d => d.value !== null && d.value !== undefined);
  if (docs.length === 0) fail(undefined, 'the file is empty');
  const many = docs.length > 1;
  const context: SpecContext = {
    fail,
    prefix: (index, field) =>
      many ? `document ${index + 1}: ${field}` : field,
    check: (schema, doc) => {
      const parsed = schema.safeParse(doc.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        fail(
          context.prefix(doc.index, fieldOf(issue.path) || '(top)'),
          detailOf(issue),
        );
      }
      return parsed.data!;
    },
  };

  const first = topLevel(docs[0].value);
  const format = SPEC_FORMATS.find(f => first[f.versionField] === f.format);
  if (!format) {
    return fail(
      context.prefix(docs[0].index, versionFieldOf(first)),
      expectedFormats(),
    );
  }

  const slos = format.parse(docs, context);
  const seen = new Set<string>();
  for (const s of slos) {
    const key = `${s.service}/${s.slo}`;
    if (seen.has(key))
      fail(s.field.replace(/\.sli$/, '.name'), `duplicate SLO ${key}`);
    seen.add(key);
  }
  return { format: format.format, slos };
}
