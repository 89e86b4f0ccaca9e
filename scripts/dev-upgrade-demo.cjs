#!/usr/bin/env node
/* A service one golden-path release behind, with a change of its own, for
 * the Template upgrades tab: the release before the newest (the commit
 * templates/golden-path/CHANGELOG.md names for it, read from this
 * repository's git history) rendered into <target>/svc-upgrade-demo as a git
 * repository, then its README changed by hand in a second commit.
 * make start (scripts/start.sh) and the end-to-end tests run it; it does
 * nothing when the repository is already there.
 *
 *   node scripts/dev-upgrade-demo.cjs <target-dir> */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const NAME = 'svc-upgrade-demo';

function git(cwd, ...args) {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Local-Plus Portal',
      GIT_AUTHOR_EMAIL: 'portal@local-plus.example',
      GIT_COMMITTER_NAME: 'Local-Plus Portal',
      GIT_COMMITTER_EMAIL: 'portal@local-plus.example',
    },
  });
}

/** The newest release that names its commit (the one before the newest). */
function previousRelease() {
  const changelog = fs.readFileSync(
    path.join(repoRoot, 'templates/golden-path/CHANGELOG.md'),
    'utf8',
  );
  let version;
  for (const line of changelog.split('\n')) {
    const heading = /^## (\d+\.\d+\.\d+)/.exec(line);
    if (heading) version = heading[1];
    const commit = /^Commit:\s*([0-9a-f]{7,40})\s*$/.exec(line.trim());
    if (commit && version) return { version, commit: commit[1] };
  }
  return undefined;
}

function main() {
  const target = process.argv[2];
  if (!target) throw new Error('usage: dev-upgrade-demo.cjs <target-dir>');
  const repo = path.resolve(target, NAME);
  if (fs.existsSync(path.join(repo, '.git'))) return;
  const release = previousRelease();
  if (!release) {
    console.log('dev-upgrade-demo: no earlier golden-path release to render');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-demo-'));
  try {
    const archive = path.join(tmp, 'release.tar');
    git(repoRoot, 'archive', '--format=tar', `--output=${archive}`, release.commit, '--', 'templates/golden-path');
    execFileSync('tar', ['-xf', archive, '-C', tmp]);
    const values = {
      ...JSON.parse(fs.readFileSync(path.join(repoRoot, 'templates/golden-path/example-values.json'), 'utf8')),
      templateVersion: release.version,
      name: NAME,
      description: 'Development demo: a service one golden-path release behind',
      repoSlug: `localplus/${NAME}`,
      databaseSchema: 'upgrade_demo',
      eventTopic: 'upgrade-demo.account-events.v1',
      generatedOn: '2026-12-06',
      language: 'typescript',
    };
    const valuesFile = path.join(tmp, 'values.json');
    fs.writeFileSync(valuesFile, JSON.stringify(values));
    fs.mkdirSync(path.dirname(repo), { recursive: true });
    execFileSync('node', [path.join(repoRoot, 'templates/golden-path/render.cjs'), repo, valuesFile], {
      env: { ...process.env, GOLDEN_PATH_TEMPLATE_DIR: path.join(tmp, 'templates/golden-path') },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', `Generated from the golden path ${release.version}`);
    // The team's own change, which an upgrade must keep.
    fs.appendFileSync(
      path.join(repo, 'README.md'),
      '\n## Team notes\n\nOn call for the rewards launch: ping #team-rewards first.\n',
    );
    git(repo, 'commit', '-q', '-am', 'README: team notes');
    console.log(`dev-upgrade-demo: ${NAME} at golden path ${release.version} in ${repo}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
