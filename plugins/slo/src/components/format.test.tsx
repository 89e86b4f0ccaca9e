import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { contrastRatio, ownColours } from '@internal/frontend-helpers';
import { AlertChip, AlertCountChip } from './format';

const chipOf = (text: string) =>
  screen.getByText(text).closest('.MuiChip-root')!;

describe('AlertChip', () => {
  it('shows page in white on dark red, at least 4.5:1', async () => {
    await renderInTestApp(<AlertChip state="page" />);
    const { background, color } = ownColours(chipOf('page'));
    expect(background).toBe('rgb(183, 28, 28)');
    expect(color).toBe('rgb(255, 255, 255)');
    expect(contrastRatio(color!, background!)).toBeGreaterThanOrEqual(4.5);
  });

  it('shows ticket in the primary colour and ok plain', async () => {
    await renderInTestApp(
      <>
        <AlertChip state="ticket" />
        <AlertChip state="ok" />
      </>,
    );
    expect(chipOf('ticket')).toHaveClass('MuiChip-colorPrimary');
    expect(chipOf('ok')).not.toHaveClass('MuiChip-colorPrimary');
    expect(ownColours(chipOf('ok')).background).toBeUndefined();
  });
});

describe('AlertCountChip', () => {
  it('colours the paging count like the page chip, only when there is one', async () => {
    await renderInTestApp(
      <>
        <AlertCountChip state="page" count={2} />
        <AlertCountChip state="ticket" count={0} />
      </>,
    );
    expect(ownColours(chipOf('2 paging')).background).toBe('rgb(183, 28, 28)');
    expect(chipOf('0 ticket')).not.toHaveClass('MuiChip-colorPrimary');
  });

  it('shows nothing paging plainly', async () => {
    await renderInTestApp(<AlertCountChip state="page" count={0} />);
    expect(ownColours(chipOf('0 paging')).background).toBeUndefined();
  });
});
