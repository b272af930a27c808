import { randomBytes } from 'node:crypto';
import { createHmac } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parseRawEntry, RAW_GZIP_MIN_BYTES } from '../../lambdas/core/raw-archive';
import { RAW_ARCHIVE_ON } from '../../lambdas/aws/raw-body-gzip';
import { IntegrationStoreUnavailableError, SinkUnavailableError } from '../../lambdas/core/errors';
import { MAX_EVENT_TYPES } from '../../lambdas/core/event-types';
import { newIntegration } from '../../lambdas/core/integration';
import type { LakeBatch, LakeRow } from '../../lambdas/core/rows';
import { sequenceGenerator } from '../../lambdas/core/sequence';
import { hashToken, issueToken, tokenIdFromHash } from '../../lambdas/core/tokens';
import { createIngestWebhook, type IngestDependencies } from '../../lambdas/app/ingest-webhook';
import type { SinkReport, RecordSink, WebhookOutcome } from '../../lambdas/app/ports';
import { MemoryStore } from '../support/memory-store';
import { RecordingLogger } from '../support/recording-logger';
import { webhookRequest, type RequestInput } from '../support/webhook-requests';
import { recordOf } from '../support/lake-rows';
import { hmacScheme, SigningSecret } from '../../lambdas/core/signing';
import { gitHubHeaders } from '../support/signers';

class CapturingSink implements RecordSink {
  readonly batches: LakeBatch[] = [];
  failWith?: Error;
  /** How many rows the next write reports as stored in _sdc_rejected instead, as Firehose's sink may. */
  rejects = 0;
  async write(batch: LakeBatch): Promise<SinkReport> {
    if (this.failWith) throw this.failWith;
    this.batches.push(batch);
    return { rejected: this.rejects };
  }
}

const now = new Date('2026-11-23T10:00:00.000Z');

