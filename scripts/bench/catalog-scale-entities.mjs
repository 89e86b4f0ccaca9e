// A catalog of N entities in the seed's proportions, for the catalog scale
// benchmark (scripts/bench-catalog-scale.sh): services (Component), APIs,
// database tables and Kafka topics (Resource), groups and users, with the
// relations the seed's catalog has (owners, memberships, provided APIs,
// tables and topics a service depends on). Written as files of 1,000
// entities and one Location that lists them.
//
//   node catalog-scale-entities.mjs <dir> <count>
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [dir, countArg] = process.argv.slice(2);
const total = Number(countArg);
if (!dir || !(total >= 10)) {
  console.error('usage: catalog-scale-entities.mjs <dir> <count>');
  process.exit(2);
}

// catalog/ of this repository: 18 components, 6 APIs, 10 tables
// (catalog/data/tables.yaml), 3 topics, 6 groups, 11 users.
const SEED = { component: 18, api: 6, table: 10, topic: 3, group: 6, user: 11 };
const seedTotal = Object.values(SEED).reduce((a, b) => a + b, 0);
const counts = Object.fromEntries(
  Object.entries(SEED).map(([kind, n]) => [
    kind,
    Math.max(1, Math.floor((n * total) / seedTotal)),
  ]),
);
// Rounding leftovers go to services.
counts.component += total - Object.values(counts).reduce((a, b) => a + b, 0);

const name = (kind, i) => `${kind}-${String(i).padStart(5, '0')}`;
const groupOf = i => `group:default/${name('team', i % counts.group)}`;
const entities = [];
for (let i = 0; i < counts.group; i++) {
  entities.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: name('team', i), description: `Team ${i}` },
    spec: { type: 'team', children: [] },
  });
}
for (let i = 0; i < counts.user; i++) {
  entities.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: name('user', i) },
    spec: { profile: { displayName: `User ${i}` }, memberOf: [groupOf(i)] },
  });
}
for (let i = 0; i < counts.api; i++) {
  entities.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: name('api', i), description: `API ${i}` },
    spec: {
      type: 'openapi',
      lifecycle: 'production',
      owner: groupOf(i),
      definition: `openapi: 3.1.0\ninfo: { title: api ${i}, version: 1.0.0 }\npaths: {}\n`,
    },
  });
}
for (let i = 0; i < counts.table; i++) {
  entities.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: name('table', i), description: `Table ${i}` },
    spec: { type: 'database-table', owner: groupOf(i) },
  });
}
for (let i = 0; i < counts.topic; i++) {
  entities.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: name('topic', i), description: `Topic ${i}` },
    spec: { type: 'kafka-topic', owner: groupOf(i) },
  });
}
for (let i = 0; i < counts.component; i++) {
  entities.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: name('svc', i),
      description: `Service ${i}`,
      tags: ['python', 'dramatiq'],
      annotations: { 'github.com/project-slug': `localplus/${name('svc', i)}` },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: groupOf(i),
      providesApis: [`api:default/${name('api', i % counts.api)}`],
      dependsOn: [
        `resource:default/${name('table', i % counts.table)}`,
        `resource:default/${name('topic', i % counts.topic)}`,
      ],
    },
  });
}

mkdirSync(dir, { recursive: true });
// Groups and users in an org file of their own, as catalog/org.yaml: the
// portal takes those kinds from its org location only.
const isOrg = e => e.kind === 'Group' || e.kind === 'User';
const toYaml = list => list.map(e => `---\n${JSON.stringify(e)}\n`).join('');
writeFileSync(path.join(dir, 'org.yaml'), toYaml(entities.filter(isOrg)));
const others = entities.filter(e => !isOrg(e));
const files = [];
for (let start = 0; start < others.length; start += 1000) {
  const file = `entities-${String(start / 1000).padStart(3, '0')}.yaml`;
  // JSON is YAML: one document per entity.
  writeFileSync(
    path.join(dir, file),
    toYaml(others.slice(start, start + 1000)),
  );
  files.push(`./${file}`);
}
writeFileSync(
  path.join(dir, 'location.yaml'),
  `${JSON.stringify({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: { name: 'catalog-scale' },
    spec: { targets: files },
  })}\n`,
);
console.log(
  JSON.stringify({
    total: entities.length,
    ...counts,
    componentExample: name('svc', 0),
  }),
);
