import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  renderCompliancePage,
  serveKyverno,
} from '../__testUtils__/compliance';

// A file of its own: usePermission caches decisions for the whole session
// (stale-while-revalidate), so allowed and denied users cannot share one.
describe('ExportPanel for someone without kyverno.evidence.export', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('keeps the download button disabled and says which role it needs', async () => {
    const asked = serveKyverno(server);
    await renderCompliancePage('/compliance', { exportAllowed: false });
    await screen.findByRole('table', { name: 'Policy findings' });

    const why =
      'Exporting evidence needs the compliance reviewer or platform admin role (kyverno.evidence.export).';
    expect(await screen.findByText(why)).toBeInTheDocument();
    const download = screen.getByRole('button', { name: 'Download CSV' });
    await waitFor(() => expect(download).toBeDisabled());
    expect(download).toHaveAccessibleDescription(why);

    await userEvent.click(download).catch(() => undefined);
    expect(asked.export).toHaveLength(0);
    // The rest of the page works as for anyone.
    expect(
      screen.getByRole('table', { name: 'Controls of PCI-DSS' }),
    ).toBeInTheDocument();
  });
});
