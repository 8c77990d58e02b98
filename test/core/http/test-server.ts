/**
 * A real local HTTP(S) server for the client tests. Each test sets `handler`; the server
 * records when each request arrived (server-side clock) and the most requests in flight at once.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  method: string;
  url: string;
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, arrival: Arrival) => void | Promise<void>;

export interface TestServer {
  url: string;
  arrivals: Arrival[];
  maxInFlight: number;
  handler: Handler;
  close(): Promise<void>;
}

export async function startTestServer(tls?: { key: string; cert: string }): Promise<TestServer> {
  let inFlight = 0;
  const state: TestServer = {
    url: '',
    arrivals: [],
    maxInFlight: 0,
    handler: (_req, res) => void res.end('ok'),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const arrival: Arrival = { method: req.method ?? '', url: req.url ?? '', at: performance.now(), headers: req.headers, body: Buffer.concat(chunks).toString() };
    state.arrivals.push(arrival);
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const done = () => inFlight--;
    res.on('close', done);
    await state.handler(req, res, arrival);
  };
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return state;
}

/** Lines written by a logger, for asserting what did and did not get logged. */
export function lineCollector() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}
