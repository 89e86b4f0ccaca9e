import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LoadError } from './LoadError';

const failed = (status: number, message: string) =>
  ResponseError.fromResponse({
    ok: false,
    status,
    statusText:
      { 403: 'Forbidden', 500: 'Internal Server Error' }[status] ??
      'Service Unavailable',
    headers: new Headers({ 'Content-Type': 'application/json' }),
    redirected: false,
    type: 'basic',
    url: 'http://backend.test/api/example',
    text: async () =>
      JSON.stringify({
        error: { name: 'Error', message },
        response: { statusCode: status },
      }),
  } as Response);

const DB_DOWN =
  "The snapshots database did not answer within 5 s: check PostgreSQL 'kyverno' (request id 0c4e9a21)";

describe('LoadError', () => {
  it('says a 503 plainly, in the backend’s words', async () => {
    await renderInTestApp(
      <LoadError error={await failed(503, DB_DOWN)} what="Policy reports" />,
    );
    expect(
      screen.getByText('Policy reports cannot be read right now'),
    ).toBeInTheDocument();
    expect(screen.getByText(DB_DOWN)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('says a 403 plainly: the user is not allowed to read it', async () => {
    await renderInTestApp(
      <LoadError
        error={await failed(403, 'You may not read policy reports')}
        what="Policy reports"
      />,
    );
    expect(
      screen.getByText('You are not allowed to read policy reports'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('You may not read policy reports'),
    ).toBeInTheDocument();
  });

  it('gives other failures the full error panel, titled with what the backend said', async () => {
    await renderInTestApp(
      <LoadError
        error={await failed(500, 'The kyverno plugin failed unexpectedly')}
        what="Policy reports"
      />,
    );
    expect(screen.queryByText(/cannot be read right now/)).toBeNull();
    expect(
      screen.getAllByText(/The kyverno plugin failed unexpectedly/).length,
    ).toBeGreaterThan(0);
  });

  it('says plainly only the statuses it is told to', async () => {
    await renderInTestApp(
      <LoadError
        error={await failed(403, 'You may not read dead letters')}
        what="Dead letters"
        plainly={[503]}
      />,
    );
    expect(screen.queryByText(/You are not allowed to read/)).toBeNull();
    expect(
      screen.getAllByText(/You may not read dead letters/).length,
    ).toBeGreaterThan(0);
  });

  it('without what, gives every failure the full error panel', async () => {
    await renderInTestApp(<LoadError error={await failed(503, DB_DOWN)} />);
    expect(screen.queryByText(/cannot be read right now/)).toBeNull();
    expect(screen.getAllByText(DB_DOWN).length).toBeGreaterThan(0);
  });

  it('offers to try again', async () => {
    const retry = jest.fn();
    await renderInTestApp(
      <LoadError
        error={await failed(503, DB_DOWN)}
        what="The trend"
        retry={retry}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledTimes(1);
  });
});
