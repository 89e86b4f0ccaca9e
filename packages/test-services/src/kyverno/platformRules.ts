/*
 * Offline check of rendered Kubernetes manifests against the platform's
 * Kyverno ClusterPolicies (policies/kyverno/*.yaml).
 *
 * The rules are not restated here: the validate rules of each policy file are
 * read and their patterns evaluated with Kyverno's own semantics (anchors,
 * wildcards, `|` / `&` alternatives, `!` negation, numeric and quantity
 * comparisons, `anyPattern`, match/exclude on kinds, names and namespaces).
 * A policy edited in policies/kyverno is therefore what the tests check (the
 * golden-path template's, templates/golden-path/src, and the portal's own
 * deploy manifests, packages/backend/src/deploy). A construct this evaluator
 * does not know (deny conditions, foreach, CEL, variables in patterns,
 * selectors...) throws instead of being skipped, so a new kind of rule can
 * never pass silently.
 *
 * Not checked offline: Cosign signatures (the verifyImages rule needs the
 * registry and the key). The "images only from the Local-Plus ECR" validate
 * rules of require-image-signature are checked like any other rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One failed rule for one workload. */
export interface Violation {
  /** The Kyverno policy (metadata.name), e.g. `require-labels`. */
  policy: string;
  /** Kind of the checked object: a workload, or `Pod`/`Job` for the objects its template creates. */
  kind: string;
  /** Name of the rendered workload. */
  name: string;
  /** `<rule>: <the policy's own message>`. */
  message: string;
}

type ResourceFilter = {
  kinds?: string[];
  names?: string[];
  namespaces?: string[];
};

type FilterBlock = { any?: ResourceFilter[]; all?: ResourceFilter[] };

/** One validate rule of one policy, as read from its YAML file. */
export interface PolicyRule {
  policy: string;
  rule: string;
  match: FilterBlock;
  exclude?: FilterBlock;
  message: string;
  /** The rule passes when any of these patterns matches (`pattern` is a one-element list). */
  patterns: unknown[];
}

export interface CheckOptions {
  /** Rules to apply; defaults to every validate rule of policies/kyverno. */
  rules?: PolicyRule[];
  /**
   * Namespace assumed for documents without metadata.namespace. Defaults to
   * an application namespace (`svc-*`), where every rule applies: a base
   * manifest must already pass where it will be deployed.
   */
  defaultNamespace?: string;
}

const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
]);

const DEFAULT_NAMESPACE = 'svc-unnamespaced';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const has = (o: JsonObject, k: string) =>
  Object.prototype.hasOwnProperty.call(o, k);

// ---------------------------------------------------------------------------
// Loading the policies

class PolicyFormatError extends Error {}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) {
    throw new PolicyFormatError(`${where} must be a list of strings`);
  }
  return value as string[];
}

function parseFilterBlock(value: unknown, where: string): FilterBlock {
  if (!isObject(value)) throw new PolicyFormatError(`${where} must be a map`);
  const block: FilterBlock = {};
  for (const [key, entries] of Object.entries(value)) {
    if (key === 'resources') {
      // Legacy form: match.resources without any/all.
      block.all = [
        ...(block.all ?? []),
        parseFilter({ resources: entries }, where),
      ];
    } else if (key === 'any' || key === 'all') {
      if (!Array.isArray(entries)) {
        throw new PolicyFormatError(`${where}.${key} must be a list`);
      }
      block[key] = entries.map((e, i) =>
        parseFilter(e, `${where}.${key}[${i}]`),
      );
    } else {
      throw new PolicyFormatError(
        `${where}.${key} is not supported by the offline checker`,
      );
    }
  }
  return block;
}

function parseFilter(entry: unknown, where: string): ResourceFilter {
  if (!isObject(entry)) throw new PolicyFormatError(`${where} must be a map`);
  for (const key of Object.keys(entry)) {
    if (key !== 'resources') {
      // subjects, roles, clusterRoles only make sense for an admission request.
      throw new PolicyFormatError(
        `${where}.${key} is not supported by the offline checker`,
      );
    }
  }
  const resources = entry.resources;
  if (!isObject(resources))
    throw new PolicyFormatError(`${where}.resources must be a map`);
  for (const key of Object.keys(resources)) {
    if (!['kinds', 'names', 'namespaces'].includes(key)) {
      throw new PolicyFormatError(
        `${where}.resources.${key} is not supported by the offline checker`,
      );
    }
  }
  return {
    kinds: stringList(resources.kinds, `${where}.resources.kinds`),
    names: stringList(resources.names, `${where}.resources.names`),
    namespaces: stringList(
      resources.namespaces,
      `${where}.resources.namespaces`,
    ),
  };
}

