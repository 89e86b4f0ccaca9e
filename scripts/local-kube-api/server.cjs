#!/usr/bin/env node
'use strict';
/**
 * A local, read-only Kubernetes API server that answers in the real wire
 * format: discovery (/version, /api, /api/v1, /apis, /apis/<group>[/<version>]),
 * lists (cluster-wide and per namespace, label and field selectors, `limit`
 * and `continue` paging with expiring tokens, `remainingItemCount`), gets,
 * watches (the current objects, then nothing changes), pods/log,
 * scale and status subresources, PodMetrics, and Status objects for every error
 * (401, 403, 404, 405, 410, 400). Objects come from YAML fixtures; nothing
 * can write to it. No Kubernetes API server can run on these machines:
 * this stands in for one so that the portal's Kubernetes and Kyverno
 * plugins read something real.
 *
 *   node scripts/local-kube-api/server.cjs --port 54601 \
 *     --fixtures scripts/local-kube-api/fixtures/local --policies policies/kyverno \
 *     --token local-plus-dev-token [--name local] [--forbidden policyreports,...]
 *     [--api-groups wgpolicyk8s.io] [--continue-ttl-ms 300000] [--latency-ms 0]
 *     [--generate-results 10000] [--host 127.0.0.1] [--user system:serviceaccount:ns:name]
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const crypto = require('node:crypto');
const YAML = require('yaml');
const {
  RESOURCES,
  REPORT_GROUPS,
  servedResources,
} = require('./lib/resources.cjs');
const S = require('./lib/selectors.cjs');
const O = require('./lib/objects.cjs');
const K = require('./lib/kyverno.cjs');
const { generate } = require('./lib/generate.cjs');

const REPO = path.resolve(__dirname, '../..');
const DEFAULT_USER = 'system:serviceaccount:backstage:kyverno-reader';

// Messages of k8s.io/apiserver (storage/etcd3 and storage/continue.go).
const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

class ApiError extends Error {
  constructor(code, reason, message, details, listMeta) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.listMeta = listMeta;
  }
}

function statusBody(code, reason, message, details, listMeta) {
  const body = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: listMeta ?? {},
    status: 'Failure',
    message,
    reason,
  };
  if (details) body.details = details;
  body.code = code;
  return body;
}

function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFoundPath();
  }
}

const notFoundPath = () =>
  new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );

function detailsOf(res, name) {
  const d = {};
  if (name) d.name = name;
  if (res.group) d.group = res.group;
  d.kind = res.plural;
  return d;
}

// ---------------------------------------------------------------- loading

function readYamlDocs(file) {
  const docs = [];
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    // A List (kubectl get -o yaml) holds its objects in items.
    if (
      typeof obj.kind === 'string' &&
      obj.kind.endsWith('List') &&
      Array.isArray(obj.items)
    )
      docs.push(...obj.items);
    else docs.push(obj);
  }
  return docs;
}

function yamlFiles(target) {
  const stat = fs.statSync(target);
  if (stat.isFile()) return [target];
  return fs
    .readdirSync(target)
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .map(f => path.join(target, f));
}

const asArray = v =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];

// ---------------------------------------------------------------- the store

class Store {
  constructor(resources) {
    this.resources = resources;
    this.byId = new Map(
      resources.map(r => [
        r.groupVersion + '/' + r.plural,
        { res: r, items: [] },
      ]),
    );
    this.byKind = new Map(
      RESOURCES.map(r => [`${r.groupVersion}|${r.kind}`, r]),
    );
    this.count = 0;
    this.maxRv = 0;
  }

  /** Adds an object; objects of a group this server does not serve are left out. */
  add(obj, source) {
    if (!obj || typeof obj !== 'object' || !obj.apiVersion || !obj.kind) {
      throw new Error(`${source}: an object without apiVersion and kind`);
    }
    const res = this.byKind.get(`${obj.apiVersion}|${obj.kind}`);
    if (!res || res.computed)
      throw new Error(
        `${source}: no resource for ${obj.apiVersion} ${obj.kind} is served`,
      );
    const entry = this.byId.get(res.groupVersion + '/' + res.plural);
    if (!entry) return false; // an API group switched off with apiGroups
    const meta = (obj.metadata = { ...(obj.metadata ?? {}) });
    if (!meta.name)
      throw new Error(`${source}: ${obj.kind} without metadata.name`);
    if (res.namespaced && !meta.namespace)
      throw new Error(
        `${source}: ${obj.kind} ${meta.name} has no metadata.namespace`,
      );
    if (!res.namespaced) delete meta.namespace;
    const key = res.namespaced ? `${meta.namespace}/${meta.name}` : meta.name;
    meta.uid ??= O.uidFor(`${obj.kind}/${meta.namespace ?? ''}/${meta.name}`);
    meta.creationTimestamp ??= '2026-09-14T08:02:11Z';
    if (meta.resourceVersion === undefined) meta.pendingRv = true;
    else this.maxRv = Math.max(this.maxRv, Number(meta.resourceVersion) || 0);
    entry.items.push({ key, obj });
    this.count += 1;
    return true;
  }

  /** Sorts each collection by its storage key and serialises every object once. */
  seal() {
    for (const { res, items } of this.byId.values()) {
      items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (let i = 1; i < items.length; i++) {
        if (items[i].key === items[i - 1].key)
          throw new Error(`two ${res.kind} objects named ${items[i].key}`);
      }
      for (const it of items) {
        const meta = it.obj.metadata;
        if (meta.pendingRv) {
          delete meta.pendingRv;
          meta.resourceVersion = String((this.maxRv += 1));
        }
        it.obj = normalise(res, it.obj);
        it.full = JSON.stringify(it.obj);
        // Built-in lists drop each item's kind and apiVersion; custom
        // resources are unstructured and keep them.
        if (res.crd) it.item = it.full;
        else {
          const { kind: _k, apiVersion: _a, ...rest } = it.obj;
          it.item = JSON.stringify(rest);
        }
      }
    }
  }

  entry(res) {
    return this.byId.get(res.groupVersion + '/' + res.plural);
  }
}

