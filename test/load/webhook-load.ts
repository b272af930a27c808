/**
 * The load a provider fleet puts on a webhook URL: `connections` clients on keep-alive sockets, each
 * sending the next request of a fixed list as soon as its last one is answered, over plain node:http
 * so every answer is seen and counted. A request the server did not acknowledge (a network error, a
 * 5xx) is sent again, as providers do, once the server is reachable: a kill -9 part-way loses
 * nothing a provider would not resend.
 */
import { Agent, request as httpRequest } from 'node:http';

export type BodyKind = 'object' | 'array' | 'ndjson';

export interface LoadRequest {
  /** Unique across the run; every row of the request carries it as `req`. */
  readonly req: number;
  readonly kind: BodyKind;
  readonly rows: number;
}

/** What one request ended with: its acknowledged answer, after any resends. */
export interface Answered {
  readonly request: LoadRequest;
  /** From the last send to its answer. */
  readonly ms: number;
  /** Sends before the acknowledged one (network errors and 5xx). */
  readonly resends: number;
}

export interface LoadTally {
  readonly answered: Answered[];
  /** Non-2xx answers by status, resends included. */
  readonly statuses: Map<number, number>;
  networkErrors: number;
  acknowledgedRows: number;
}

/** The kinds in the order requests cycle through them: mostly single events, as providers send, with batches among them. */
const CYCLE: readonly { kind: BodyKind; rows: number }[] = [
  { kind: 'object', rows: 1 },
  { kind: 'array', rows: 100 },
  { kind: 'object', rows: 1 },
  { kind: 'ndjson', rows: 25 },
  { kind: 'object', rows: 1 },
  { kind: 'object', rows: 1 },
];

/** Requests numbered from `firstReq` until they hold at least `events` rows. */
export function planRequests(firstReq: number, events: number): LoadRequest[] {
  const requests: LoadRequest[] = [];
  for (let rows = 0, i = 0; rows < events; i++) {
    const shape = CYCLE[i % CYCLE.length];
    requests.push({ req: firstReq + i, ...shape });
    rows += shape.rows;
  }
  return requests;
}

/** An email provider's event of about 1 KB; `req` and `k` say which request and which row of it. */
const EVENT_TAIL = JSON.stringify({
  event: 'email_open',
  email: 'user@example.com',
  createdAt: '2026-11-23T10:00:00Z',
  campaignId: 1042,
  isTest: false,
  dataFields: {
    subject: 'Your November update: new features, fewer clicks',
    tags: ['newsletter', 'monthly', 'product'],
    url: 'https://links.example.com/c/1?utm_source=newsletter&utm_medium=email&utm_campaign=nov-2026&utm_content=hero',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
    location: { city: 'Lisbon', region: 'Lisboa', country: 'PT', latitude: 38.7223, longitude: -9.1393 },
    profile: { firstName: 'Ana', lastName: 'Silva', plan: 'team', signupDate: '2025-03-14', lifetimeValue: 1234.5, locale: 'pt-PT' },
    note: 'x'.repeat(420),
  },
}).slice(1);
const event = (req: number, k: number): string => `{"id":"${req}-${k}","req":${req},"k":${k},${EVENT_TAIL}`;

export function bodyOf({ req, kind, rows }: LoadRequest): { body: string; contentType: string } {
  if (kind === 'object') return { body: event(req, 0), contentType: 'application/json' };
  const events = Array.from({ length: rows }, (_, k) => event(req, k));
  if (kind === 'array') return { body: `[${events.join(',')}]`, contentType: 'application/json' };
  return { body: `${events.join('\n')}\n`, contentType: 'application/x-ndjson' };
}

export interface Target {
  /** The webhook URL of the server up now; awaited before each send, so it can change across a restart. */
  url(): Promise<string>;
}

export interface LoadOptions {
  readonly connections: number;
  /** Called after each acknowledged request, with the tally so far (the crash run kills the server from here). */
  readonly onAnswered?: (tally: LoadTally) => void;
}

export async function runLoad(target: Target, requests: readonly LoadRequest[], options: LoadOptions): Promise<LoadTally> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const tally: LoadTally = { answered: [], statuses: new Map(), networkErrors: 0, acknowledgedRows: 0 };
  let next = 0;
  const client = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      const { body, contentType } = bodyOf(request);
      for (let resends = 0; ; resends++) {
        const url = await target.url();
        const started = process.hrtime.bigint();
        const status = await post(agent, url, body, contentType).catch(() => undefined);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (status === undefined) tally.networkErrors += 1;
        else if (status !== 200) tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
        if (status !== undefined && status < 500) {
          if (status === 200) {
            tally.answered.push({ request, ms, resends });
            tally.acknowledgedRows += request.rows;
            options.onAnswered?.(tally);
          }
          break;
        }
        // A provider waits before it sends again; the server may be restarting.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, client));
  agent.destroy();
  return tally;
}

/** POSTs the body; resolves with the status once the whole answer is read. */
function post(agent: Agent, url: string, body: string, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Percentile of sorted values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