/** Validate rules of the Kyverno policies in one YAML text. */
export function parsePolicyRules(
  yamlText: string,
  source = 'policy',
): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const doc of parseAllDocuments(yamlText)) {
    if (doc.errors.length > 0) {
      throw new PolicyFormatError(`${source}: ${doc.errors[0].message}`);
    }
    const policy: unknown = doc.toJS();
    if (policy === null || policy === undefined) continue;
    if (!isObject(policy) || typeof policy.kind !== 'string') {
      throw new PolicyFormatError(`${source}: not a Kubernetes object`);
    }
    if (
      !['ClusterPolicy', 'Policy'].includes(policy.kind) ||
      typeof policy.apiVersion !== 'string' ||
      !policy.apiVersion.startsWith('kyverno.io/')
    ) {
      continue;
    }
    const name = isObject(policy.metadata) ? policy.metadata.name : undefined;
    if (typeof name !== 'string') {
      throw new PolicyFormatError(
        `${source}: a ${policy.kind} without metadata.name`,
      );
    }
    const spec = policy.spec;
    if (!isObject(spec) || !Array.isArray(spec.rules)) {
      throw new PolicyFormatError(`${source}: ${name} has no spec.rules`);
    }
    spec.rules.forEach((rule, i) => {
      const where = `${source}: ${name}.rules[${i}]`;
      if (!isObject(rule) || typeof rule.name !== 'string') {
        throw new PolicyFormatError(`${where} has no name`);
      }
      // mutate, generate and verifyImages rules do not validate a manifest.
      if (!has(rule, 'validate')) return;
      if (has(rule, 'preconditions') || has(rule, 'context')) {
        throw new PolicyFormatError(
          `${where}: preconditions and context are not supported`,
        );
      }
      const validate = rule.validate;
      if (!isObject(validate))
        throw new PolicyFormatError(`${where}.validate must be a map`);
      for (const key of Object.keys(validate)) {
        if (
          !['message', 'pattern', 'anyPattern', 'failureAction'].includes(key)
        ) {
          throw new PolicyFormatError(
            `${where}.validate.${key} is not supported`,
          );
        }
      }
      let patterns: unknown[];
      if (has(validate, 'pattern')) patterns = [validate.pattern];
      else if (
        Array.isArray(validate.anyPattern) &&
        validate.anyPattern.length > 0
      ) {
        patterns = validate.anyPattern;
      } else throw new PolicyFormatError(`${where}.validate has no pattern`);
      if (JSON.stringify(patterns).includes('{{')) {
        throw new PolicyFormatError(
          `${where}: variables in patterns are not supported`,
        );
      }
      rules.push({
        policy: name,
        rule: rule.name,
        match: parseFilterBlock(rule.match, `${where}.match`),
        exclude: has(rule, 'exclude')
          ? parseFilterBlock(rule.exclude, `${where}.exclude`)
          : undefined,
        message:
          typeof validate.message === 'string' ? validate.message.trim() : '',
        patterns,
      });
    });
  }
  return rules;
}

/** Every validate rule of every policy file (*.yaml, *.yml) in a directory. */
export function loadPolicyRules(dir: string): PolicyRule[] {
  const files = fs
    .readdirSync(dir)
    .filter(f => /\.ya?ml$/.test(f))
    .sort();
  if (files.length === 0) throw new Error(`No policy files in ${dir}`);
  return files.flatMap(f =>
    parsePolicyRules(fs.readFileSync(path.join(dir, f), 'utf8'), f),
  );
}

/**
 * policies/kyverno of the repository, found upwards from a directory: the
 * working directory by default (the package or the repository root when
 * tests and scripts run).
 */
export function findPolicyDir(from = process.cwd()): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'policies', 'kyverno');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No policies/kyverno above ${from}`);
    dir = parent;
  }
}

let defaultRules: PolicyRule[] | undefined;

// ---------------------------------------------------------------------------
// Kyverno pattern semantics

/** Kyverno (minio) wildcards: `*` any run of characters, `?` exactly one. */
function wildcardMatch(pattern: string, text: string): boolean {
  const source = pattern
    .split('')
    .map(c => {
      if (c === '*') return '[\\s\\S]*';
      if (c === '?') return '[\\s\\S]';
      return c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`).test(text);
}

