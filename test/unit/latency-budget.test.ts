import { randomBytes } from 'node:crypto';
import { createIngestWebhook, type IngestWebhook } from '../../lambdas/app/ingest-webhook';
import { DEFAULT_LATENCY_BUDGET } from '../../lambdas/app/latency-budget';
import type { RecordSink, SinkWriteOptions } from '../../lambdas/app/ports';
import { newIntegration } from '../../lambdas/core/integration';
import type { LakeBatch } from '../../lambdas/core/rows';
import { sequenceGenerator } from '../../lambdas/core/sequence';
import { issueToken } from '../../lambdas/core/tokens';
import type { HttpResponse } from '../../lambdas/app/http-responses';
import { Deadlines, within } from '../../lambdas/shared/deadline';
import { collectGarbage } from '../support/force-gc';
import { MemoryStore } from '../support/memory-store';
import { RecordingLogger } from '../support/recording-logger';
import { webhookRequest } from '../support/webhook-requests';

const START = new Date('2026-11-23T10:00:00.000Z');
const never = <T>() => new Promise<T>(() => undefined);
const BODY = '{"id":1}';

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(START);
});
afterEach(() => jest.useRealTimers());

/** Whether `promise` has settled after the fake clock moved `ms`; the answer when it has. */
async function after<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let settled: { value: T } | undefined;
  void promise.then((value) => (settled = { value }), () => undefined);
  await jest.advanceTimersByTimeAsync(ms);
  return settled === undefined ? 'pending' : settled.value;
}

describe('within', () => {
  it('settles as the work does when it is in time, and leaves no timer behind', async () => {
    await expect(within(Promise.resolve(7), 100, () => new Error('late'))).resolves.toBe(7);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with the late error once the time is up, not before', async () => {
    const bounded = within(never(), 100, () => new Error('late'));
    const outcome = bounded.catch((error: Error) => error.message);
    expect(await after(outcome, 99)).toBe('pending');
    expect(await after(outcome, 1)).toBe('late');
  });

  it('rejects at once when no time is left', async () => {
    await expect(within(never(), 0, () => new Error('late'))).rejects.toThrow('late');
  });
});

