import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseChangelog, TemplateReleases } from './TemplateReleases';

describe('parseChangelog', () => {
  it('reads releases newest first, with their notes and commits', () => {
    expect(
      parseChangelog(
        [
          '# Releases',
          '',
          '## 1.2.0 — 2026-12-06',
          '',
          '- Spread pods',
          '  per rollout.',
          '- Docs.',
          '',
          '## 1.1.0 — 2026-12-01',
          '',
          'Commit: 66aadff17b5539f95cee016b492441cd8cb42160',
          '',
          '- Records values.',
        ].join('\n'),
      ),
    ).toEqual([
      {
        version: '1.2.0',
        date: '2026-12-06',
        notes: ['Spread pods per rollout.', 'Docs.'],
      },
      {
        version: '1.1.0',
        date: '2026-12-01',
        commit: '66aadff17b5539f95cee016b492441cd8cb42160',
        notes: ['Records values.'],
      },
    ]);
  });

  it.each([
    [
      '## next',
      'CHANGELOG.md line 1: expected "## <major.minor.patch> — <YYYY-MM-DD>"',
    ],
    [
      '## 1.0.0\n## 1.1.0',
      'CHANGELOG.md line 2: 1.1.0 must be older than 1.0.0 above it (newest first, each once)',
    ],
    [
      '## 1.0.0\n## 1.0.0',
      'CHANGELOG.md line 2: 1.0.0 must be older than 1.0.0 above it (newest first, each once)',
    ],
  ])('refuses %j', (text, message) => {
    expect(() => parseChangelog(text)).toThrow(message);
  });
});

describe('TemplateReleases.load', () => {
  function folder(changelog: string, version: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releases-'));
    fs.mkdirSync(path.join(dir, 'form'));
    fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog);
    fs.writeFileSync(
      path.join(dir, 'form', 'steps.yaml'),
      `- id: render\n  action: fetch:template\n  input:\n    url: ./shared\n    values:\n      templateVersion: '${version}'\n`,
    );
    return dir;
  }

  it("refuses a template whose steps render another version than the changelog's newest", async () => {
    const dir = folder('## 1.2.0 — 2026-12-06\n- x\n', '1.1.0');
    await expect(
      TemplateReleases.load({
        directory: dir,
        templates: ['template:default/svc-typescript'],
      }),
    ).rejects.toThrow(
      "form/steps.yaml renders templateVersion 1.1.0, but CHANGELOG.md's newest release is 1.2.0; release both together",
    );
  });

  it('knows what comes after a release, and cannot read an older one without history', async () => {
    const dir = folder(
      '## 1.2.0 — 2026-12-06\n- b\n## 1.1.0 — 2026-12-01\nCommit: abcdef1\n- a\n## 1.0.0 — 2026-11-01\n- first\n',
      '1.2.0',
    );
    const releases = await TemplateReleases.load({
      directory: dir,
      templates: ['template:default/svc-typescript'],
    });
    expect(releases.current).toBe('1.2.0');
    expect(releases.after('1.0.0').map(r => r.version)).toEqual([
      '1.1.0',
      '1.2.0',
    ]);
    expect(await releases.folderOf('1.2.0')).toBe(dir);
    await expect(releases.folderOf('1.1.0')).rejects.toThrow(
      'Release 1.1.0 cannot be read: templateUpgrades.history is not configured',
    );
    await expect(releases.folderOf('0.9.0')).rejects.toThrow(
      'No release 0.9.0 in CHANGELOG.md',
    );
  });
});
