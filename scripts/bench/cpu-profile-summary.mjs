// Where a Node.js process spent its CPU, from a --cpu-prof profile: self
// time grouped by where the code comes from (an npm package, the service's
// own dist/ code, Node.js itself, the garbage collector), then the most
// expensive functions. Idle time is left out of the percentages.
//
//   node cpu-profile-summary.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 12);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node: the sampling intervals attributed to it.
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i += 1) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

function originOf({ url, functionName }) {
  if (!url)
    return functionName.startsWith('(') ? functionName : 'native (V8 builtins)';
  if (url.startsWith('node:')) return 'Node.js core';
  // Nested installs: the last node_modules segment names the package.
  const packages = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  if (packages.length) return packages[packages.length - 1][1];
  if (/\/dist\//.test(url)) return 'service code (dist/)';
  return url;
}

const byOrigin = new Map();
const byFunction = new Map();
let busy = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us || node.callFrame.functionName === '(idle)') continue;
  busy += us;
  const origin = originOf(node.callFrame);
  byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
  const where = node.callFrame.url
    ? node.callFrame.url.split('/').slice(-2).join('/')
    : '';
  const name = `${node.callFrame.functionName || '(anonymous)'} ${where}:${
    node.callFrame.lineNumber + 1
  }`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
}

const print = (title, map) => {
  console.log(title);
  for (const [name, us] of [...map].sort((x, y) => y[1] - x[1]).slice(0, top)) {
    console.log(
      `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1e6)
        .toFixed(2)
        .padStart(7)} s  ${name}`,
    );
  }
};
console.log(`busy CPU in the profile: ${(busy / 1e6).toFixed(2)} s`);
print('self time by origin:', byOrigin);
print('self time by function:', byFunction);
