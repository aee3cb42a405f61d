import http from 'node:http';

export interface Res { status: number; body: string; ms: number }

/**
 * Minimal keep-alive HTTP/1.1 client for load generation (cheaper per request than fetch on Node 20).
 * Every request resolves (network errors give status 0) so load loops never throw.
 */
export class Client {
  readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(base: string, maxSockets = 64) {
    const u = new URL(base);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Res> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      const h: Record<string, string | number> = { ...headers };
      if (body !== undefined) {
        h['content-type'] ??= 'application/json';
        h['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request({ host: this.host, port: this.port, method, path, headers: h, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
        res.on('error', (err) => resolve({ status: 0, body: String(err), ms: performance.now() - t0 }));
      });
      req.on('error', (err) => resolve({ status: 0, body: String(err), ms: performance.now() - t0 }));
      req.end(body);
    });
  }

  async json<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T; ms: number }> {
    const r = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body), token ? { authorization: `Bearer ${token}` } : {});
    let parsed: unknown = r.body;
    try { parsed = r.body ? JSON.parse(r.body) : null; } catch { /* not JSON */ }
    return { status: r.status, body: parsed as T, ms: r.ms };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `workers` loops of `fn` concurrently until each returns false. */
export async function pool(workers: number, fn: (worker: number) => Promise<boolean>): Promise<void> {
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    while (await fn(w)) { /* next */ }
  }));
}
