'use strict';
/**
 * Synthetic benchmark data: `results` extra report results over generated
 * Deployments and their Pods, one report per resource, spread over several
 * svc-bench-NN namespaces and the served report API groups. Deterministic:
 * the same options give the same objects.
 */
const O = require('./objects.cjs');
const K = require('./kyverno.cjs');

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/localplus';

function generate({ results, rules, groups, namespaces = 8, seed = 'bench' }) {
  if (!Number.isInteger(results) || results < 0)
    throw new Error('generate.results must be a whole number');
  if (groups.length === 0)
    throw new Error('generate needs a served report API group');
  const clock = new O.Clock(90_000_000);
  const random = O.prng(seed);
  const base = Date.UTC(2026, 10, 20, 8, 0, 0);
  const scan = Date.UTC(2026, 11, 5, 22, 30, 0);
  const nsNames = Array.from(
    { length: namespaces },
    (_, i) => `svc-bench-${String(i + 1).padStart(2, '0')}`,
  );
  const objects = nsNames.map(n =>
    O.namespace(n, {
      created: base,
      rv: clock.next(),
      labels: {
        'app.kubernetes.io/part-of': 'local-plus',
        'local-plus.io/owner': 'product-team',
      },
    }),
  );
  const exception = {
    apiVersion: 'kyverno.io/v2',
    kind: 'PolicyException',
    metadata: {
      name: `${seed}-writable-root`,
      namespace: 'kyverno',
      uid: O.uidFor(`PolicyException/kyverno/${seed}-writable-root`),
      resourceVersion: clock.next(),
      generation: 1,
      creationTimestamp: O.iso(base),
    },
    spec: {
      background: true,
      exceptions: [
        {
          policyName: 'require-readonly-root-filesystem',
          ruleNames: ['readonly-rootfs-pod-controllers', 'readonly-rootfs-pod'],
        },
      ],
      match: { any: [] },
    },
  };

  let remaining = results;
  for (let i = 0; remaining > 0; i++) {
    const nsIndex = i % namespaces;
    const ns = nsNames[nsIndex];
    const name = `bench-${String(i + 1).padStart(4, '0')}`;
    const version = `1.${i % 17}.${i % 5}`;
    const digest = O.sha256(`${seed}/${name}:${version}`);
    const roll = random();
    const labels = {
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/part-of': 'local-plus',
      'app.kubernetes.io/component': 'api',
      'backstage.io/kubernetes-id': name,
      'local-plus.io/owner': 'product-team',
      'local-plus.io/criticality': ['P0', 'P1', 'P2'][i % 3],
    };
    const skip = roll >= 0.17 && roll < 0.2;
    const workload = O.service({
      namespace: ns,
      name,
      labels,
      selector: {
        'app.kubernetes.io/name': name,
        'app.kubernetes.io/component': 'api',
      },
      image:
        roll < 0.08
          ? `${ECR}/${name}:${version}-hotfix`
          : `${ECR}/${name}:${version}@sha256:${digest}`,
      imageDigest: digest,
      replicas: 2,
      resources:
        roll >= 0.08 && roll < 0.14
          ? { requests: { cpu: '100m', memory: '256Mi' } }
          : undefined,
      containerSecurityContext: skip
        ? { readOnlyRootFilesystem: false }
        : undefined,
      serviceAccount: false,
      created: base + i * 60_000,
      rolledOut: base + i * 60_000 + 3 * 3_600_000,
      clock,
    });
    if (skip) {
      exception.spec.match.any.push(
        {
          resources: { kinds: ['Deployment'], namespaces: [ns], names: [name] },
        },
        {
          resources: { kinds: ['Pod'], namespaces: [ns], names: [`${name}-*`] },
        },
      );
    }
    objects.push(...workload);
    const errorPod =
      roll >= 0.14 && roll < 0.17
        ? workload.find(o => o.kind === 'Pod')
        : undefined;
    for (const obj of workload) {
      if (remaining === 0 || K.filtered(obj)) continue;
      const applicable = rules
        .filter(r => K.applies(r, obj))
        .slice(0, remaining);
      if (applicable.length === 0) continue;
      const at = scan + i * 1000;
      const out = applicable.map(rule => {
        if (skip && rule.policy === 'require-readonly-root-filesystem') {
          return K.result(rule, obj, at, {
            result: 'skip',
            exception: exception.metadata,
          });
        }
        if (rule.rule === 'verify-localplus-image-signature' && roll < 0.08) {
          return K.result(rule, obj, at, {
            result: 'fail',
            reason: '.attestors[0].entries[0].keys: no signatures found',
          });
        }
        if (
          rule.rule === 'verify-localplus-image-signature' &&
          obj === errorPod
        ) {
          return K.result(rule, obj, at, {
            result: 'error',
            reason: `.attestors[0].entries[0].keys: Get "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/": dial tcp 10.0.48.21:443: i/o timeout`,
          });
        }
        if (
          rule.policy === 'require-resource-limits' &&
          roll >= 0.08 &&
          roll < 0.14
        ) {
          const path =
            obj.kind === 'Pod'
              ? '/spec/containers/0/resources/limits/'
              : '/spec/template/spec/containers/0/resources/limits/';
          return K.result(rule, obj, at, { result: 'fail', path });
        }
        return K.result(rule, obj, at);
      });
      remaining -= out.length;
      objects.push(
        K.report({
          group: groups[nsIndex % groups.length],
          obj,
          results: out,
          created: Date.parse(obj.metadata.creationTimestamp) + 17_000,
          rv: clock.next(),
        }),
      );
    }
  }
  if (exception.spec.match.any.length) objects.push(exception);
  return objects;
}

module.exports = { generate };