const QUANTITY =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;
const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** A Kubernetes quantity (`500m`, `256Mi`, `10001`) as a number, or undefined. */
function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return m[3] ? base * SUFFIX[m[3]] : base;
}

type Operator = '' | '!' | '>' | '>=' | '<' | '<=' | 'range' | '!range';

function operatorOf(pattern: string): Operator {
  if (pattern.length < 2) return '';
  for (const op of ['>=', '<=', '>', '<', '!'] as const) {
    if (pattern.startsWith(op)) return op;
  }
  if (/^\d+(\.\d+)?[^-]*!-\d+(\.\d+)?[^-]*$/.test(pattern)) return '!range';
  if (/^\d+(\.\d+)?[^-]*-\d+(\.\d+)?[^-]*$/.test(pattern)) return 'range';
  return '';
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

function compare(value: number, pattern: number, op: Operator): boolean {
  switch (op) {
    case '':
      return value === pattern;
    case '!':
      return value !== pattern;
    case '>':
      return value > pattern;
    case '>=':
      return value >= pattern;
    case '<':
      return value < pattern;
    case '<=':
      return value <= pattern;
    default:
      return false;
  }
}

/** One condition of a string pattern: an operator and a wildcard or a number. */
function matchCondition(value: unknown, condition: string): boolean {
  const op = operatorOf(condition);
  if (op === 'range' || op === '!range') {
    const [low, high] = condition.split(op === 'range' ? '-' : '!-');
    const inside =
      matchCondition(value, `>=${low}`) && matchCondition(value, `<=${high}`);
    return op === 'range' ? inside : !inside;
  }
  const operand = condition.slice(op.length).trim();
  const text = scalarText(value);
  if (text === undefined) return false;
  if (!/^\d/.test(operand) && !/^\.\d/.test(operand)) {
    // A string pattern: only equality and negation apply.
    if (op !== '' && op !== '!') return false;
    const matched = wildcardMatch(operand, text);
    return op === '!' ? !matched : matched;
  }
  const patternQuantity = parseQuantity(operand);
  if (patternQuantity !== undefined) {
    const valueQuantity = parseQuantity(text);
    return (
      valueQuantity !== undefined && compare(valueQuantity, patternQuantity, op)
    );
  }
  return wildcardMatch(operand, text);
}

function matchScalar(value: unknown, pattern: unknown): boolean {
  if (typeof pattern === 'boolean') return value === pattern;
  if (typeof pattern === 'number') {
    if (typeof value === 'number') return value === pattern;
    if (typeof value === 'string' && value.trim() !== '')
      return Number(value) === pattern;
    return false;
  }
  if (pattern === null) {
    return (
      value === null ||
      value === undefined ||
      value === 0 ||
      value === '' ||
      value === false
    );
  }
  if (typeof pattern === 'string') {
    // `a | b` is any of; `a & b` all of.
    return pattern
      .split('|')
      .some(alt => alt.split('&').every(c => matchCondition(value, c.trim())));
  }
  throw new PolicyFormatError(
    `Unsupported pattern value ${JSON.stringify(pattern)}`,
  );
}

type Outcome =
  | { ok: true }
  | { ok: false; skip: boolean; path: string; reason: string };

const OK: Outcome = { ok: true };
const fail = (p: string, reason: string): Outcome => ({
  ok: false,
  skip: false,
  path: p,
  reason,
});

const ANCHOR = /^([=X^<+]?)\((.+)\)$/;

function matchElement(value: unknown, pattern: unknown, at: string): Outcome {
  if (isObject(pattern)) {
    if (!isObject(value)) return fail(at, 'expected a map');
    return matchMap(value, pattern, at);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value)) return fail(at, 'expected a list');
    return matchArray(value, pattern, at);
  }
  if (Array.isArray(value)) {
    // A scalar pattern against a list: every element must match it.
    const bad = value.findIndex(v => !matchScalar(v, pattern));
    return bad === -1
      ? OK
      : fail(
          `${at}${bad}/`,
          `'${String(value[bad])}' does not match '${String(pattern)}'`,
        );
  }
  return matchScalar(value, pattern)
    ? OK
    : fail(
        at,
        `'${
          value === undefined ? 'nothing' : String(value)
        }' does not match '${String(pattern)}'`,
      );
}

