import { WEBHOOK_STORED } from '../../lambdas/app/ingest-webhook';
import { MORE_WEBHOOKS_STORED, storedWebhookLog } from '../../local/stored-webhook-log';
import { RecordingLogger } from '../support/recording-logger';

describe('the local log of stored webhooks', () => {
  const parsed = (logger: RecordingLogger) => logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  let now = 10_000;
  const stored = (schema: string, records: number, ms: number) => ({ route: '/v1/hooks/{token}', schema, records, rejected: 1, ms });

  beforeEach(() => {
    now = 10_000;
  });

  it('writes a line per webhook up to the limit in a second, then one line that sums the rest of that second', () => {
    const logger = new RecordingLogger();
    const log = storedWebhookLog(logger, 3, () => now);
    for (let i = 0; i < 10; i++) log.info(WEBHOOK_STORED, stored(i % 2 === 0 ? 'shop' : 'crm', 2, 5 + i));
    expect(parsed(logger).map((line) => line.message)).toEqual([WEBHOOK_STORED, WEBHOOK_STORED, WEBHOOK_STORED]);
    // The next second's first webhook brings the sum of the last one's 7 held back, then its own line.
    now += 1000;
    log.info(WEBHOOK_STORED, stored('shop', 1, 3));
    expect(parsed(logger).slice(3)).toEqual([
      { level: 'INFO', message: MORE_WEBHOOKS_STORED, webhooks: 7, schemas: ['crm', 'shop'], records: 14, rejected: 7, slowestMs: 14, seconds: 1 },
      { level: 'INFO', message: WEBHOOK_STORED, ...stored('shop', 1, 3) },
    ]);
  });

  it('passes every other line through, and writes what it holds back on flush', () => {
    const logger = new RecordingLogger();
    const log = storedWebhookLog(logger, 1, () => now);
    log.info(WEBHOOK_STORED, stored('shop', 1, 1));
    log.info(WEBHOOK_STORED, stored('shop', 1, 1));
    log.info('Removed temporary files left by an earlier crash', { files: 2 });
    log.warn('Lake compaction failed; trying again later', { error: 'x' });
    log.error('Unexpected', { error: 'y' });
    log.flush();
    log.flush();
    expect(parsed(logger).map((line) => line.message)).toEqual([
      WEBHOOK_STORED,
      'Removed temporary files left by an earlier crash',
      'Lake compaction failed; trying again later',
      'Unexpected',
      MORE_WEBHOOKS_STORED,
    ]);
  });

  it('writes the sum when the second ends even if no webhook follows', async () => {
    const logger = new RecordingLogger();
    const log = storedWebhookLog(logger, 1);
    log.info(WEBHOOK_STORED, stored('shop', 1, 1));
    log.info(WEBHOOK_STORED, stored('shop', 1, 1));
    expect(logger.lines).toHaveLength(1);
    for (let waited = 0; logger.lines.length < 2 && waited < 3000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(parsed(logger)[1]).toMatchObject({ message: MORE_WEBHOOKS_STORED, webhooks: 1 });
  });
});
