import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  renderCompliancePage,
  serveKyverno,
} from '../__testUtils__/compliance';
import { errorBody } from '../__testUtils__/testData';

// Everyone here holds kyverno.evidence.export; see
// ExportPanel.permissions.test.tsx for those who do not.
describe('ExportPanel on the compliance page, for a compliance reviewer', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const saved: { href: string; download: string }[] = [];
  const blobs: Blob[] = [];
  beforeEach(() => {
    saved.splice(0);
    blobs.splice(0);
    URL.createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:http://localhost/evidence';
    });
    URL.revokeObjectURL = jest.fn();
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function click(this: HTMLAnchorElement) {
        saved.push({ href: this.href, download: this.download });
      });
  });
  afterEach(() => jest.restoreAllMocks());

  const button = async (name: string) => {
    const b = await screen.findByRole('button', { name });
    await waitFor(() => expect(b).toBeEnabled());
    return b;
  };

  it('downloads the current snapshot with the filters of the page, through fetchApi', async () => {
    const asked = serveKyverno(server);
    await renderCompliancePage(
      '/compliance?severity=critical,high&cluster=prod-eu',
    );
    await screen.findByLabelText(/^Current snapshot \(42, /);
    expect(
      screen.getByText(
        /Only the results matching the filters above: severity critical or high, cluster prod-eu\./,
      ),
    ).toBeInTheDocument();

    await userEvent.click(await button('Download CSV'));
    expect(
      await screen.findByText('Downloaded kyverno-evidence-snapshot-42.csv.'),
    ).toBeInTheDocument();
    expect(Object.fromEntries(asked.export[0].searchParams)).toEqual({
      format: 'csv',
      snapshot: '42',
      severity: 'critical,high',
      cluster: 'prod-eu',
    });
    expect(saved).toEqual([
      {
        href: 'blob:http://localhost/evidence',
        download: 'kyverno-evidence-snapshot-42.csv',
      },
    ]);
    expect(await blobs[0].text()).toBe(
      'cluster,report,policy\nprod-eu,r,require-run-as-non-root\n',
    );
    // The temporary link is gone.
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('downloads every snapshot of a date range as JSON', async () => {
    const asked = serveKyverno(server, {
      exported: () =>
        HttpResponse.json([], {
          headers: {
            'Content-Disposition':
              'attachment; filename="kyverno-evidence-2025-03-01-2025-03-31.json"',
          },
        }),
    });
    await renderCompliancePage('/compliance?standard=PCI-DSS');
    await screen.findByLabelText(/^Current snapshot \(42, /);

    await userEvent.click(
      screen.getByLabelText('Every snapshot in a date range'),
    );
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2025-03-01' },
    });
    fireEvent.change(screen.getByLabelText('To'), {
      target: { value: '2025-03-31' },
    });
    await userEvent.click(screen.getByLabelText('JSON'));
    await userEvent.click(await button('Download JSON'));

    expect(
      await screen.findByText(
        'Downloaded kyverno-evidence-2025-03-01-2025-03-31.json.',
      ),
    ).toBeInTheDocument();
    expect(Object.fromEntries(asked.export[0].searchParams)).toEqual({
      format: 'json',
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-31T23:59:59.999Z',
      standard: 'PCI-DSS',
    });
  });

  it('refuses a range that ends before it starts', async () => {
    const asked = serveKyverno(server);
    await renderCompliancePage();
    await screen.findByLabelText(/^Current snapshot/);
    await userEvent.click(
      screen.getByLabelText('Every snapshot in a date range'),
    );
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2025-04-01' },
    });
    fireEvent.change(screen.getByLabelText('To'), {
      target: { value: '2025-03-01' },
    });
    expect(
      await screen.findByText('Choose a start date on or before the end date.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download CSV' })).toBeDisabled();
    expect(asked.export).toHaveLength(0);
  });

  it('says why when the backend refuses, and saves nothing', async () => {
    serveKyverno(server, {
      exported: () =>
        HttpResponse.json(
          errorBody(
            403,
            'NotAllowedError',
            'kyverno.evidence.export is not granted to user:default/jane.doe',
          ),
          { status: 403 },
        ),
    });
    await renderCompliancePage();
    await screen.findByLabelText(/^Current snapshot/);
    await userEvent.click(await button('Download CSV'));
    expect(
      await screen.findByText(
        'You are not allowed to export evidence: kyverno.evidence.export is not granted to user:default/jane.doe',
      ),
    ).toBeInTheDocument();
    expect(saved).toEqual([]);
  });
});
