// A tiny HTTP server on 127.0.0.1 for tests: it records every request (method, path, headers,
// parsed body), tracks which requests are still open (so a test can assert that a cancel
// closed them), and is always torn down by the test that started it. The fake Ollama and
// OpenAI servers are built on it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names, as node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON, or the raw text when it is not JSON (undefined when empty). */
  body: unknown;
  rawBody: string;
  /** Set when the response ended or the client went away. */
  closed: boolean;
  /** True when the client went away before the response was complete (a cancel, a timeout). */
  abortedByClient: boolean;
  receivedAt: number;
}

/** What a route handler gets: the recorded request, the response to write, and a signal that fires if the client goes away. */
export interface RouteContext {
  req: RecordedRequest;
  res: ServerResponse;
  /** Aborts when the client closes the connection before the response is complete. */
  clientGone: AbortSignal;
}

export type RouteHandler = (ctx: RouteContext) => void | Promise<void>;

export class LoopbackServer {
  readonly requests: RecordedRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server, readonly url: string) {}

  /** Starts a server on a free loopback port. `route` answers every request. */
  static async start(route: RouteHandler): Promise<LoopbackServer> {
    let self: LoopbackServer | undefined;
    const server = createServer((req, res) => {
      void self!.handle(req, res, route);
    });
    server.on('connection', (socket) => {
      self!.sockets.add(socket);
      socket.on('close', () => self!.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    self = new LoopbackServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, route: RouteHandler): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (rawBody) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, rawBody,
      closed: false, abortedByClient: false, receivedAt: Date.now(),
    };
    this.requests.push(recorded);
    const gone = new AbortController();
    res.on('close', () => {
      recorded.closed = true;
      if (!res.writableFinished) {
        recorded.abortedByClient = true;
        gone.abort();
      }
    });
    try {
      await route({ req: recorded, res, clientGone: gone.signal });
    } catch (err) {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `test server route failed: ${(err as Error).message}` }));
      } else if (!res.writableEnded) res.destroy();
    }
  }

  /** Requests whose response has not ended and whose client is still there. */
  openRequests(): RecordedRequest[] {
    return this.requests.filter((r) => !r.closed);
  }

  /** Resolves when no request is open, or rejects after `timeoutMs`. */
  async waitUntilNoOpenRequests(timeoutMs = 1000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.openRequests().length > 0) {
      if (Date.now() > deadline) throw new Error(`${this.openRequests().length} request(s) still open after ${timeoutMs} ms: ${this.openRequests().map((r) => r.path).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Stops listening and drops every connection (so a hung handler can never keep a test alive). */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

/** Waits `ms`, or returns early (false) when the client goes away. */
export function delay(ms: number, clientGone?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (clientGone?.aborted) return resolve(false);
    const t = setTimeout(() => {
      clientGone?.removeEventListener('abort', onGone);
      resolve(true);
    }, ms);
    const onGone = () => {
      clearTimeout(t);
      resolve(false);
    };
    clientGone?.addEventListener('abort', onGone, { once: true });
  });
}

/** Never answers; resolves when the client goes away (a hung server). */
export function hang(clientGone: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (clientGone.aborted) return resolve();
    clientGone.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** A counting semaphore: the fakes use it to model a server with P parallel slots. */
export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Most slots ever in use at once (a test can check the client never exceeded P). */
  peak = 0;
  constructor(private readonly size: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }
}
