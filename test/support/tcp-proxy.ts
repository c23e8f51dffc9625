/**
 * A TCP proxy in front of a local server (e.g. the local DynamoDB) that a test can break on
 * purpose: `pass` forwards, `refuse` resets every connection at once (a store that is down),
 * `hang` accepts and never answers (a store that is slow beyond any time-out). Switching mode
 * also ends the connections already open, so pooled client sockets see the change at once. It
 * counts what its clients tried: connections, and requests by a text they carry (e.g. an
 * `X-Amz-Target`), so a test sees a client's store reads without a counter in the client.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'hang';

export interface TcpProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  set(mode: ProxyMode): void;
  /** Connections clients opened, in any mode. */
  connections(): number;
  /** How many times clients sent `text` (in `pass` and `hang` mode; `refuse` reads nothing). */
  sent(text: string): number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  const open = new Set<Socket>();
  let connections = 0;
  let sentText = '';
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  };
  const server: Server = createServer((client) => {
    track(client);
    connections++;
    if (mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    client.on('data', (chunk: Buffer) => (sentText += chunk.toString('latin1')));
    if (mode === 'hang') return;
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    set(next) {
      mode = next;
      for (const socket of open) socket.destroy();
    },
    connections: () => connections,
    sent: (text) => sentText.split(text).length - 1,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
