import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { contrastRatio, ownColours } from '@internal/frontend-helpers';
import { SeverityChip } from './SeverityChip';

describe('SeverityChip', () => {
  it.each(['page', 'critical'])(
    'shows %s in white on dark red, legible (at least 4.5:1)',
    async severity => {
      await renderInTestApp(<SeverityChip severity={severity} />);
      const chip = screen.getByText(severity).closest('.MuiChip-root')!;
      const { background, color } = ownColours(chip);
      expect(background).toBe('rgb(183, 28, 28)');
      expect(color).toBe('rgb(255, 255, 255)');
      expect(contrastRatio(color!, background!)).toBeGreaterThan(4.5);
    },
  );

  it('shows ticket and warning in the primary colour, anything else plain', async () => {
    await renderInTestApp(
      <>
        <SeverityChip severity="ticket" />
        <SeverityChip severity="warning" />
        <SeverityChip severity="info" />
      </>,
    );
    for (const severity of ['ticket', 'warning']) {
      expect(screen.getByText(severity).closest('.MuiChip-root')).toHaveClass(
        'MuiChip-colorPrimary',
      );
    }
    const info = screen.getByText('info').closest('.MuiChip-root')!;
    expect(info).not.toHaveClass('MuiChip-colorPrimary');
    expect(ownColours(info).background).toBeUndefined();
  });

  it('shows nothing without a severity', async () => {
    const { container } = await renderInTestApp(<SeverityChip />);
    expect(container.querySelector('.MuiChip-root')).toBeNull();
  });
});
