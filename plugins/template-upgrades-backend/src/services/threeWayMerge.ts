import { FileChange } from '@internal/plugin-template-upgrades-common';
import { createTwoFilesPatch } from 'diff';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A folder's files: relative path → content (no .git). */
export type Tree = Map<string, Buffer>;

export async function readTree(root: string): Promise<Tree> {
  const tree: Tree = new Map();
  async function walk(dir: string) {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        tree.set(
          path.relative(root, full).split(path.sep).join('/'),
          await fs.readFile(full),
        );
      }
    }
  }
  await walk(root);
  return tree;
}

export interface MergedFile {
  path: string;
  change: FileChange;
  /** The upgraded content; null when the upgrade deletes the file. */
  content: Buffer | null;
  /** The repository's content before (null: the upgrade adds it). */
  before: Buffer | null;
}

/** Both absent, or both present with the same bytes. */
function same(a: Buffer | null | undefined, b: Buffer | null | undefined) {
  if (!a || !b) return !a && !b;
  return a.equals(b);
}
const isText = (b: Buffer | null | undefined) => !b || !b.includes(0);

/**
 * The upgrade of a repository, file by file, as a three-way merge:
 * `base` is the release the service is at, rendered with its values;
 * `theirs` the new release, rendered with the same values; `ours` the
 * repository as it is. A file only the template changed takes the new
 * release's version; one only the service changed is kept; one both
 * changed is merged line by line (git merge-file), and where the same
 * lines changed both ways it carries conflict markers and is reported —
 * never overwritten. Files the template never had are not touched.
 */
export async function threeWayMerge(
  base: Tree,
  ours: Tree,
  theirs: Tree,
  labels: { ours: string; base: string; theirs: string },
): Promise<MergedFile[]> {
  const paths = [...new Set([...base.keys(), ...theirs.keys()])].sort();
  const out: MergedFile[] = [];
  for (const p of paths) {
    const b = base.get(p) ?? null;
    const o = ours.get(p) ?? null;
    const t = theirs.get(p) ?? null;
    if (same(o, t)) continue;
    if (same(b, t)) {
      // The template did not change it: the service's own version stays.
      if (!same(o, b))
        out.push({ path: p, change: 'kept', content: o, before: o });
      continue;
    }
    if (same(b, o)) {
      // The service did not change it: the new release's version.
      let change: FileChange = 'template';
      if (t === null) change = 'deleted';
      else if (b === null) change = 'added';
      out.push({ path: p, change, content: t, before: o });
      continue;
    }
    // Both changed it.
    if (o === null || t === null || !isText(o) || !isText(t) || !isText(b)) {
      // Deleted on one side and changed on the other, or binary: the
      // service's version stays, reported as a conflict to decide by hand.
      out.push({ path: p, change: 'conflict', content: o, before: o });
      continue;
    }
    const merged = await mergeFile(o, b ?? Buffer.alloc(0), t, labels);
    out.push({
      path: p,
      change: merged.conflicts ? 'conflict' : 'merged',
      content: merged.content,
      before: o,
    });
  }
  return out;
}

async function mergeFile(
  ours: Buffer,
  base: Buffer,
  theirs: Buffer,
  labels: { ours: string; base: string; theirs: string },
): Promise<{ content: Buffer; conflicts: boolean }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-file-'));
  try {
    const files = ['ours', 'base', 'theirs'].map(n => path.join(dir, n));
    await Promise.all([
      fs.writeFile(files[0], ours),
      fs.writeFile(files[1], base),
      fs.writeFile(files[2], theirs),
    ]);
    try {
      const { stdout } = await run(
        'git',
        [
          'merge-file',
          '-p',
          '-L',
          labels.ours,
          '-L',
          labels.base,
          '-L',
          labels.theirs,
          ...files,
        ],
        { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      );
      return { content: stdout as unknown as Buffer, conflicts: false };
    } catch (e) {
      // Exit status 1..127: the number of conflicts, with the merged text.
      const error = e as { code?: number; stdout?: Buffer };
      if (
        typeof error.code === 'number' &&
        error.code > 0 &&
        error.code < 128 &&
        error.stdout
      ) {
        return { content: error.stdout, conflicts: true };
      }
      throw e;
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** A unified diff of one file, from the repository as it is to the upgrade. */
export function diffOf(file: MergedFile): string {
  if (file.change === 'kept') return '';
  if (!isText(file.before) || !isText(file.content))
    return 'Binary file changed\n';
  return (
    createTwoFilesPatch(
      file.before === null ? '/dev/null' : `a/${file.path}`,
      file.content === null ? '/dev/null' : `b/${file.path}`,
      file.before?.toString('utf8') ?? '',
      file.content?.toString('utf8') ?? '',
      undefined,
      undefined,
      { context: 3 },
    )
      .split('\n')
      // The "===" separator line createTwoFilesPatch starts with.
      .filter((line, i) => !(i === 0 && line.startsWith('=')))
      .join('\n')
  );
}
