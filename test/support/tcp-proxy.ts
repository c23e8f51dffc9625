/**
 * A TCP proxy in front of a local server (e.g. the local DynamoDB) that a test can break on
 * purpose: `pass` forwards, `refuse` resets every connection at once (a store that is down),
 * `hang` accepts and never answers (a store that is slow beyond any time-out). Switching mode
 * also ends the connections already open, so pooled client sockets see the change at once. It
 * counts what its clients tried: connections, and requests by a text they carry (e.g. an
 * `X-Amz-Target`), so a test sees a client's store reads without a counter in the client. `hold`
 * keeps the requests that carry a text from the server until the test releases them (a slow
 * read of one kind, the others passing), with no timer involved.
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
  /** From now on, connections whose request carries `text` are held before the server; the returned function forwards them, and stops holding. */
  hold(text: string): () => void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  const open = new Set<Socket>();
  let connections = 0;
  let sentText = '';
  let holding: { readonly text: string; readonly held: Array<() => void> } | undefined;
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
    let held: Buffer[] | undefined;
    client.on('data', (chunk: Buffer) => {
      if (!held && holding && chunk.toString('latin1').includes(holding.text)) {
        const chunks: Buffer[] = (held = []);
        holding.held.push(() => {
          held = undefined;
          for (const part of chunks) upstream.write(part);
        });
      }
      if (held) held.push(chunk);
      else upstream.write(chunk);
    });
    upstream.pipe(client);
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
    hold(text) {
      const current = { text, held: [] as Array<() => void> };
      holding = current;
      return () => {
        if (holding === current) holding = undefined;
        for (const release of current.held) release();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
