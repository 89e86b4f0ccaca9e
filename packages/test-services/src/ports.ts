import net from 'node:net';

/**
 * A loopback TCP port nothing listens on right now: the system picks it,
 * then it is closed again for the caller to use.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` on 127.0.0.1 could be listened on right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive loopback ports that are all free right
 * now, e.g. a Kafka broker's port and its controller's (port + 1).
 */
export async function freePortRange(count: number): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + count - 1 > 65535) continue;
    let free = true;
    for (let next = port + 1; free && next < port + count; next++) {
      free = await canListen(next);
    }
    if (free) return port;
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