/** Field order as the API server writes it (custom resources: sorted keys). */
function normalise(res, obj) {
  if (res.crd) return O.deepSortKeys(obj);
  const { kind, apiVersion, metadata, ...rest } = obj;
  return { kind, apiVersion, metadata, ...rest };
}

// ---------------------------------------------------------------- discovery

function apiResource(res) {
  const out = [
    {
      name: res.plural,
      singularName: res.aggregated ? '' : res.singular,
      namespaced: res.namespaced,
      kind: res.kind,
      verbs: res.verbs,
      ...(res.shortNames ? { shortNames: res.shortNames } : {}),
      ...(res.categories ? { categories: res.categories } : {}),
    },
  ];
  for (const sub of res.subresources) {
    out.push({
      name: `${res.plural}/${sub}`,
      singularName: '',
      namespaced: res.namespaced,
      ...(sub === 'scale'
        ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
        : { kind: res.kind }),
      verbs: ['get'],
    });
  }
  return out;
}

function groupsOf(resources) {
  const groups = new Map();
  for (const r of resources) {
    if (!r.group) continue;
    const g = groups.get(r.group) ?? { name: r.group, versions: [] };
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
    groups.set(r.group, g);
  }
  // Highest version priority first (v2 > v1 > v1beta1 > v1alpha1); that is the preferred one.
  const priority = v => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    return m
      ? Number(m[1]) * 1000 +
          (m[2] === 'beta' ? -500 : m[2] === 'alpha' ? -900 : 0) +
          Number(m[3] ?? 0)
      : 0;
  };
  return [...groups.values()].map(g => {
    const versions = g.versions
      .sort((a, b) => priority(b) - priority(a))
      .map(v => ({ groupVersion: `${g.name}/${v}`, version: v }));
    return { name: g.name, versions, preferredVersion: versions[0] };
  });
}

// ---------------------------------------------------------------- paging

function encodeContinue(rv, start) {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv, start }),
  ).toString('base64url');
}