describe('Deadlines', () => {
  it('rejects each wait at its own deadline on one timer, whatever order they came in', async () => {
    const deadlines = new Deadlines();
    const start = Date.now();
    const outcomes = [300, 100, 200].map((ms) => deadlines.within(never(), start + ms, () => new Error(`late ${ms}`)).catch((error: Error) => error.message));
    expect(jest.getTimerCount()).toBe(1);
    expect(await after(outcomes[1], 99)).toBe('pending');
    expect(await after(outcomes[1], 1)).toBe('late 100');
    expect(await after(outcomes[2], 99)).toBe('pending');
    expect(await after(outcomes[2], 1)).toBe('late 200');
    expect(await after(outcomes[0], 100)).toBe('late 300');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('settles as the work does when it is in time, and leaves no timer once nothing waits', async () => {
    const deadlines = new Deadlines();
    const first = deadlines.within(new Promise<string>((resolve) => setTimeout(() => resolve('first'), 50)), Date.now() + 100, () => new Error('late'));
    const second = deadlines.within(Promise.reject(new Error('failed')), Date.now() + 100, () => new Error('late'));
    await expect(second).rejects.toThrow('failed');
    expect(await after(first, 50)).toBe('first');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects at once when the deadline has passed', async () => {
    await expect(new Deadlines().within(never(), Date.now(), () => new Error('late'))).rejects.toThrow('late');
  });

  it('ends a wait whose late error cannot be made with what making it threw, and the other waits as usual', async () => {
    const deadlines = new Deadlines();
    const start = Date.now();
    const failing = deadlines
      .within(never(), start + 100, () => {
        throw new Error('could not describe the delay');
      })
      .catch((error: Error) => error.message);
    const other = deadlines.within(never(), start + 100, () => new Error('late')).catch((error: Error) => error.message);
    const later = deadlines.within(never(), start + 200, () => new Error('later')).catch((error: Error) => error.message);
    expect(await after(failing, 100)).toBe('could not describe the delay');
    expect(await after(other, 0)).toBe('late');
    expect(await after(later, 100)).toBe('later');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('lets go of what a settled wait held, even while something still points at its waiter', async () => {
    jest.useRealTimers();
    const deadlines = new Deadlines();
    let finish!: (value: string) => void;
    const work = new Promise<string>((resolve) => (finish = resolve));
    // In its own frame, so only the late error's closure holds the body, as a webhook's does.
    const wait = () => {
      const body = Buffer.alloc(64 * 1024);
      return { waited: deadlines.within(work, Date.now() + 60_000, () => new Error(`late with ${body.length} bytes`)), body: new WeakRef(body) };
    };
    const { result: { waited, body }, pointedAt } = pointingAtWhatSetsAdd(wait);
    expect(pointedAt).toContainEqual(expect.objectContaining({ deadline: expect.any(Number) }));
    finish('stored');
    await expect(waited).resolves.toBe('stored');
    await collectGarbage();
    expect(body.deref()).toBeUndefined();
    expect(pointedAt.length).toBeGreaterThan(0);
  });

  it('lets go of the answer a settled wait gave, even while something still points at its waiter', async () => {
    jest.useRealTimers();
    const deadlines = new Deadlines();
    // Only the wait's own promise keeps the answer once it has been read: through its reject, if the waiter keeps that.
    const wait = () => {
      let finish!: (value: Buffer) => void;
      const work = new Promise<Buffer>((resolve) => (finish = resolve));
      const read = deadlines.within(work, Date.now() + 60_000, () => new Error('late')).then((answer) => answer.length);
      const answer = Buffer.alloc(64 * 1024);
      finish(answer);
      return { read, answer: new WeakRef(answer) };
    };
    const { result: { read, answer }, pointedAt } = pointingAtWhatSetsAdd(wait);
    await expect(read).resolves.toBe(64 * 1024);
    await collectGarbage();
    expect(answer.deref()).toBeUndefined();
    expect(pointedAt.length).toBeGreaterThan(0);
  });
});

/**
 * Runs `run`, keeping everything it adds to any Set: stands in for a table the waiting set has outgrown,
 * which V8 leaves behind still pointing at its waiters and, once old, keeps them alive through every
 * young-generation GC until the next full one.
 */
function pointingAtWhatSetsAdd<T>(run: () => T): { result: T; pointedAt: unknown[] } {
  const pointedAt: unknown[] = [];
  const add = Set.prototype.add;
  const spy = jest.spyOn(Set.prototype, 'add').mockImplementation(function (this: Set<unknown>, value: unknown) {
    pointedAt.push(value);
    return add.call(this, value);
  });
  try {
    return { result: run(), pointedAt };
  } finally {
    spy.mockRestore();
  }
}

class SlowSink implements RecordSink {
  readonly deadlines: (number | undefined)[] = [];
  constructor(private readonly answer: () => Promise<void> = () => Promise.resolve()) {}
  async write(_batch: LakeBatch, options?: SinkWriteOptions) {
    this.deadlines.push(options?.deadline);
    await this.answer();
    return { rejected: 0 };
  }
}

async function setUp(store: MemoryStore, sink: RecordSink, options: { onStamp?: () => void; whenDone?: () => void } = {}): Promise<{ send: () => Promise<HttpResponse> }> {
  await store.createIntegration(newIntegration({ name: 'Shop', primaryKey: 'id' }, START));
  const { token, record } = issueToken('shop', randomBytes, START);
  await store.addToken(record, 2);
  const ingest: IngestWebhook = createIngestWebhook({
    store,
    sink,
    logger: new RecordingLogger(),
    clock: () => new Date(),
    nextSequence: ((sequence) => () => {
      options.onStamp?.();
      return sequence();
    })(sequenceGenerator(Date.now, () => 0)),
    uuid: () => 'uuid',
    maxBodyBytes: 64 * 1024,
    maxRecordBytes: 1000 * 1024,
  });
  return { send: () => ingest({ ...webhookRequest({ token, body: BODY, receivedAt: new Date() }), whenDone: options.whenDone }) };
}

describe('latency budget of a webhook', () => {
  const { answerMs, storeMs, replyMs } = DEFAULT_LATENCY_BUDGET;

  it('is 3 s in all, the store getting 1 s of it, so a provider that waits 4 s always has its answer', () => {
    expect(DEFAULT_LATENCY_BUDGET).toEqual({ answerMs: 3000, storeMs: 1000, replyMs: 200 });
  });

  it('answers 503 with Retry-After when the token read has not answered within the store budget', async () => {
    const store = new MemoryStore();
    const sink = new SlowSink();
    const { send } = await setUp(store, sink);
    store.findTokenByHash = () => never();
    const response = send();
    expect(await after(response, storeMs - 1)).toBe('pending');
    const answered = await after(response, 1);
    expect(answered).toMatchObject({ statusCode: 503, headers: { 'retry-after': '5' } });
    expect(sink.deadlines).toEqual([]);
  });

  it('answers 503 when the integration or the column registry stalls', async () => {
    for (const stall of ['getIntegration', 'listColumns'] as const) {
      const store = new MemoryStore();
      const { send } = await setUp(store, new SlowSink());
      (store as unknown as Record<typeof stall, () => Promise<never>>)[stall] = () => never();
      expect(await after(send(), storeMs)).toMatchObject({ statusCode: 503 });
    }
  });

  it('counts only the time spent waiting on the store: a slow read then a stalled one answer 503 once the two make up the budget', async () => {
    const store = new MemoryStore();
    const { send } = await setUp(store, new SlowSink());
    const read = store.findTokenByHash.bind(store);
    store.findTokenByHash = async (hash) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      return read(hash);
    };
    store.listColumns = () => never();
    const response = send();
    expect(await after(response, storeMs - 1)).toBe('pending');
    expect(await after(response, 1)).toMatchObject({ statusCode: 503 });
  });

  it('does not count the CPU work on the body against the store: a decode that takes longer than the store budget still stores', async () => {
    const store = new MemoryStore();
    const sink = new SlowSink();
    const { send } = await setUp(store, sink);
    const parse = JSON.parse.bind(JSON);
    // The body takes 1.5 s to decode: time passes, and timers due meanwhile fire, as they would once the CPU is free.
    const slowParse = jest.spyOn(JSON, 'parse').mockImplementation((text: string, reviver) => {
      if (text === BODY) jest.advanceTimersByTime(storeMs + 500);
      return parse(text, reviver) as unknown;
    });
    try {
      expect(await after(send(), 0)).toMatchObject({ statusCode: 200 });
      expect(sink.deadlines).toEqual([START.getTime() + answerMs - replyMs]);
    } finally {
      slowParse.mockRestore();
    }
  });

  it('answers 503 with Retry-After when the sink has not confirmed by the end of the budget, less the reply margin', async () => {
    const sink = new SlowSink(() => never());
    const { send } = await setUp(new MemoryStore(), sink);
    const response = send();
    expect(await after(response, answerMs - replyMs - 1)).toBe('pending');
    expect(await after(response, 1)).toMatchObject({ statusCode: 503, headers: { 'retry-after': '5' } });
    expect(JSON.parse(((await response) as HttpResponse).body)).toEqual({ status: 'ERROR', message: 'Events could not be stored right now; retry later.' });
  });

  it('tells the sink when the answer is due, counted from the start, whatever the reads took', async () => {
    const store = new MemoryStore();
    const sink = new SlowSink();
    const { send } = await setUp(store, sink);
    const read = store.findTokenByHash.bind(store);
    store.findTokenByHash = async (hash) => {
      await new Promise((resolve) => setTimeout(resolve, 900));
      return read(hash);
    };
    expect(await after(send(), 900)).toMatchObject({ statusCode: 200 });
    expect(sink.deadlines).toEqual([START.getTime() + answerMs - replyMs]);
  });

  it('answers 503 when decoding and stamping leave no time for the sink, without writing', async () => {
    const onStamp = () => jest.advanceTimersByTime(answerMs);
    const sink = new SlowSink();
    const { send } = await setUp(new MemoryStore(), sink, { onStamp });
    expect(await after(send(), 0)).toMatchObject({ statusCode: 503, headers: { 'retry-after': '5' } });
    expect(sink.deadlines).toEqual([]);
  });

  it('says the work is done only once a sink write answered late has ended, not at the 503', async () => {
    let confirm = () => undefined as void;
    const sink = new SlowSink(() => new Promise<void>((resolve) => (confirm = resolve)));
    const whenDone = jest.fn();
    const { send } = await setUp(new MemoryStore(), sink, { whenDone });
    expect(await after(send(), answerMs - replyMs)).toMatchObject({ statusCode: 503 });
    expect(whenDone).not.toHaveBeenCalled();
    confirm();
    await after(Promise.resolve(), 0);
    expect(whenDone).toHaveBeenCalledTimes(1);
  });

  it('says the work is done exactly once for a stored webhook and for one whose sink write failed', async () => {
    const stored = jest.fn();
    expect(await (await setUp(new MemoryStore(), new SlowSink(), { whenDone: stored })).send()).toMatchObject({ statusCode: 200 });
    const failed = jest.fn();
    const refusing = new SlowSink(() => Promise.reject(new Error('disk full')));
    expect(await (await setUp(new MemoryStore(), refusing, { whenDone: failed })).send()).toMatchObject({ statusCode: 500 });
    await after(Promise.resolve(), 0);
    expect(stored).toHaveBeenCalledTimes(1);
    expect(failed).toHaveBeenCalledTimes(1);
  });

  it('answers 200 when the sink confirms just in time, and leaves no timer behind', async () => {
    const sink = new SlowSink(() => new Promise((resolve) => setTimeout(resolve, answerMs - replyMs - 1)));
    const { send } = await setUp(new MemoryStore(), sink);
    expect(await after(send(), answerMs - replyMs - 1)).toMatchObject({ statusCode: 200 });
    expect(jest.getTimerCount()).toBe(0);
  });
});
