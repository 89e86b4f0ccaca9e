import net from 'node:net';
import { acceptsConnections, freePort, freePortRange } from './ports';

const listen = (port: number) =>
  new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
const close = (server: net.Server) =>
  new Promise(resolve => server.close(resolve));

describe('ports', () => {
  it('freePort gives a port one can listen on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await acceptsConnections(port)).toBe(false);
    const server = await listen(port);
    expect(await acceptsConnections(port)).toBe(true);
    await close(server);
  });

  it('freePortRange gives consecutive ports one can all listen on', async () => {
    const first = await freePortRange(3);
    const servers = await Promise.all(
      [first, first + 1, first + 2].map(listen),
    );
    expect(servers).toHaveLength(3);
    await Promise.all(servers.map(close));
  });
});