function matchMap(value: JsonObject, pattern: JsonObject, at: string): Outcome {
  const keys = Object.keys(pattern);
  // Kyverno evaluates anchors before plain keys.
  const anchored = keys.filter(k => ANCHOR.test(k));
  const plain = keys.filter(k => !ANCHOR.test(k));
  for (const key of anchored) {
    const [, type, field] = ANCHOR.exec(key)!;
    const here = `${at}${field}/`;
    const present = has(value, field);
    if (type === '=') {
      // Equality anchor: if the field is there, it must match.
      if (present) {
        const r = matchElement(value[field], pattern[key], here);
        if (!r.ok) return r;
      }
    } else if (type === 'X') {
      // Negation anchor: the field must not be there at all.
      if (present) return fail(here, `${field} is not allowed`);
    } else if (type === '') {
      // Conditional anchor: if it does not hold, the rule does not apply here.
      if (!present)
        return { ok: false, skip: true, path: here, reason: `no ${field}` };
      const r = matchElement(value[field], pattern[key], here);
      if (!r.ok) return { ...r, skip: true };
    } else {
      throw new PolicyFormatError(
        `Anchor ${type}() is not supported by the offline checker`,
      );
    }
  }
  for (const key of plain) {
    const here = `${at}${key}/`;
    if (pattern[key] === '*') {
      // "*" means the field must exist, whatever its type.
      if (value[key] === undefined || value[key] === null)
        return fail(here, `${key} is missing`);
      continue;
    }
    const r = matchElement(value[key], pattern[key], here);
    if (!r.ok) return r;
  }
  return OK;
}

function matchArray(value: Json[], pattern: Json[], at: string): Outcome {
  if (pattern.length === 0)
    throw new PolicyFormatError(`Empty list in a pattern at ${at}`);
  const first = pattern[0];
  if (isObject(first)) {
    // Every element must match the first pattern element; elements where a
    // conditional anchor does not hold are skipped.
    let applied = 0;
    let skipped: Outcome | undefined;
    for (let i = 0; i < value.length; i++) {
      const r = matchElement(value[i], first, `${at}${i}/`);
      if (r.ok) applied++;
      else if (r.skip) skipped = r;
      else return r;
    }
    return applied === 0 && skipped ? skipped : OK;
  }
  if (!Array.isArray(first)) return matchElement(value, first, at);
  if (value.length < pattern.length) return fail(at, 'list too short');
  for (let i = 0; i < pattern.length; i++) {
    const r = matchElement(value[i], pattern[i], `${at}${i}/`);
    if (!r.ok) return r;
  }
  return OK;
}

// ---------------------------------------------------------------------------
// Matching rules to objects

function kindOf(entry: string): string {
  // Kinds may be written `Deployment`, `apps/v1/Deployment` or, for a
  // subresource, `Deployment/scale` (which no manifest is).
  const parts = entry.split('/');
  const last = parts[parts.length - 1];
  return /^[A-Z*]/.test(last) ? last : `${parts[parts.length - 2]}/${last}`;
}

function filterMatches(
  f: ResourceFilter,
  kind: string,
  name: string,
  ns: string,
): boolean {
  if (f.kinds && !f.kinds.some(k => k === '*' || kindOf(k) === kind))
    return false;
  if (f.names && !f.names.some(n => wildcardMatch(n, name))) return false;
  if (f.namespaces && !f.namespaces.some(n => wildcardMatch(n, ns)))
    return false;
  return true;
}

function blockMatches(
  b: FilterBlock,
  kind: string,
  name: string,
  ns: string,
): boolean {
  const any = b.any ? b.any.some(f => filterMatches(f, kind, name, ns)) : true;
  const all = b.all ? b.all.every(f => filterMatches(f, kind, name, ns)) : true;
  return any && all && (b.any !== undefined || b.all !== undefined);
}

function substitute(message: string, object: JsonObject): string {
  return message.replace(
    /\{\{\s*request\.object\.([\w.]+)\s*\}\}/g,
    (whole, p: string) => {
      let v: Json | undefined = object;
      for (const part of p.split('.')) v = isObject(v) ? v[part] : undefined;
      return typeof v === 'string' || typeof v === 'number' ? String(v) : whole;
    },
  );
}

