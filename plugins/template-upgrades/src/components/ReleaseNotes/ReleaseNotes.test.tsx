import { render, screen } from '@testing-library/react';
import { ReleaseNotes } from './ReleaseNotes';

describe('ReleaseNotes', () => {
  it("shows the changelog's code spans as code, and nothing else as markup", () => {
    const { container } = render(
      <ReleaseNotes
        releases={[
          {
            version: '1.2.0',
            date: '2026-12-06',
            notes: [
              'Spread with `matchLabelKeys: [pod-template-hash]` on both constraints.',
              'A lone ` backtick and <b>no HTML</b>.',
            ],
          },
        ]}
      />,
    );
    expect(screen.getByText('1.2.0 — 2026-12-06')).toBeInTheDocument();
    const code = container.querySelectorAll('code');
    expect([...code].map(c => c.textContent)).toEqual([
      'matchLabelKeys: [pod-template-hash]',
    ]);
    const items = screen.getAllByRole('listitem').map(li => li.textContent);
    expect(items).toEqual([
      'Spread with matchLabelKeys: [pod-template-hash] on both constraints.',
      'A lone ` backtick and <b>no HTML</b>.',
    ]);
    expect(container.querySelector('b')).toBeNull();
  });
});
