import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { contrastRatio, ownColours } from '@internal/frontend-helpers';
import { ControlStatusChip, OutcomeChip, SeverityChip } from './chips';

describe('chips', () => {
  it('shows critical, fail, error and failing in white on dark red, at least 4.5:1', async () => {
    await renderInTestApp(
      <>
        <SeverityChip severity="critical" />
        <OutcomeChip outcome="fail" />
        <OutcomeChip outcome="error" />
        <ControlStatusChip status="failing" />
      </>,
    );
    for (const label of ['critical', 'fail', 'error', 'failing']) {
      const chip = screen.getByText(label).closest('.MuiChip-root')!;
      const { background, color } = ownColours(chip);
      expect(background).toBe('rgb(183, 28, 28)');
      expect(color).toBe('rgb(255, 255, 255)');
      expect(contrastRatio(color!, background!)).toBeGreaterThan(4.5);
    }
  });

  it('says what each control status means, in words', async () => {
    await renderInTestApp(
      <>
        <ControlStatusChip status="passing" />
        <ControlStatusChip status="no-results" />
        <ControlStatusChip status="no-policy" />
      </>,
    );
    expect(screen.getByText('passing')).toBeInTheDocument();
    expect(screen.getByText('no results')).toBeInTheDocument();
    expect(
      screen.getByText('no enforcing policy').closest('.MuiChip-root'),
    ).toHaveAttribute(
      'title',
      'No policy in the repository evidences this control',
    );
  });

  it('shows nothing without a severity', async () => {
    const { container } = await renderInTestApp(<SeverityChip />);
    expect(container.querySelector('.MuiChip-root')).toBeNull();
  });
});
