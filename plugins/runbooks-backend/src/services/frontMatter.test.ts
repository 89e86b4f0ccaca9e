import { parseRunbookFrontMatter, toRunbook } from './frontMatter';

const runbook = (frontMatter: string) =>
  `---\n${frontMatter}\n---\n\n# Body\n\nSteps.\n`;

describe('parseRunbookFrontMatter', () => {
  it('reads a complete front matter, dates unquoted', () => {
    const fm = parseRunbookFrontMatter(
      runbook(
        [
          'title: SLO burn — svc-ledger',
          'description: When the error budget burns',
          'alerts: [SLOErrorBudgetBurnPage, SLOErrorBudgetBurnTicket]',
          'severity: page',
          'owner: group:default/product-team',
          'last_reviewed: 2026-10-14',
        ].join('\n'),
      ),
    );
    expect(fm).toEqual({
      title: 'SLO burn — svc-ledger',
      description: 'When the error budget burns',
      alerts: ['SLOErrorBudgetBurnPage', 'SLOErrorBudgetBurnTicket'],
      severity: 'page',
      owner: 'group:default/product-team',
      last_reviewed: '2026-10-14',
    });
  });

  it.each([
    ['# no front matter', 'no front matter'],
    [runbook('title: [unclosed'), 'front matter is not valid YAML'],
    [
      runbook(
        'title: X\nseverity: urgent\nowner: group:default/a\nlast_reviewed: 2026-01-01',
      ),
      "field 'severity'",
    ],
    [
      runbook(
        'title: X\nseverity: page\nowner: group:default/a\nlast_reviewed: last week',
      ),
      "field 'last_reviewed': 'last week' is not a date",
    ],
    [
      runbook(
        'title: X\nseverity: page\nowner: group:default/a\nlast_reviewed: 2026-01-01\nalerts: ["bad name!"]',
      ),
      "field 'alerts.0': not a Prometheus alert name",
    ],
    [
      runbook(
        'severity: page\nowner: group:default/a\nlast_reviewed: 2026-01-01',
      ),
      "field 'title'",
    ],
  ])('names what is wrong: %#', (markdown, message) => {
    expect(() => parseRunbookFrontMatter(markdown)).toThrow(message);
  });
});

describe('toRunbook', () => {
  const base = {
    title: 'Dead letters piling up',
    alerts: ['DramatiqDeadLetterQueueGrowing'],
    severity: 'ticket' as const,
    owner: 'group:default/product-team',
  };
  const now = new Date('2026-11-25T10:00:00Z');

  it('links to the page in TechDocs and counts days since review', () => {
    const r = toRunbook({
      entityRef: 'component:default/svc-ledger',
      id: 'dead-letters-piling-up',
      frontMatter: { ...base, last_reviewed: '2026-11-20' },
      now,
    });
    expect(r.docsPath).toBe(
      '/docs/default/component/svc-ledger/runbooks/dead-letters-piling-up/',
    );
    expect(r.daysSinceReview).toBe(5);
    expect(r.stale).toBe(false);
  });

  it('marks a runbook stale after 90 days, not on the 90th', () => {
    const at = (day: string) =>
      toRunbook({
        entityRef: 'component:default/x',
        id: 'a',
        frontMatter: { ...base, last_reviewed: day },
        now,
      }).stale;
    expect(at('2026-08-27')).toBe(false); // 90 days
    expect(at('2026-08-26')).toBe(true); // 91 days
  });
});
