'use strict';
/**
 * Policy reports as Kyverno 1.15+ writes them from its background scan:
 * one report per resource, named by the resource's uid, in the resource's
 * namespace (a cluster report for cluster-scoped resources), with `scope`
 * and an owner reference naming the resource, the label
 * app.kubernetes.io/managed-by=kyverno, results sorted by policy and rule,
 * and the messages Kyverno's engine writes (pkg/engine/handlers,
 * pkg/utils/report/results.go). The same results go to
 * wgpolicyk8s.io/v1alpha2 (PolicyReport, ClusterPolicyReport) or, with
 * --openreportsEnabled, to openreports.io/v1alpha1 (Report, ClusterReport).
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { uidFor, iso } = require('./objects.cjs');

/** Every ClusterPolicy and Policy document of a folder of YAML files. */
function loadPolicies(dir) {
  const out = [];
  for (const file of fs
    .readdirSync(dir)
    .filter(f => /\.ya?ml$/.test(f))
    .sort()) {
    for (const doc of YAML.parseAllDocuments(
      fs.readFileSync(path.join(dir, file), 'utf8'),
    )) {
      if (doc.errors.length)
        throw new Error(`${path.join(dir, file)}: ${doc.errors[0].message}`);
      const obj = doc.toJS();
      if (
        obj &&
        obj.apiVersion?.startsWith('kyverno.io/') &&
        ['ClusterPolicy', 'Policy'].includes(obj.kind)
      ) {
        out.push(obj);
      }
    }
  }
  return out;
}

const glob = pattern =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
const globMatch = (patterns, value) => patterns.some(p => glob(p).test(value));

// Kyverno's default autogen controllers for a Pod rule.
const AUTOGEN_CONTROLLERS = [
  'DaemonSet',
  'Deployment',
  'Job',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
];

function blocksOf(spec) {
  if (!spec) return [];
  if (spec.any) return spec.any.map(b => b.resources ?? {});
  if (spec.all) return spec.all.map(b => b.resources ?? {});
  return spec.resources ? [spec.resources] : [];
}

/** The rules of the policies that Kyverno's background scan reports on. */
function ruleTable(policies) {
  const rules = [];
  for (const pol of policies) {
    const a = pol.metadata.annotations ?? {};
    const base = {
      policy:
        pol.kind === 'Policy'
          ? `${pol.metadata.namespace}/${pol.metadata.name}`
          : pol.metadata.name,
      policyNamespace:
        pol.kind === 'Policy' ? pol.metadata.namespace : undefined,
      category: a['policies.kyverno.io/category'] ?? '',
      severity: ['critical', 'high', 'medium', 'low', 'info'].includes(
        a['policies.kyverno.io/severity'],
      )
        ? a['policies.kyverno.io/severity']
        : '',
      scored: a['policies.kyverno.io/scored'] !== 'false',
      background: pol.spec.background !== false,
    };
    const autogen = a['pod-policies.kyverno.io/autogen-controllers'] !== 'none';
    for (const r of pol.spec.rules ?? []) {
      let type;
      if (r.verifyImages) type = 'verifyImages';
      else if (r.validate?.anyPattern) type = 'anyPattern';
      else if (r.validate?.pattern) type = 'pattern';
      else if (r.validate?.deny) type = 'deny';
      else if (r.validate) type = 'validate';
      else if (r.mutate?.targets) type = 'mutateExisting';
      else if (r.mutate) type = 'mutate';
      else type = 'generate';
      const rule = {
        ...base,
        rule: r.name,
        type,
        match: blocksOf(r.match),
        exclude: blocksOf(r.exclude),
        message: r.validate?.message ?? '',
        imageReferences: (r.verifyImages ?? []).flatMap(
          v => v.imageReferences ?? [],
        ),
        targets: r.mutate?.targets ?? [],
      };
      rules.push(rule);
      const kinds = rule.match.flatMap(b => b.kinds ?? []);
      if (
        autogen &&
        kinds.length &&
        kinds.every(k => k === 'Pod') &&
        type !== 'mutate'
      ) {
        const withKinds = ks => rule.match.map(b => ({ ...b, kinds: ks }));
        rules.push({
          ...rule,
          rule: `autogen-${r.name}`,
          match: withKinds(AUTOGEN_CONTROLLERS),
        });
        rules.push({
          ...rule,
          rule: `autogen-cronjob-${r.name}`,
          match: withKinds(['CronJob']),
        });
      }
    }
  }
  return rules;
}