function decodeContinue(token) {
  const bad = why =>
    new ApiError(400, 'BadRequest', `invalid continue token: ${why}`);
  let parsed;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token))
      throw new Error(
        `illegal base64 data at input byte ${token.search(/[^A-Za-z0-9_-]/)}`,
      );
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (e) {
    throw bad(`continue key is not valid: ${e.message}`);
  }
  if (!parsed || parsed.v !== 'meta.k8s.io/v1')
    throw bad('continue key is not supported by this server version');
  if (!Number.isInteger(parsed.rv) || parsed.rv === 0) {
    throw bad(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (typeof parsed.start !== 'string' || parsed.start.length === 0)
    throw bad('continue key is not valid: encoded start key empty');
  if (parsed.start.split('/').some(p => p === '..' || p === '.')) {
    throw bad('continue key is not valid: path traversal attempt detected');
  }
  return parsed;
}

// ---------------------------------------------------------------- the server

function normaliseOptions(options = {}) {
  const o = { ...options };
  if (!o.token || typeof o.token !== 'string')
    throw new Error('local-kube-api: a bearer token is required (token)');
  o.host ??= '127.0.0.1';
  o.port ??= 0;
  o.name ??= 'local';
  o.user ??= DEFAULT_USER;
  o.continueTtlMs ??= 5 * 60_000;
  // The next N continue tokens presented answer 410, as after a compaction.
  o.expireContinueTokens ??= 0;
  o.latencyMs ??= 0;
  o.forbidden = asArray(o.forbidden)
    .flatMap(f => String(f).split(','))
    .map(s => s.trim())
    .filter(Boolean);
  o.apiGroups =
    o.apiGroups === undefined
      ? REPORT_GROUPS
      : asArray(o.apiGroups)
          .flatMap(g => String(g).split(','))
          .map(s => s.trim())
          .filter(Boolean);
  const unknown = o.apiGroups.filter(g => !REPORT_GROUPS.includes(g));
  if (unknown.length)
    throw new Error(
      `local-kube-api: apiGroups may only name ${REPORT_GROUPS.join(
        ', ',
      )} (got ${unknown.join(', ')})`,
    );
  return o;
}

/**
 * Starts the server. Options: port (0 = any free port), host, token, name,
 * fixtures (folders or files of YAML), objects, policies (folders whose
 * ClusterPolicy and Policy documents are served too), forbidden (resource
 * plurals answering 403), apiGroups (report groups served), continueTtlMs,
 * expireContinueTokens (the next N continue tokens answer 410), latencyMs, generate ({ results, namespaces, policies }), user.
 */
async function startLocalKubeApi(options) {
  const opts = normaliseOptions(options);
  const resources = servedResources(opts.apiGroups);
  const store = new Store(resources);

  for (const target of asArray(opts.fixtures)) {
    for (const file of yamlFiles(path.resolve(target))) {
      for (const obj of readYamlDocs(file))
        store.add(obj, path.relative(REPO, file));
    }
  }
  for (const dir of asArray(opts.policies)) {
    for (const pol of K.loadPolicies(path.resolve(dir))) store.add(pol, dir);
  }
  for (const obj of asArray(opts.objects))
    store.add(structuredClone(obj), 'objects');
  if (opts.generate && opts.generate.results > 0) {
    const groups = REPORT_GROUPS.filter(g => opts.apiGroups.includes(g));
    const policyDirs = asArray(
      opts.generate.policies ?? path.join(REPO, 'policies/kyverno'),
    );
    const rules = K.ruleTable(
      policyDirs.flatMap(d => K.loadPolicies(path.resolve(d))),
    );
    for (const obj of generate({ ...opts.generate, rules, groups }))
      store.add(obj, 'generate');
  }
  store.seal();

  // Resource versions move on with the clock, so continue tokens age.
  const startedMs = Date.now();
  const startRv = store.maxRv + 1;
  const currentRv = () => startRv + (Date.now() - startedMs);
  const rvTime = rv => startedMs + (rv - startRv);

  const byPath = new Map(
    resources.map(r => [`${r.groupVersion}/${r.plural}`, r]),
  );
  const forbidden = res =>
    opts.forbidden.includes(res.plural) ||
    opts.forbidden.includes(res.qualified);

  const send = (req, res, code, body, contentType = 'application/json') => {
    const text =
      typeof body === 'string'
        ? body
        : req.pretty
        ? JSON.stringify(JSON.parse(JSON.stringify(body)), null, 2)
        : JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': contentType,
      'Cache-Control': 'no-cache, private',
      'Audit-Id': crypto.randomUUID(),
      'X-Kubernetes-Pf-Flowschema-Uid': 'e3a2f8a0-3c1d-4d92-9d0b-0a8c7f0c2b11',
      'X-Kubernetes-Pf-Prioritylevel-Uid':
        '6f0d2f1c-7a3e-4b5e-8d9a-1c2b3a4d5e6f',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
  const sendRaw = (req, res, json) => {
    if (req.pretty) return send(req, res, 200, JSON.parse(json));
    return send(req, res, 200, json);
  };

  function resolve(parts) {
    // -> { discovery } | { text } | { res, namespace, name, sub }; else 404.
    if (parts.length === 0) {
      const paths = [
        '/api',
        '/api/v1',
        '/apis',
        '/healthz',
        '/livez',
        '/readyz',
        '/version',
      ];
      for (const g of groupsOf(resources)) {
        paths.push(`/apis/${g.name}`);
        for (const v of g.versions) paths.push(`/apis/${v.groupVersion}`);
      }
      return { discovery: () => ({ paths: paths.sort() }) };
    }
    if (parts.length === 1 && ['healthz', 'livez', 'readyz'].includes(parts[0]))
      return { text: 'ok' };
    if (parts.length === 1 && parts[0] === 'version') {
      return {
        // The API it imitates; no real build, hence no commit.
        discovery: () => ({
          major: '1',
          minor: '31',
          gitVersion: 'v1.31.4',
          gitCommit: '0000000000000000000000000000000000000000',
          gitTreeState: 'clean',
          buildDate: '2024-12-10T00:00:00Z',
          goVersion: 'go1.22.9',
          compiler: 'gc',
          platform: 'linux/amd64',
        }),
      };
    }
    let group;
    let version;
    let rest;
    if (parts[0] === 'api') {
      if (parts.length === 1) {
        return {
          discovery: () => ({
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [
              {
                clientCIDR: '0.0.0.0/0',
                serverAddress: `${opts.host}:${serverPort}`,
              },
            ],
          }),
        };
      }
      if (parts[1] !== 'v1') throw notFoundPath();
      group = '';
      version = 'v1';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis') {
      const groups = groupsOf(resources);
      if (parts.length === 1)
        return {
          discovery: () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups }),
        };
      const g = groups.find(x => x.name === parts[1]);
      if (!g) throw notFoundPath();
      if (parts.length === 2)
        return {
          discovery: () => ({ kind: 'APIGroup', apiVersion: 'v1', ...g }),
        };
      if (!g.versions.some(v => v.version === parts[2])) throw notFoundPath();
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else throw notFoundPath();

    const gv = group ? `${group}/${version}` : version;
    if (rest.length === 0) {
      return {
        discovery: () => ({
          kind: 'APIResourceList',
          ...(group ? { apiVersion: 'v1' } : {}),
          groupVersion: gv,
          resources: resources
            .filter(r => r.groupVersion === gv)
            .flatMap(apiResource),
        }),
      };
    }
    const find = plural => byPath.get(`${gv}/${plural}`);
    let namespace;
    if (
      rest[0] === 'namespaces' &&
      rest.length >= 3 &&
      !(group === '' && rest.length === 3 && !find(rest[2])?.namespaced)
    ) {
      namespace = decode(rest[1]);
      rest = rest.slice(2);
      const r = find(rest[0]);
      if (!r || !r.namespaced) throw notFoundPath();
    }
    const r = find(rest[0]);
    if (!r || rest.length > 3) throw notFoundPath();
    if (!namespace && r.namespaced && rest.length > 1) throw notFoundPath();
    const name = rest[1] !== undefined ? decode(rest[1]) : undefined;
    const sub = rest[2];
    if (sub !== undefined && !r.subresources.includes(sub))
      throw notFoundPath();
    return { res: r, namespace, name, sub };
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    const q = url.searchParams;
    req.pretty = q.get('pretty') === 'true' || q.get('pretty') === '1';
    if (opts.latencyMs > 0) {
      // Ends early when the client gives up, so a closed server leaves no timer.
      await new Promise(r => {
        const timer = setTimeout(r, opts.latencyMs);
        res.on('close', () => {
          clearTimeout(timer);
          r();
        });
      });
      if (res.destroyed || res.writableEnded) return;
    }

    // Authentication first (anonymous requests are not allowed).
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m || m[1].trim() !== opts.token)
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');

    const parts = url.pathname.split('/').filter(Boolean);
    const target = resolve(parts);
    // Read-only: every other method is refused, as for a resource whose
    // storage implements no write verb.
    if (req.method !== 'GET') {
      if (!target.res)
        throw new ApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
          {},
        );
      const action =
        {
          POST: 'create',
          PUT: 'update',
          PATCH: 'patch',
          DELETE: target.name ? 'delete' : 'deletecollection',
        }[req.method] ?? req.method.toLowerCase();
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `${action} is not supported on resources of kind "${target.res.qualified}"`,
        {
          ...(target.res.group ? { group: target.res.group } : {}),
          kind: target.res.plural,
        },
      );
    }
    if (target.text)
      return send(req, res, 200, target.text, 'text/plain; charset=utf-8');
    if (target.discovery) return send(req, res, 200, target.discovery());

    const { res: r, namespace, name, sub } = target;
    const watching = q.get('watch') === 'true' || q.get('watch') === '1';
    const verb = name ? 'get' : watching ? 'watch' : 'list';
    if (forbidden(r)) {
      const resource = sub ? `${r.plural}/${sub}` : r.plural;
      const scope = namespace
        ? `in the namespace "${namespace}"`
        : 'at the cluster scope';
      const what = name ? `${r.qualified} "${name}"` : r.qualified;
      throw new ApiError(
        403,
        'Forbidden',
        `${what} is forbidden: User "${opts.user}" cannot ${verb} resource "${resource}" in API group "${r.group}" ${scope}`,
        detailsOf(r, name),
      );
    }
    if (name) return getOne(req, res, r, namespace, name, sub, q);
    if (watching) return watch(req, res, r, namespace, q);
    return list(req, res, r, namespace, q);
  }

  function selectorsOf(r, q) {
    try {
      return {
        labels: S.parseLabelSelector(q.get('labelSelector') ?? ''),
        fields: S.parseFieldSelector(
          q.get('fieldSelector') ?? '',
          r.fieldLabels,
        ),
      };
    } catch (e) {
      if (e instanceof S.SelectorError)
        throw new ApiError(400, 'BadRequest', e.message);
      throw e;
    }
  }

  function itemsOf(r, namespace) {
    if (r.computed) return podMetrics(namespace);
    const { items } = store.entry(r);
    return namespace === undefined
      ? items
      : items.filter(it => it.obj.metadata.namespace === namespace);
  }

  function list(req, res, r, namespace, q) {
    const sel = selectorsOf(r, q);
    const filtered = sel.labels.length > 0 || sel.fields.length > 0;
    const matches = it =>
      S.matchLabels(sel.labels, it.obj.metadata.labels) &&
      S.matchFields(sel.fields, it.obj);
    const limit = Math.max(0, parseInt(q.get('limit') ?? '0', 10) || 0);
    const token = q.get('continue');
    const rvParam = q.get('resourceVersion');
    const all = itemsOf(r, namespace);
    const prefixLength = namespace === undefined ? 0 : namespace.length + 1;
    let snapshotRv = currentRv();
    let start = 0;
    if (token) {
      if (rvParam && rvParam !== '0') {
        throw new ApiError(
          400,
          'BadRequest',
          'specifying resource version is not allowed when using continue',
        );
      }
      const c = decodeContinue(token);
      const compacted = opts.expireContinueTokens > 0;
      if (compacted) opts.expireContinueTokens -= 1;
      if (
        compacted ||
        (c.rv !== -1 && Date.now() - rvTime(c.rv) > opts.continueTtlMs)
      ) {
        // Compacted: the list can only go on at the latest version.
        throw new ApiError(410, 'Expired', CONTINUE_EXPIRED, undefined, {
          continue: encodeContinue(-1, c.start),
        });
      }
      if (c.rv !== -1) snapshotRv = c.rv;
      const startKey =
        namespace === undefined ? c.start : `${namespace}/${c.start}`;
      start = all.findIndex(it => it.key >= startKey);
      if (start < 0) start = all.length;
    }
    const page = [];
    let i = start;
    for (; i < all.length; i++) {
      if (limit > 0 && page.length >= limit) break;
      if (matches(all[i])) page.push(all[i]);
    }
    const metadata = { resourceVersion: String(snapshotRv) };
    // Like etcd: a full page says there is more when any key follows it,
    // matching the selectors or not; only unfiltered lists count what is left.
    if (limit > 0 && page.length >= limit && i < all.length) {
      const last = page[page.length - 1].key;
      metadata.continue = encodeContinue(
        snapshotRv,
        `${last.slice(prefixLength)}\u0000`,
      );
      if (!filtered) metadata.remainingItemCount = all.length - i;
    }
    const items = page.map(it => it.item).join(',');
    const listKind = r.listKind;
    const json = r.crd
      ? `{"apiVersion":${JSON.stringify(
          r.groupVersion,
        )},"items":[${items}],"kind":"${listKind}","metadata":${JSON.stringify(
          sortKeys(metadata),
        )}}`
      : `{"kind":"${listKind}","apiVersion":${JSON.stringify(
          r.groupVersion,
        )},"metadata":${JSON.stringify(metadata)},"items":[${items}]}`;
    return sendRaw(req, res, json);
  }

  function getOne(req, res, r, namespace, name, sub, q) {
    const key = r.namespaced ? `${namespace}/${name}` : name;
    const found = itemsOf(r, namespace).find(it => it.key === key);
    if (!found)
      throw new ApiError(
        404,
        'NotFound',
        `${r.qualified} "${name}" not found`,
        detailsOf(r, name),
      );
    if (sub === 'log')
      return send(req, res, 200, podLog(found.obj, q), 'text/plain');
    if (sub === 'scale') {
      const o = found.obj;
      const matchLabels = o.spec?.selector?.matchLabels ?? {};
      return send(req, res, 200, {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: {
          name: o.metadata.name,
          namespace: o.metadata.namespace,
          uid: o.metadata.uid,
          resourceVersion: o.metadata.resourceVersion,
          creationTimestamp: o.metadata.creationTimestamp,
        },
        spec: { replicas: o.spec?.replicas ?? 0 },
        status: {
          replicas: o.status?.replicas ?? 0,
          selector: Object.entries(matchLabels)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        },
      });
    }
    return sendRaw(req, res, found.full);
  }

  // Watches send the current objects (unless a resourceVersion says the
  // client has them), then stay open with nothing to say until they time out.
  function watch(req, res, r, namespace, q) {
    const sel = selectorsOf(r, q);
    const rvParam = q.get('resourceVersion') ?? '';
    const initial =
      q.get('sendInitialEvents') === 'true' ||
      rvParam === '' ||
      rvParam === '0';
    const timeout = Math.max(
      1,
      parseInt(q.get('timeoutSeconds') ?? '1800', 10) || 1800,
    );
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    if (initial) {
      for (const it of itemsOf(r, namespace)) {
        if (
          S.matchLabels(sel.labels, it.obj.metadata.labels) &&
          S.matchFields(sel.fields, it.obj)
        ) {
          res.write(`{"type":"ADDED","object":${it.full}}\n`);
        }
      }
    }
    if (
      q.get('sendInitialEvents') === 'true' &&
      q.get('allowWatchBookmarks') === 'true'
    ) {
      res.write(
        `${JSON.stringify({
          type: 'BOOKMARK',
          object: {
            kind: r.kind,
            apiVersion: r.groupVersion,
            metadata: {
              resourceVersion: String(currentRv()),
              annotations: { 'k8s.io/initial-events-end': 'true' },
            },
          },
        })}\n`,
      );
    }
    const timer = setTimeout(() => res.end(), timeout * 1000);
    res.on('close', () => clearTimeout(timer));
  }

  function podLog(pod, q) {
    const containers = (pod.spec?.containers ?? []).map(c => c.name);
    const container =
      q.get('container') ??
      (containers.length === 1 ? containers[0] : undefined);
    if (!container) {
      throw new ApiError(
        400,
        'BadRequest',
        `a container name must be specified for pod ${
          pod.metadata.name
        }, choose one of: [${containers.join(' ')}]`,
      );
    }
    if (!containers.includes(container)) {
      throw new ApiError(
        400,
        'BadRequest',
        `container ${container} is not valid for pod ${pod.metadata.name}`,
      );
    }
    const started = Date.parse(
      pod.status?.startTime ?? pod.metadata.creationTimestamp,
    );
    const lines = [];
    for (let i = 0; i < 20; i++) {
      const at = new Date(started + i * 15_000).toISOString();
      lines.push(
        i === 0
          ? `${at} INFO  starting ${
              pod.metadata.labels?.['app.kubernetes.io/name'] ??
              pod.metadata.name
            }`
          : `${at} INFO  GET ${i % 3 === 0 ? '/readyz' : '/healthz'} 200`,
      );
    }
    const tail = parseInt(q.get('tailLines') ?? '', 10);
    return `${(tail >= 0 ? lines.slice(-tail || lines.length) : lines).join(
      '\n',
    )}\n`;
  }

  // metrics-server's view of the pods: usage derived from each pod's name.
  function podMetrics(namespace) {
    const pods = store
      .entry(byPath.get('v1/pods'))
      .items.filter(
        it =>
          namespace === undefined || it.obj.metadata.namespace === namespace,
      );
    return pods.map(it => {
      const p = it.obj;
      const h = O.sha1(p.metadata.name);
      const obj = {
        kind: 'PodMetrics',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {
          name: p.metadata.name,
          namespace: p.metadata.namespace,
          creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          labels: p.metadata.labels,
        },
        timestamp: new Date(Math.floor(Date.now() / 15_000) * 15_000)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        window: '15.021s',
        containers: (p.spec?.containers ?? []).map((c, i) => ({
          name: c.name,
          usage: {
            cpu: `${
              (parseInt(h.slice(i * 4, i * 4 + 4), 16) % 180_000_000) +
              2_000_000
            }n`,
            memory: `${
              (parseInt(h.slice(8 + i * 4, 12 + i * 4), 16) % 300_000) + 60_000
            }Ki`,
          },
        })),
      };
      const { kind: _k, apiVersion: _a, ...item } = obj;
      return {
        key: `${p.metadata.namespace}/${p.metadata.name}`,
        obj,
        full: JSON.stringify(obj),
        item: JSON.stringify(item),
      };
    });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(e => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof ApiError) {
        send(
          req,
          res,
          e.code,
          statusBody(e.code, e.reason, e.message, e.details, e.listMeta),
        );
      } else {
        send(
          req,
          res,
          500,
          statusBody(
            500,
            'InternalError',
            `Internal error occurred: ${e.message}`,
            { causes: [{ message: e.message }] },
          ),
        );
      }
    });
  });
  let serverPort = 0;
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => {
      server.off('error', fail);
      ok();
    });
  });
  serverPort = server.address().port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${serverPort}`,
    port: serverPort,
    name: opts.name,
    objects: store.count,
    close: () =>
      new Promise(ok => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

function sortKeys(o) {
  return O.deepSortKeys(o);
}

// ---------------------------------------------------------------- CLI

function parseArgs(argv) {
  const opts = { fixtures: [], policies: [] };
  const take = (i, flag) => {
    if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value;
    if (a.startsWith('--') && a.includes('=')) {
      value = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const v = () => (value !== undefined ? value : take(i++, a));
    switch (a) {
      case '--port':
        opts.port = Number(v());
        break;
      case '--host':
        opts.host = v();
        break;
      case '--token':
        opts.token = v();
        break;
      case '--name':
        opts.name = v();
        break;
      case '--user':
        opts.user = v();
        break;
      case '--fixtures':
        opts.fixtures.push(v());
        break;
      case '--policies':
        opts.policies.push(v());
        break;
      case '--forbidden':
        opts.forbidden = v();
        break;
      case '--api-groups':
        opts.apiGroups = v();
        break;
      case '--continue-ttl-ms':
        opts.continueTtlMs = Number(v());
        break;
      case '--latency-ms':
        opts.latencyMs = Number(v());
        break;
      case '--generate-results':
        opts.generate = { results: Number(v()) };
        break;
      case '-h':
      case '--help':
        opts.help = true;
        break;
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  return opts;
}

if (require.main === module) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`local-kube-api: ${e.message}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log(
      fs
        .readFileSync(__filename, 'utf8')
        .split('*/')[0]
        .split('\n')
        .slice(2)
        .map(l => l.replace(/^ \*? ?/, ''))
        .join('\n'),
    );
    process.exit(0);
  }
  startLocalKubeApi(opts).then(
    api => {
      console.log(
        `local-kube-api: cluster '${api.name}' on ${api.url} (${api.objects} objects)`,
      );
      const stop = () => api.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    e => {
      console.error(`local-kube-api: ${e.message}`);
      process.exit(1);
    },
  );
}

module.exports = { startLocalKubeApi };