async function setUp(overrides: Partial<IngestDependencies> = {}) {
  const store = new MemoryStore();
  const sink = new CapturingSink();
  const logger = new RecordingLogger();
  await store.createIntegration(newIntegration({ name: 'Stitch Iterable', primaryKey: 'id' }, now));
  const { token, record } = issueToken('stitch_iterable', randomBytes, now);
  await store.addToken(record, 2);
  const ingest = createIngestWebhook({
    store,
    sink,
    logger,
    clock: () => new Date('2026-11-23T10:00:01.000Z'),
    nextSequence: sequenceGenerator(() => now.getTime(), () => 0),
    uuid: () => 'uuid',
    maxBodyBytes: 64 * 1024,
    maxRecordBytes: 1000 * 1024,
    ...overrides,
  });
  const send = async (input: RequestInput) => {
    const response = await ingest(webhookRequest(input));
    return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { store, sink, logger, token, record, send };
}

describe('ingest use case: the response table', () => {
  it('200 with records and rejected counts once the rows are stored', async () => {
    const { sink, token, send } = await setUp();
    const response = await send({ token, body: '[{"id":1},{"id":2},{"name":"no id"}]' });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(response.json).toEqual({ status: 'OK', records: 2, rejected: 1 });
    expect(sink.batches).toHaveLength(1);
    expect(sink.batches[0].schema).toBe('stitch_iterable');
    expect(sink.batches[0].rows.map((row) => row.table)).toEqual(['data', 'data', '_sdc_rejected']);
    expect(recordOf(sink.batches[0].rows[0])).toMatchObject({ id: '1', _sdc_received_at: '2026-11-23T10:00:00.000Z', _sdc_batched_at: '2026-11-23T10:00:01.000Z' });
  });

  it('counts rows the sink stored in _sdc_rejected instead as rejected, not as records', async () => {
    const { sink, token, send } = await setUp();
    sink.rejects = 1;
    const response = await send({ token, body: '[{"id":1},{"id":2},{"name":"no id"}]' });
    expect(response.json).toEqual({ status: 'OK', records: 1, rejected: 2 });
  });

  it('accepts the token as Bearer and as the Basic auth password', async () => {
    const { token, send } = await setUp();
    const bearer = await send({ headers: { authorization: `Bearer ${token}` }, body: '{"id":1}' });
    const basic = await send({ headers: { authorization: `Basic ${Buffer.from(`iterable:${token}`).toString('base64')}` }, body: '{"id":1}' });
    expect([bearer.statusCode, basic.statusCode]).toEqual([200, 200]);
  });

  it.each([
    ['empty body', '', /empty/],
    ['malformed JSON', '{"id":', /line 1, column 7/],
  ])('400 for %s, with what and where', async (_case, body, message) => {
    const { sink, token, send } = await setUp();
    const response = await send({ token, body });
    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ status: 'ERROR', message: expect.stringMatching(message) });
    expect(sink.batches).toHaveLength(0);
  });

  it('400 for invalid UTF-8', async () => {
    const { token, send } = await setUp();
    const response = await send({ token, body: Buffer.from([0x7b, 0xff, 0x7d]) });
    expect(response.statusCode).toBe(400);
    expect(response.json.message).toMatch(/UTF-8/);
  });

  it('401 for a missing, malformed, unknown or revoked token', async () => {
    const { store, record, token, send } = await setUp();
    const unknown = issueToken('stitch_iterable', randomBytes, now).token;
    const missing = await send({ body: '{"id":1}' });
    const malformed = await send({ token: 'not-a-token', body: '{"id":1}' });
    const stranger = await send({ token: unknown, body: '{"id":1}' });
    await store.revokeToken('stitch_iterable', record.tokenId, now);
    const revoked = await send({ token, body: '{"id":1}' });
    for (const response of [missing, malformed, stranger, revoked]) {
      expect(response.statusCode).toBe(401);
      expect(response.json.status).toBe('ERROR');
    }
    expect(stranger.json.message).toMatch(/unknown or revoked/);
  });

  it('405 with Allow: POST for any other method', async () => {
    const { token, send } = await setUp();
    const response = await send({ method: 'GET', token });
    expect(response.statusCode).toBe(405);
    expect(response.headers).toMatchObject({ allow: 'POST' });
  });

  it('413 for a body over the limit', async () => {
    const { token, send } = await setUp();
    const response = await send({ token, body: JSON.stringify({ id: 1, pad: 'x'.repeat(70 * 1024) }) });
    expect(response.statusCode).toBe(413);
    expect(response.json.message).toMatch(/64 KiB limit/);
  });

  it('415 for a content type that is not JSON', async () => {
    const { token, send } = await setUp();
    const response = await send({ token, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(response.statusCode).toBe(415);
    expect(response.json.message).toMatch(/application\/json/);
  });

  it('503 with Retry-After when the sink cannot store the rows, without the cause in the body', async () => {
    const { sink, logger, token, send } = await setUp();
    sink.failWith = new SinkUnavailableError('Firehose refused 3 of 3 rows', 7, { cause: new Error('ThrottlingException') });
    const response = await send({ token, body: '{"id":1}' });
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '7' });
    expect(response.body).not.toMatch(/Firehose|Throttling/);
    expect(logger.lines.join('\n')).toMatch(/ThrottlingException/);
  });

  it('503 with Retry-After when the token store is unavailable', async () => {
    const { store, token, send } = await setUp();
    store.findTokenByHash = async () => {
      throw new IntegrationStoreUnavailableError('DynamoDB throttled');
    };
    const response = await send({ token, body: '{"id":1}' });
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
  });

  it('500 hides an unexpected error', async () => {
    const { sink, token, send } = await setUp();
    sink.failWith = new TypeError('secret internals');
    const response = await send({ token, body: '{"id":1}' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret internals');
  });

  it('200 and nothing written for an empty array', async () => {
    const { sink, token, send } = await setUp();
    const response = await send({ token, body: '[]' });
    expect(response.json).toEqual({ status: 'OK', records: 0, rejected: 0 });
    expect(sink.batches).toHaveLength(0);
  });

  it('never logs the token, whatever the outcome', async () => {
    const { logger, sink, token, send } = await setUp();
    await send({ token, body: '{"id":1}' });
    await send({ token, body: '{"id":' });
    await send({ token: token.slice(0, -1) + 'A', body: '{"id":1}' });
    await send({ headers: { authorization: `Bearer ${token}` }, method: 'PUT' });
    sink.failWith = new SinkUnavailableError('down');
    await send({ token, body: '{"id":1}' });
    expect(logger.lines.length).toBeGreaterThanOrEqual(5);
    for (const line of logger.lines) expect(line).not.toContain(token.slice(4, 20));
  });
});

describe('ingest use case: the column registry', () => {
  it('registers new columns before storing the rows that use them', async () => {
    const { store, sink, token, send } = await setUp();
    await send({ token, body: '{"id":1,"data":{"href":"x"},"tags":["a"]}' });
    expect((await store.listColumns('stitch_iterable')).map((c) => [c.name, c.type])).toEqual([
      ['data__href', 'string'],
      ['id', 'string'],
      ['tags', 'json'],
    ]);
    expect(Object.keys(recordOf(sink.batches[0].rows[0]))).toEqual(expect.arrayContaining(['id', 'data__href', 'tags']));
  });

  it('maps again with the winner\'s type when a concurrent writer registered a column first', async () => {
    const { store, sink, token, send } = await setUp();
    await send({ token, body: '{"id":1}' }); // the handler now holds the registry {id}
    // Another process registers "amount" as a string meanwhile; this one has not seen it.
    await store.addColumns('stitch_iterable', [{ name: 'amount', type: 'string', firstSeenAt: now.toISOString() }]);
    const response = await send({ token, body: '{"id":2,"amount":5}' });
    expect(response.json).toEqual({ status: 'OK', records: 1, rejected: 0 });
    expect(recordOf(sink.batches[1].rows[0])).toMatchObject({ id: '2', amount__bi: 5 });
    expect(recordOf(sink.batches[1].rows[0])).not.toHaveProperty('amount');
    expect((await store.listColumns('stitch_iterable')).find((c) => c.name === 'amount__bi')?.type).toBe('bigint');
  });

  it('registers the new columns of a burst of concurrent webhooks once, and reads the registry once', async () => {
    const { store, sink, token, send } = await setUp();
    let registrations = 0;
    let reads = 0;
    const add = store.addColumns.bind(store);
    const list = store.listColumns.bind(store);
    let registering = false;
    store.addColumns = async (...args) => {
      registrations += 1;
      registering = true;
      return add(...args).finally(() => (registering = false));
    };
    // The memory store reads its own registry back after a registration; only the cache's reads count.
    store.listColumns = async (...args) => {
      if (!registering) reads += 1;
      return list(...args);
    };
    const responses = await Promise.all(Array.from({ length: 64 }, (_, i) => send({ token, body: `{"id":${i},"event":"open","data":{"n":${i}}}` })));
    expect(responses.map((response) => response.statusCode)).toEqual(responses.map(() => 200));
    expect(registrations).toBe(1);
    expect(reads).toBe(1);
    expect(sink.batches.map((batch) => Object.keys(recordOf(batch.rows[0])).slice(0, 3))).toEqual(sink.batches.map(() => ['id', 'event', 'data__n']));
  });

  it('stores nothing and answers 503 when the registry cannot be written', async () => {
    const { store, sink, token, send } = await setUp();
    store.addColumns = async () => {
      throw new IntegrationStoreUnavailableError('DynamoDB throttled');
    };
    const response = await send({ token, body: '{"id":1,"new":true}' });
    expect(response.statusCode).toBe(503);
    expect(sink.batches).toHaveLength(0);
  });
});

describe('ingest use case: signatures', () => {
  const signed = async () => {
    const setup = await setUp();
    await setup.store.setSigning('stitch_iterable', {
      scheme: hmacScheme({ signatureHeader: 'X-Hub-Signature-256', prefix: 'sha256=' }),
      keys: [{ secret: new SigningSecret('hub-secret'), addedAt: now.toISOString() }],
    });
    return setup;
  };

  it('stores a webhook signed over its raw bytes, whitespace and key order as sent', async () => {
    const { sink, token, send } = await signed();
    const body = '{ "id" : 1,\n  "b": 2 }';
    const response = await send({ token, body, headers: gitHubHeaders('hub-secret', body) });
    expect(response.statusCode).toBe(200);
    expect(sink.batches).toHaveLength(1);
  });

  it('answers 401 naming the failed check, stores nothing and logs the check without the token or secret', async () => {
    const { sink, logger, token, send } = await signed();
    const body = '{"id":1}';
    const unsigned = await send({ token, body });
    const forged = await send({ token, body, headers: gitHubHeaders('guessed', body) });
    expect([unsigned.statusCode, forged.statusCode]).toEqual([401, 401]);
    expect(unsigned.json.message).toMatch(/^Signature check failed \(missing header\)/);
    expect(forged.json.message).toMatch(/^Signature check failed \(bad signature\)/);
    expect(sink.batches).toHaveLength(0);
    const logged = logger.lines.join('\n');
    expect(logged).toContain('SignatureError');
    expect(logger.lines.map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({ message: 'Webhook refused', schema: 'stitch_iterable', status: 401, error: 'SignatureError' }));
    expect(logged).not.toContain(token);
    expect(logged).not.toContain('hub-secret');
  });

  it('checks the token before the signature: an unknown token is a plain 401', async () => {
    const { send } = await signed();
    const response = await send({ token: `hlk_${'A'.repeat(43)}`, body: '{"id":1}' });
    expect(response.statusCode).toBe(401);
    expect(response.json.message).toBe('Webhook token is unknown or revoked.');
  });
});

describe('ingest use case: metrics', () => {
  it('tells the metrics port of every answer: counts when stored, the error name when refused or failed, with its integration and token once known', async () => {
    const outcomes: WebhookOutcome[] = [];
    const { sink, token, send } = await setUp({ metrics: { answered: (outcome) => outcomes.push(outcome) } });
    await send({ token, body: '[{"id":1},{"name":"no id"}]' });
    await send({ token, body: '{"id":' });
    await send({ token: `hlk_${'A'.repeat(43)}`, body: '{"id":3}' });
    sink.failWith = new SinkUnavailableError('down');
    await send({ token, body: '{"id":2}' });
    const known = { schema: 'stitch_iterable', tokenId: tokenIdFromHash(hashToken(token)) };
    const receivedAt = expect.any(Date);
    expect(outcomes).toEqual([
      { status: 200, records: 1, rejected: 1, sinkRetries: 0, ...known, receivedAt },
      { status: 400, reason: 'MalformedBodyError', records: 0, rejected: 0, sinkRetries: 0, ...known, receivedAt },
      { status: 401, reason: 'UnauthorizedError', records: 0, rejected: 0, sinkRetries: 0, receivedAt },
      { status: 503, reason: 'SinkUnavailableError', records: 0, rejected: 0, sinkRetries: 0, ...known, receivedAt },
    ]);
  });
});

describe('ingest use case: event types', () => {
  async function setUpSendGrid() {
    const setup = await setUp();
    await setup.store.createIntegration(newIntegration({ name: 'SendGrid Events', type: 'sendgrid' }, now));
    const { token, record } = issueToken('sendgrid_events', randomBytes, now);
    await setup.store.addToken(record, 2);
    return { ...setup, token };
  }

  it("stamps each row's type and registers the columns each type carried before storing the rows", async () => {
    const { store, sink, token, send } = await setUpSendGrid();
    let storedBefore: number | undefined;
    const add = store.addEventColumns.bind(store);
    store.addEventColumns = async (...args) => {
      storedBefore ??= sink.batches.length;
      return add(...args);
    };
    const body = JSON.stringify([
      { sg_event_id: 'a', event: 'open', ip: '1.2.3.4' },
      { sg_event_id: 'b', event: 'bounce', reason: '550' },
    ]);
    expect((await send({ token, body })).json).toEqual({ status: 'OK', records: 2, rejected: 0 });
    expect(storedBefore).toBe(0);
    expect(sink.batches[0].rows.map((row) => recordOf(row)._sdc_event_type)).toEqual(['open', 'bounce']);
    expect((await store.listEventTypes('sendgrid_events')).types.map(({ eventType, columns }) => [eventType, columns])).toEqual([
      ['bounce', ['event', 'reason', 'sg_event_id']],
      ['open', ['event', 'ip', 'sg_event_id']],
    ]);
  });

  it('registers a burst of the same new type once, reads the registry once, and writes nothing for what it knows', async () => {
    const { store, token, send } = await setUpSendGrid();
    let registrations = 0;
    let reads = 0;
    const add = store.addEventColumns.bind(store);
    const list = store.listEventTypes.bind(store);
    let registering = false;
    store.addEventColumns = async (...args) => {
      registrations += 1;
      registering = true;
      return add(...args).finally(() => (registering = false));
    };
    // The memory store reads its own registry back after a registration; only the cache's reads count.
    store.listEventTypes = async (...args) => {
      if (!registering) reads += 1;
      return list(...args);
    };
    const responses = await Promise.all(Array.from({ length: 32 }, (_, i) => send({ token, body: `{"sg_event_id":"e${i}","event":"delivered"}` })));
    expect(responses.map((response) => response.statusCode)).toEqual(responses.map(() => 200));
    await send({ token, body: '{"sg_event_id":"x","event":"delivered"}' });
    expect(registrations).toBe(1);
    expect(reads).toBe(1);
  });

  it('lands rows of types past the bound with their type but no registration, and notes when that began', async () => {
    const { store, sink, token, send } = await setUpSendGrid();
    const at = new Date('2026-11-23T09:00:00.000Z');
    await store.addEventColumns('sendgrid_events', Array.from({ length: MAX_EVENT_TYPES }, (_, i) => ({ eventType: `t${i}`, columns: ['event'] })), at, MAX_EVENT_TYPES);
    let registrations = 0;
    const add = store.addEventColumns.bind(store);
    store.addEventColumns = async (...args) => {
      registrations += 1;
      return add(...args);
    };
    expect((await send({ token, body: '{"sg_event_id":"a","event":"invented_1"}' })).json).toEqual({ status: 'OK', records: 1, rejected: 0 });
    expect((await send({ token, body: '{"sg_event_id":"b","event":"invented_2"}' })).json).toEqual({ status: 'OK', records: 1, rejected: 0 });
    expect(sink.batches.map((batch) => recordOf(batch.rows[0])._sdc_event_type)).toEqual(['invented_1', 'invented_2']);
    const registry = await store.listEventTypes('sendgrid_events');
    expect(registry.types).toHaveLength(MAX_EVENT_TYPES);
    expect(registry.firstRefusedAt).toBe(now.toISOString());
    // The first new type is turned away by the store, which notes it; the cache then knows, and the second costs no write.
    expect(registrations).toBe(1);
  });

  it('stores nothing and answers 503 when the event-type registry cannot be written', async () => {
    const { store, sink, token, send } = await setUpSendGrid();
    store.addEventColumns = async () => {
      throw new IntegrationStoreUnavailableError('DynamoDB throttled');
    };
    expect((await send({ token, body: '{"sg_event_id":"a","event":"open"}' })).statusCode).toBe(503);
    expect(sink.batches).toHaveLength(0);
  });
});

describe('ingest use case: the raw archive', () => {
  const archived = (batch: LakeBatch) => parseRawEntry(batch.raw?.text ?? '', gunzipSync);

  it('hands the sink the body, its arrival and its headers with the rows, named by the first row sequence', async () => {
    const { sink, token, send } = await setUp({ archiveRaw: RAW_ARCHIVE_ON });
    const body = '[{"id":1},{"id":2}]';
    const response = await send({ token, body, headers: { 'user-agent': 'iterable', 'x-api-key': 'k' } });
    expect(response.statusCode).toBe(200);
    const [batch] = sink.batches;
    expect(batch.raw?.dt).toBe('2026-11-23');
    const entry = archived(batch);
    expect(entry).toMatchObject({ receivedAt: '2026-11-23T10:00:00.000Z', sequence: batch.rows[0].sequence, body });
    expect(entry.headers).toMatchObject({ 'user-agent': 'iterable' });
    expect(entry.headers).not.toHaveProperty('x-api-key');
    expect(batch.raw?.text).not.toContain(token);
  });

  it("names a request whose rows the sink packs by its first row's sequence, as replay stamps it", async () => {
    const taken: LakeRow[] = [];
    const { sink, token, send } = await setUp({ archiveRaw: RAW_ARCHIVE_ON });
    const packing = Object.assign(sink, {
      packer: () => ({ add: (row: LakeRow) => taken.push(row), finish: () => [{ table: 'data' as const, dt: '2026-11-23', rows: taken.length, segments: [], crc32: 0, bytes: 0 }] }),
    });
    const response = await send({ token, body: '[{"id":1},{"id":2}]' });
    expect(response.json).toEqual({ status: 'OK', records: 2, rejected: 0 });
    const [batch] = packing.batches;
    expect(batch.rows).toEqual([]);
    expect(batch.packed).toEqual([expect.objectContaining({ rows: 2 })]);
    expect(taken).toHaveLength(2);
    expect(archived(batch).sequence).toBe(taken[0].sequence);
  });

  it("keeps an accepted body that makes no row, and drops the integration's own signature header", async () => {
    const setup = await setUp({ archiveRaw: RAW_ARCHIVE_ON });
    await setup.store.setSigning('stitch_iterable', {
      scheme: hmacScheme({ signatureHeader: 'X-Proof', prefix: '' }),
      keys: [{ secret: new SigningSecret('proof-secret'), addedAt: now.toISOString() }],
    });
    const body = '[]';
    const proof = { 'x-proof': createHmac('sha256', 'proof-secret').update(body).digest('hex') };
    const response = await setup.send({ token: setup.token, body, headers: proof });
    expect(response.json).toEqual({ status: 'OK', records: 0, rejected: 0 });
    expect(setup.sink.batches).toHaveLength(1);
    expect(setup.sink.batches[0].rows).toEqual([]);
    expect(archived(setup.sink.batches[0]).headers).not.toHaveProperty('x-proof');
  });

  it('gzips a body from RAW_GZIP_MIN_BYTES on, and reads back the bytes received', async () => {
    const { sink, token, send } = await setUp({ archiveRaw: RAW_ARCHIVE_ON });
    const body = JSON.stringify(Array.from({ length: 150 }, (_, i) => ({ id: i, note: 'the same words again' })));
    expect(Buffer.byteLength(body)).toBeGreaterThanOrEqual(RAW_GZIP_MIN_BYTES);
    expect((await send({ token, body })).statusCode).toBe(200);
    const text = sink.batches[0].raw?.text ?? '';
    expect(text).toContain('"body_gzip_base64"');
    expect(text.length).toBeLessThan(body.length / 2);
    expect(archived(sink.batches[0]).body).toBe(body);
  });

  it('archives nothing when the archive is off, nor any refused request', async () => {
    const off = await setUp();
    await off.send({ token: off.token, body: '{"id":1}' });
    expect(off.sink.batches[0].raw).toBeUndefined();
    const on = await setUp({ archiveRaw: RAW_ARCHIVE_ON });
    expect((await on.send({ token: on.token, body: '{"id":' })).statusCode).toBe(400);
    expect((await on.send({ token: 'hlk_unknown', body: '{"id":1}' })).statusCode).toBe(401);
    expect(on.sink.batches).toHaveLength(0);
  });
});