function blockMatches(block, obj) {
  const ns =
    obj.kind === 'Namespace' ? obj.metadata.name : obj.metadata.namespace ?? '';
  if (block.kinds && !block.kinds.includes(obj.kind)) return false;
  if (block.namespaces && !globMatch(block.namespaces, ns)) return false;
  if (block.names && !globMatch(block.names, obj.metadata.name)) return false;
  return true;
}

/** The pod spec a rule checks on a workload (Pod, template or jobTemplate). */
function podSpecOf(obj) {
  if (obj.kind === 'Pod') return obj.spec;
  if (obj.kind === 'CronJob')
    return obj.spec?.jobTemplate?.spec?.template?.spec;
  return obj.spec?.template?.spec;
}

function imagesOf(obj) {
  const spec = podSpecOf(obj) ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map(
    c => c.image,
  );
}

/** Whether the background scan evaluates this rule on this resource. */
function applies(rule, obj) {
  if (!rule.background || rule.type === 'mutate' || rule.type === 'generate')
    return false;
  if (rule.policyNamespace && rule.policyNamespace !== obj.metadata.namespace)
    return false;
  if (!rule.match.some(b => blockMatches(b, obj))) return false;
  if (rule.exclude.some(b => blockMatches(b, obj))) return false;
  if (rule.type === 'verifyImages')
    return imagesOf(obj).some(i => globMatch(rule.imageReferences, i));
  return true;
}

function substitute(message, obj) {
  return message
    .replace(/\{\{\s*request\.object\.kind\s*\}\}/g, obj.kind)
    .replace(
      /\{\{\s*request\.object\.metadata\.name\s*\}\}/g,
      obj.metadata.name,
    )
    .replace(
      /\{\{\s*request\.object\.metadata\.namespace\s*\}\}/g,
      obj.metadata.namespace ?? '',
    );
}

/**
 * One result. `outcome` (default: pass):
 *   { result: 'fail', path }              a pattern failed at path
 *   { result: 'fail', paths: [...] }      every anyPattern failed
 *   { result: 'fail' | 'error', reason }  verifyImages could not verify
 *   { result: 'warn', path }              a failure of an unscored policy
 *   { result: 'skip', exception: {namespace, name} }
 */
function result(rule, obj, at, outcome = { result: 'pass' }) {
  let message;
  let status = outcome.result;
  const properties = {};
  const image = imagesOf(obj).find(i => globMatch(rule.imageReferences, i));
  if (status === 'skip') {
    // Kyverno 1.13+ joins the exception key to this text with no space.
    message = `rule is skipped due to policy exceptions${outcome.exception.namespace}/${outcome.exception.name}`;
    properties.exceptions = outcome.exception.name;
  } else if (rule.type === 'verifyImages') {
    if (status === 'pass') {
      message =
        obj.kind === 'Pod'
          ? 'verified from cache'
          : `verified image signatures for ${image}`;
    } else {
      message = `failed to verify image ${image}: ${outcome.reason}`;
    }
  } else if (rule.type === 'mutateExisting') {
    const t = rule.targets[0];
    const ns = substitute(String(t.namespace ?? ''), obj);
    message = `mutated ${t.kind}/${t.name} in namespace ${ns}`;
    const [group, version] = t.apiVersion.includes('/')
      ? t.apiVersion.split('/')
      : ['', t.apiVersion];
    properties[
      'patched-target'
    ] = `${group}/${version}, Kind=${t.kind} Name=${t.name} Namespace=${ns}`;
  } else if (status === 'pass') {
    message =
      rule.type === 'anyPattern'
        ? `validation rule '${rule.rule}' anyPattern[${
            outcome.index ?? 0
          }] passed.`
        : `validation rule '${rule.rule}' passed.`;
  } else {
    let msg = substitute(rule.message, obj);
    if (outcome.paths) {
      const errs = outcome.paths
        .map((p, i) => `rule ${rule.rule}[${i}] failed at path ${p}`)
        .join(' ');
      message = msg.endsWith('.')
        ? `validation error: ${msg} ${errs}`
        : `validation error: ${msg}. ${errs}`;
    } else {
      if (!msg.endsWith('.')) msg += '.';
      message = `validation error: ${msg} rule ${rule.rule} failed at path ${outcome.path}`;
    }
  }
  properties.process = 'background scan';
  if (status === 'fail' && !rule.scored) status = 'warn';
  const out = {
    policy: rule.policy,
    rule: rule.rule,
    result: status,
    ...(rule.severity ? { severity: rule.severity } : {}),
    ...(rule.category ? { category: rule.category } : {}),
    message,
    properties,
    // `scored` is omitted when false (omitempty): unscored failures are warnings.
    ...(rule.scored && status !== 'warn' ? { scored: true } : {}),
    source: 'kyverno',
    timestamp: { nanos: 0, seconds: Math.floor(at / 1000) },
  };
  return out;
}