function evaluate(
  rules: PolicyRule[],
  object: JsonObject,
  kind: string,
  name: string,
  ns: string,
) {
  const failed: { policy: string; message: string }[] = [];
  for (const rule of rules) {
    if (!blockMatches(rule.match, kind, name, ns)) continue;
    if (rule.exclude && blockMatches(rule.exclude, kind, name, ns)) continue;
    const outcomes = rule.patterns.map(p => matchElement(object, p, '/'));
    if (outcomes.some(o => o.ok || o.skip)) continue;
    const first = outcomes[0] as Extract<Outcome, { ok: false }>;
    failed.push({
      policy: rule.policy,
      message: `${rule.rule}: ${substitute(rule.message, object)} (at ${
        first.path
      }: ${first.reason})`,
    });
  }
  return failed;
}

/** The objects a controller makes Kubernetes create: a CronJob's Jobs, then Pods. */
function derivedObjects(
  kind: string,
  object: JsonObject,
  ns: string,
): { kind: string; object: JsonObject }[] {
  const spec = isObject(object.spec) ? object.spec : {};
  const fromTemplate = (
    newKind: string,
    template: Json | undefined,
  ): JsonObject | undefined => {
    if (!isObject(template)) return undefined;
    const metadata = isObject(template.metadata) ? template.metadata : {};
    return {
      apiVersion: newKind === 'Pod' ? 'v1' : 'batch/v1',
      kind: newKind,
      metadata: { ...metadata, namespace: ns },
      spec: isObject(template.spec) ? template.spec : {},
    };
  };
  if (kind === 'CronJob') {
    const job = fromTemplate('Job', spec.jobTemplate);
    if (!job) return [];
    return [{ kind: 'Job', object: job }, ...derivedObjects('Job', job, ns)];
  }
  if (kind === 'Pod') return [];
  const pod = fromTemplate('Pod', spec.template);
  return pod ? [{ kind: 'Pod', object: pod }] : [];
}

/**
 * Applies the platform's Kyverno validate rules to every workload
 * (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) among rendered
 * documents, and to the Jobs and Pods their templates create. Other documents
 * (Services, ConfigMaps, CRs...) are ignored. A `List` is unpacked.
 */
export function checkWorkloads(
  documents: unknown[],
  options: CheckOptions = {},
): Violation[] {
  if (!Array.isArray(documents))
    throw new TypeError('documents must be an array');
  const rules =
    options.rules ?? (defaultRules ??= loadPolicyRules(findPolicyDir()));
  const violations: Violation[] = [];
  const queue = [...documents];
  for (let i = 0; i < queue.length; i++) {
    const doc = queue[i];
    if (doc === null || doc === undefined) continue; // empty YAML document
    if (!isObject(doc)) throw new TypeError(`Document ${i} is not an object`);
    if (doc.kind === 'List' && Array.isArray(doc.items)) {
      queue.push(...doc.items);
      continue;
    }
    if (typeof doc.kind !== 'string' || !WORKLOAD_KINDS.has(doc.kind)) continue;
    const metadata = isObject(doc.metadata) ? doc.metadata : {};
    if (typeof metadata.name !== 'string' || metadata.name === '') {
      throw new TypeError(`Document ${i}: a ${doc.kind} without metadata.name`);
    }
    const name = metadata.name;
    const ns =
      typeof metadata.namespace === 'string' && metadata.namespace !== ''
        ? metadata.namespace
        : options.defaultNamespace ?? DEFAULT_NAMESPACE;
    const own = evaluate(rules, doc, doc.kind, name, ns);
    for (const v of own)
      violations.push({
        policy: v.policy,
        kind: doc.kind,
        name,
        message: v.message,
      });
    // Objects created from the template are admitted too. Report their
    // failures only for policies the workload itself passed, to avoid saying
    // the same thing twice.
    const reported = new Set(own.map(v => v.policy));
    for (const derived of derivedObjects(doc.kind, doc, ns)) {
      for (const v of evaluate(rules, derived.object, derived.kind, name, ns)) {
        if (reported.has(v.policy)) continue;
        reported.add(v.policy);
        violations.push({
          policy: v.policy,
          kind: derived.kind,
          name,
          message: `${v.message} [${derived.kind} created by ${doc.kind} ${name}]`,
        });
      }
    }
  }
  return violations;
}
