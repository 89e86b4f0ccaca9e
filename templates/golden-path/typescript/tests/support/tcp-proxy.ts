import net from 'node:net';

/**
 * A TCP proxy on loopback in front of a dependency (PostgreSQL, Redis), so a
 * test can take the dependency away from the service without stopping it
 * for the other tests:
 * - stop(): connections are reset and the port refuses new ones (the
 *   server crashed or was stopped);
 * - blackhole(): nothing passes any more, in either direction, and new
 *   connections are accepted and never answered (a network partition).
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private holding = false;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer(client => this.accept(client));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>(resolve => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.holding) return;
    const upstream = net.connect(this.target);
    this.track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The same URL, through this proxy. */
  url(of: string): string {
    const url = new URL(of);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  blackhole(): void {
    this.holding = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>(resolve => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