/** The first PolicyException that exempts this resource from this rule. */
function exceptionFor(exceptions, rule, obj) {
  return exceptions.find(
    ex =>
      (ex.spec.exceptions ?? []).some(
        e =>
          e.policyName === rule.policy &&
          (e.ruleNames ?? []).some(n => glob(n).test(rule.rule)),
      ) && blocksOf(ex.spec.match).some(b => blockMatches(b, obj)),
  );
}

/** Kinds and namespaces Kyverno's default resourceFilters leave out of scans. */
function filtered(obj) {
  const ns =
    obj.kind === 'Namespace' ? obj.metadata.name : obj.metadata.namespace;
  return (
    ['ReplicaSet', 'Event', 'Node'].includes(obj.kind) ||
    ['kyverno', 'kube-system', 'kube-public', 'kube-node-lease'].includes(ns)
  );
}

const REPORT_KINDS = {
  'wgpolicyk8s.io': {
    version: 'v1alpha2',
    namespaced: 'PolicyReport',
    cluster: 'ClusterPolicyReport',
  },
  'openreports.io': {
    version: 'v1alpha1',
    namespaced: 'Report',
    cluster: 'ClusterReport',
  },
};

function summarize(results) {
  const s = { error: 0, fail: 0, pass: 0, skip: 0, warn: 0 };
  for (const r of results) s[r.result] += 1;
  return s;
}

/** The report of one resource. */
function report({ group, obj, results, created, rv }) {
  const kinds = REPORT_KINDS[group];
  const namespaced = Boolean(obj.metadata.namespace);
  const kind = namespaced ? kinds.namespaced : kinds.cluster;
  const name = obj.metadata.uid;
  const sorted = [...results].sort((a, b) =>
    a.policy < b.policy
      ? -1
      : a.policy > b.policy
      ? 1
      : a.rule < b.rule
      ? -1
      : a.rule > b.rule
      ? 1
      : 0,
  );
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    ...(namespaced ? { namespace: obj.metadata.namespace } : {}),
    uid: obj.metadata.uid,
  };
  return {
    apiVersion: `${group}/${kinds.version}`,
    kind,
    metadata: {
      name,
      ...(namespaced ? { namespace: obj.metadata.namespace } : {}),
      uid: uidFor(`${kind}/${obj.metadata.namespace ?? ''}/${name}`),
      resourceVersion: rv,
      generation: 1,
      creationTimestamp: iso(created),
      labels: { 'app.kubernetes.io/managed-by': 'kyverno' },
      ownerReferences: [
        {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name,
          uid: obj.metadata.uid,
        },
      ],
    },
    scope: ref,
    // openreports' Report has a `source` of its own, which Kyverno leaves empty.
    ...(group === 'openreports.io' ? { source: '' } : {}),
    summary: summarize(sorted),
    results: sorted,
  };
}

module.exports = {
  loadPolicies,
  ruleTable,
  applies,
  exceptionFor,
  filtered,
  result,
  report,
  summarize,
  imagesOf,
  REPORT_KINDS,
};
