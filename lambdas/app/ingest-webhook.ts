import { decodeBody } from '../core/decode-body';
import { verifySignature } from '../core/signature-check';
import { eventTypeRuleOf, type EventColumnRegistry } from '../core/event-types';
import type { Integration } from '../core/integration';
import { IntegrationStoreUnavailableError, MethodNotAllowedError, SinkUnavailableError, UnauthorizedError } from '../core/errors';
import type { ColumnTypes } from '../core/column-mapping';
import { stampRecords, type StampContext, type StampResult, type StampServices } from '../core/stamp';
import { extractToken, hashToken, type TokenRecord } from '../core/tokens';
import { archivedHeaders, RAW_GZIP_MIN_BYTES, rawEntry, type RawEntry } from '../core/raw-archive';
import type { WebhookRoutePath } from '../core/webhook-routes';
import { failureResponse, jsonResponse, type HttpResponse } from './http-responses';
import { ColumnRegistryCache } from './column-registry-cache';
import { EventTypeRegistryCache } from './event-type-registry-cache';
import { IntegrationCache } from './integration-cache';
import type { AppLogger, IngestMetrics, IntegrationStore, RecordSink } from './ports';
import { TokenCache } from './token-cache';
import { stampRegistered } from './registered-stamp';
import { Deadlines } from '../shared/deadline';
import { DEFAULT_LATENCY_BUDGET, StoreWaits, type LatencyBudget } from './latency-budget';

const DEFAULT_INTEGRATION_CACHE_MS = 60_000;

/** The line each stored webhook leaves (at INFO), with its route, schema, counts and `ms`. */
export const WEBHOOK_STORED = 'Webhook stored';

/** One webhook request as every runtime hands it over: no API Gateway or node:http types. */
export interface WebhookRequest {
  readonly method: string;
  /** The route template it came in on, for logs. */
  readonly route: WebhookRoutePath;
  /** `{token}` of `/v1/hooks/{token}`, decoded; undefined on `/v1/hooks`. */
  readonly pathToken?: string;
  /** Header names in lower case; repeated headers joined with "," (as API Gateway joins them). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body bytes exactly as received. */
  readonly body: Buffer;
  readonly receivedAt: Date;
  /**
   * Called once all the work this request started has ended. That may be after the answer: a 503 sent
   * on the latency budget leaves its sink write running, holding its rows, so a runtime that bounds
   * memory by bodies in flight counts them until then.
   */
  readonly whenDone?: () => void;
}

export interface IngestDependencies extends StampServices {
  readonly store: IntegrationStore;
  readonly sink: RecordSink;
  readonly logger: AppLogger;
  readonly clock: () => Date;
  readonly maxBodyBytes: number;
  /** Where integrations are kept between webhooks. @default - a cache of DEFAULT_INTEGRATION_CACHE_MS */
  readonly integrationCache?: IntegrationCache;
  /** Where active tokens are kept between webhooks. @default - none: every webhook reads its token from the store */
  readonly tokenCache?: TokenCache;
  /** Told of every answered webhook. @default - none */
  readonly metrics?: IngestMetrics;
  /** How long a webhook may take before it is answered 503. @default DEFAULT_LATENCY_BUDGET */
  readonly latencyBudget?: LatencyBudget;
  /**
   * Keep each accepted body in the raw archive, stored by the sink with its rows (raw-archive.ts);
   * `gzip` compresses bodies of RAW_GZIP_MIN_BYTES or more off the event loop. @default undefined: no archive
   */
  readonly archiveRaw?: { readonly gzip: (bytes: Uint8Array) => Promise<Uint8Array> };
}

/** A webhook's token record and its integration; undefined when the token is unknown or revoked. */
interface Access {
  readonly tokenRecord: TokenRecord | undefined;
  readonly integration: Integration | undefined;
}

/** The registries a webhook's rows are stamped with; no event registry when the integration has no event types. */
interface Registries {
  readonly columns: ColumnTypes;
  readonly eventRegistry: EventColumnRegistry | undefined;
}

/** What the request turned out to be for, as far as it got: for log lines and counters. */
interface Known {
  schema?: string;
  tokenId?: string;
}

export type IngestWebhook = (request: WebhookRequest) => Promise<HttpResponse>;

