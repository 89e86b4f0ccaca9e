/**
 * A TCP proxy in front of Redis that can lose an answer: once armed with a
 * text, the first request holding it goes through to Redis (which runs
 * it), but its answer never comes back: the client's connection is cut,
 * as in a failover or a network stall right after the request was sent.
 */
import net from 'node:net';

export class CuttingProxy {
  private server?: net.Server;
  private armedWith?: string;
  /** How many answers were lost. */
  cuts = 0;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The next request holding `text` loses its answer. */
  arm(text: string) {
    this.armedWith = text;
  }

  async start() {
    this.server = net.createServer(client => {
      const upstream = net.connect(this.target.port, this.target.host);
      let cut = false;
      client.on('data', chunk => {
        upstream.write(chunk);
        if (
          this.armedWith &&
          chunk.toString('latin1').includes(this.armedWith)
        ) {
          this.armedWith = undefined;
          cut = true;
          this.cuts++;
          // Redis runs it; the answer is dropped with the connection.
          setTimeout(() => {
            client.destroy();
            upstream.destroy();
          }, 50);
        }
      });
      upstream.on('data', chunk => {
        if (!cut) client.write(chunk);
      });
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', () => resolve()),
    );
    this.port = (this.server!.address() as net.AddressInfo).port;
  }

  async close() {
    await new Promise(resolve => this.server?.close(resolve));
  }
}
