// Measures a backend's catalog for scripts/bench-catalog-scale.sh: the
// time until it serves every entity (from the process start), p50/p95 of the
// paginated entity list (the catalog table's first pages and cursor pages),
// p50/p95 of an entity page's catalog calls, and its resident memory.
// Prints one JSON line.
//
//   node catalog-scale-measure.mjs <baseUrl> <token> <expected> <startedAtMs> <pgid> <samples> <services>
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [
  baseUrl,
  token,
  expectedArg,
  startedArg,
  pidArg,
  samplesArg,
  servicesArg,
] = process.argv.slice(2);
const expected = Number(expectedArg);
const samples = Number(samplesArg ?? 200);
const headers = { authorization: `Bearer ${token}` };

async function get(path) {
  const t = performance.now();
  const res = await fetch(`${baseUrl}/api/catalog${path}`, { headers });
  const body = await res.json();
  if (!res.ok)
    throw new Error(
      `${path}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`,
    );
  return { body, ms: performance.now() - t };
}
async function post(path, json) {
  const t = performance.now();
  const res = await fetch(`${baseUrl}/api/catalog${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return { body, ms: performance.now() - t };
}
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
};

/** The backend: the node process of process group <pgid> (it may run under a shell script, as the portal's does). */
function backendPid() {
  return readdirSync('/proc')
    .filter(entry => /^\d+$/.test(entry))
    .find(entry => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return fields[2] === pidArg && stat.includes('(node)');
      } catch {
        return false;
      }
    });
}

/** CPU seconds (user + system) of a process and the children it reaped. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (
      [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / 100
    );
  } catch {
    return 0;
  }
}

/** CPU seconds of every PostgreSQL process on this machine (the postmaster counts its exited backends). */
function postgresCpuSeconds() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') {
        total += cpuSeconds(entry);
      }
    } catch {
      // gone
    }
  }
  return total;
}
const postgresAtStart = postgresCpuSeconds();

// 1. Ingestion: every entity served, and the relations of the last kind
//    processed (services) in place, the count unchanged for 5 s.
let count = 0;
let stableSince = 0;
for (;;) {
  try {
    count = (await get('/entities/by-query?limit=1')).body.totalItems;
  } catch {
    count = 0;
  }
  if (count >= expected) {
    const svc = await get(
      '/entities/by-name/component/default/svc-00000',
    ).catch(() => undefined);
    const related = svc?.body.relations?.length ?? 0;
    if (related >= 4) {
      stableSince ||= Date.now();
      if (Date.now() - stableSince >= 5_000) break;
    }
  } else stableSince = 0;
  if (Date.now() - Number(startedArg) > 20_000 && !backendPid()) {
    throw new Error(`the backend (process group ${pidArg}) has stopped`);
  }
  if (Date.now() - Number(startedArg) > 30 * 60_000)
    throw new Error(`only ${count} of ${expected} after 30 minutes`);
  await new Promise(resolve => setTimeout(resolve, 1000));
}
const ingestionSeconds = (stableSince - Number(startedArg)) / 1000;
// The CPU the ingestion took (including the 5 s of stability), in the
// backend and in PostgreSQL: where the time went.
const ingestionCpu = {
  backend: cpuSeconds(backendPid()),
  postgres: postgresCpuSeconds() - postgresAtStart,
};
// Optionally, a pause before measuring (BENCH_SETTLE_SECONDS): the catalog
// may still be stitching entities after it serves them all.
await new Promise(resolve =>
  setTimeout(resolve, Number(process.env.BENCH_SETTLE_SECONDS ?? 0) * 1000),
);

// 2. The entity list as the catalog page asks for it: the first page of
//    services, then cursor pages.
const list = [];
let cursor;
for (let i = 0; i < samples; i++) {
  const query = cursor
    ? `?cursor=${encodeURIComponent(cursor)}`
    : '?filter=kind=component&limit=20&orderField=metadata.name,asc';
  const { body, ms } = await get(`/entities/by-query${query}`);
  list.push(ms);
  cursor = i % 10 === 9 ? undefined : body.pageInfo?.nextCursor;
}

// 3. An entity page: the entity, its related entities, what its owner owns.
const page = [];
for (let i = 0; i < samples / 2; i++) {
  const name = `svc-${String(
    Math.floor(Math.random() * Number(servicesArg)),
  ).padStart(5, '0')}`;
  const entity = await get(`/entities/by-name/component/default/${name}`);
  const refs = entity.body.relations.map(r => r.targetRef);
  const related = await post('/entities/by-refs', { entityRefs: refs });
  const owner = entity.body.spec.owner;
  const owned = await get(
    `/entities/by-query?filter=relations.ownedBy=${encodeURIComponent(
      owner,
    )}&limit=20`,
  );
  page.push(entity.ms, related.ms, owned.ms);
}

const pid = backendPid();
if (!pid) throw new Error(`no node process in process group ${pidArg}`);
const status = readFileSync(`/proc/${pid}/status`, 'utf8');
const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
console.log(
  JSON.stringify({
    entities: count,
    ingestionSeconds,
    ingestionCpu,
    list: { p50: pct(list, 0.5), p95: pct(list, 0.95), n: list.length },
    page: { p50: pct(page, 0.5), p95: pct(page, 0.95), n: page.length },
    rssMb,
  }),
);