/**
 * The ingest use case, the same in Lambda and behind the local server: authenticate, decode,
 * stamp, store. A 200 is only sent once the sink says every row is durable; every failure becomes
 * the response the contract names (http-responses.ts), so this never throws.
 */
export function createIngestWebhook(deps: IngestDependencies): IngestWebhook {
  const integrations = deps.integrationCache ?? new IntegrationCache(deps.store, DEFAULT_INTEGRATION_CACHE_MS);
  const registries = new ColumnRegistryCache(deps.store);
  const eventRegistries = new EventTypeRegistryCache(deps.store);
  const tokens = deps.tokenCache ?? new TokenCache(deps.store, 0);
  const budget = deps.latencyBudget ?? DEFAULT_LATENCY_BUDGET;
  const now = () => deps.clock().getTime();
  /** Every wait on the store or the sink, of all webhooks, bounded on one timer. */
  const deadlines = new Deadlines(now);
  const storeLate = () => new IntegrationStoreUnavailableError(`The integration store did not answer within ${budget.storeMs} ms.`);

  /** The token's record and its integration, from the caches when they hold both, else read within the store budget. */
  const access = (tokenHash: string, waits: StoreWaits): Access | Promise<Access> => {
    const kept = tokens.kept(tokenHash);
    const integration = kept && integrations.kept(kept.schema);
    if (integration !== undefined) return { tokenRecord: kept, integration };
    const tokenRecord = kept !== undefined ? Promise.resolve(kept) : tokens.findActive(tokenHash);
    return waits.wait(tokenRecord.then(async (record) => ({ tokenRecord: record, integration: record ? await integrations.get(record.schema) : undefined })));
  };

  /** The integration's column and event-type registries, likewise. */
  const registriesOf = (schema: string, typed: boolean, waits: StoreWaits): Registries | Promise<Registries> => {
    const columns = registries.kept(schema);
    const eventRegistry = typed ? eventRegistries.kept(schema) : undefined;
    if (columns !== undefined && (!typed || eventRegistry !== undefined)) return { columns, eventRegistry };
    return waits.wait(Promise.all([registries.get(schema), typed ? eventRegistries.get(schema) : undefined]).then(([read, eventRead]) => ({ columns: read, eventRegistry: eventRead })));
  };

  /** Authenticates, decodes and stamps: everything that needs the body, which is unreachable once this returns. */
  const prepare = async (request: WebhookRequest, known: Known, waits: StoreWaits): Promise<{ schema: string; stamped: StampResult; raw?: RawEntry }> => {
    if (request.method !== 'POST') {
      throw new MethodNotAllowedError(`Method ${request.method} is not allowed; webhooks are sent with POST.`);
    }
    const token = extractToken({ pathToken: request.pathToken, authorization: request.headers.authorization });
    // Cached answers are used as they are: an await costs a turn of the microtask queue on every webhook.
    const granted = access(hashToken(token), waits);
    const { tokenRecord, integration } = granted instanceof Promise ? await granted : granted;
    if (!integration) throw new UnauthorizedError('Webhook token is unknown or revoked.');
    known.schema = integration.schema;
    known.tokenId = tokenRecord?.tokenId;
    // On the bytes as received, before anything is decoded: a forged body is never parsed, let alone stored.
    if (integration.signing !== undefined) verifySignature(integration.signing, request);

    const records = decodeBody(request.body, request.headers['content-type'], deps.maxBodyBytes);
    const batchedAt = deps.clock();
    const rule = eventTypeRuleOf(integration);
    const registered = registriesOf(integration.schema, rule !== undefined, waits);
    const { columns, eventRegistry } = registered instanceof Promise ? await registered : registered;
    const eventTypes = rule && eventRegistry && { rule, registry: eventRegistry };
    // A fresh packer for each round: a round stamped again throws the last one's rows away. Written
    // out rather than spread from a shared context: this runs for every webhook.
    const stamp = (registry: ColumnTypes): StampResult => {
      const context: StampContext = {
        integration,
        receivedAt: request.receivedAt,
        batchedAt,
        columns: registry,
        sourceBytes: request.body.length,
        nextSequence: deps.nextSequence,
        uuid: deps.uuid,
        maxRecordBytes: deps.maxRecordBytes,
        eventTypes,
        packer: deps.sink.packer?.(request.body.length),
      };
      return stampRecords(records, context);
    };
    const stamping = stampRegistered(integration.schema, stamp, columns, registries, eventRegistries, request.receivedAt, (pending) => waits.wait(pending));
    const stamped = stamping instanceof Promise ? await stamping : stamping;
    if (!deps.archiveRaw) return { schema: integration.schema, stamped };
    // The first row's sequence names the request in the archive: a replay stamps the same values again.
    const sequence = stamped.firstSequence ?? deps.nextSequence();
    const signingHeaders = integration.signing === undefined ? [] : [integration.signing.scheme.signatureHeader];
    const headers = archivedHeaders(request.headers, signingHeaders);
    const gzippedBody = request.body.length >= RAW_GZIP_MIN_BYTES ? await deps.archiveRaw.gzip(request.body) : undefined;
    const raw = rawEntry({ receivedAt: request.receivedAt.toISOString(), sequence, tableVersion: integration.tableVersion, headers, body: request.body, gzippedBody });
    return { schema: integration.schema, stamped, raw };
  };

  /** Stores the rows; only the rows are held while the sink makes them durable, not the body they came from. */
  const store = async ({ schema, stamped, raw }: { schema: string; stamped: StampResult; raw?: RawEntry }, route: WebhookRoutePath, receivedAt: Date, startedAt: number, known: Known, track: (work: Promise<unknown>) => void): Promise<HttpResponse> => {
    // The sink gets what is left of the answer budget: a store that has not confirmed by then is a 503, never a provider timeout.
    const deadline = startedAt + budget.answerMs - budget.replyMs;
    const write = () => {
      // Decoding and stamping on a busy server used the whole answer: a 503 now, and nothing written behind it.
      if (now() >= deadline) throw new SinkUnavailableError(`The server was too busy to decode and stamp the body within the ${budget.answerMs} ms answer budget.`);
      const writing = deps.sink.write({ schema, rows: stamped.rows, packed: stamped.packed, raw }, { deadline });
      // It may outlast a late answer, holding the rows.
      track(writing);
      return deadlines.within(writing, deadline, () => new SinkUnavailableError(`The sink did not confirm ${stamped.records + stamped.rejected} rows of "${schema}" within the ${budget.answerMs} ms answer budget.`));
    };
    // An archived body is stored even when it made no row (an empty array): it was accepted.
    const report = stamped.firstSequence !== undefined || raw !== undefined ? await write() : { rejected: 0 };
    const records = stamped.records - report.rejected;
    const rejected = stamped.rejected + report.rejected;
    deps.logger.info(WEBHOOK_STORED, { route, schema, records, rejected, ms: now() - receivedAt.getTime() });
    deps.metrics?.answered({ status: 200, records, rejected, sinkRetries: report.retries ?? 0, schema: known.schema, tokenId: known.tokenId, receivedAt });
    return jsonResponse(200, { status: 'OK', records, rejected });
  };

  return (request) => {
    const { route, receivedAt, whenDone } = request;
    let working: Promise<unknown> = Promise.resolve();
    // Counted from the moment the whole request is in hand: an upload's own time is the client's.
    const startedAt = now();
    // Once the token names its integration, a refusal's log line names it too (a failing signature, a bad body).
    const known: Known = {};
    // The timer a store read arms stays for the sink's wait that follows.
    deadlines.hold();
    // Once the answer is made, whenDone waits only for the sink write it may have left running.
    const answered = whenDone === undefined ? () => undefined : () => void working.then(whenDone, whenDone);
    return prepare(request, known, new StoreWaits(deadlines, budget.storeMs, now, storeLate))
      .then((prepared) => store(prepared, route, receivedAt, startedAt, known, (writing) => (working = writing)))
      .then(
        (response) => {
          deadlines.release();
          answered();
          return response;
        },
        (error: unknown) => {
          deadlines.release();
          const response = failureResponse(error, deps.logger, { route, ...(known.schema === undefined ? {} : { schema: known.schema }) });
          deps.metrics?.answered({ status: response.statusCode, reason: error instanceof Error ? error.name : typeof error, records: 0, rejected: 0, sinkRetries: 0, ...known, receivedAt });
          answered();
          return response;
        },
      );
  };
}
