// CPU seconds (user + system) used so far by each given process, counting
// the children it has waited for (PostgreSQL's postmaster reaps its
// backends), from /proc. Prints a JSON object: { "<name>": seconds }.
//
//   node process-cpu.mjs <name>=<pid> [...]
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map(i =>
      Number(fields[i]),
    );
    return (utime + stime + cutime + cstime) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** A process and its living descendants. */
function treeCpu(pid) {
  return (
    cpuOf(pid) + childrenOf(pid).reduce((sum, child) => sum + treeCpu(child), 0)
  );
}

const out = {};
for (const arg of process.argv.slice(2)) {
  const [name, pid] = arg.split('=');
  out[name] = treeCpu(Number(pid));
}
const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
const ticks = cpu.split(/\s+/).slice(1).map(Number);
// Every core's busy time (all but idle and iowait), for "the rest of the machine".
out.machine =
  (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / TICKS_PER_SECOND;
console.log(JSON.stringify(out));
