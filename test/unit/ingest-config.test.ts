import { ValidationError } from '../../lambdas/core/errors';
import { DEFAULT_TOKEN_CACHE_SECONDS, readIngestLambdaConfig } from '../../lambdas/ingest/config';
import { INGEST_ENV } from '../../lambdas/ingest/env';
import { loggerFrom } from '../../lambdas/ingest/log-level';
import { RecordingLogger } from '../support/recording-logger';

describe('readIngestLambdaConfig', () => {
  const env = { [INGEST_ENV.tokenTableName]: 'tokens', [INGEST_ENV.deliveryStreamName]: 'stream' };

  it('keeps tokens for 10 s by default, and takes 0 to read the table on every webhook', () => {
    expect(readIngestLambdaConfig(env).tokenCacheSeconds).toBe(DEFAULT_TOKEN_CACHE_SECONDS);
    expect(DEFAULT_TOKEN_CACHE_SECONDS).toBeLessThanOrEqual(30);
    expect(readIngestLambdaConfig({ ...env, [INGEST_ENV.tokenCacheSeconds]: '0' }).tokenCacheSeconds).toBe(0);
    expect(readIngestLambdaConfig({ ...env, [INGEST_ENV.tokenCacheSeconds]: '30' }).tokenCacheSeconds).toBe(30);
  });

  it.each(['-1', '301', '1.5', 'ten'])('refuses TOKEN_CACHE_SECONDS=%s, naming the variable', (raw) => {
    const read = () => readIngestLambdaConfig({ ...env, [INGEST_ENV.tokenCacheSeconds]: raw });
    expect(read).toThrow(ValidationError);
    expect(read).toThrow(`TOKEN_CACHE_SECONDS must be a whole number from 0 to 300, got "${raw}".`);
  });

  it('logs from WARN up by default, takes INFO or ERROR in any case, and refuses other levels', () => {
    expect(readIngestLambdaConfig(env).logLevel).toBe('WARN');
    expect(readIngestLambdaConfig({ ...env, [INGEST_ENV.logLevel]: 'info' }).logLevel).toBe('INFO');
    expect(() => readIngestLambdaConfig({ ...env, [INGEST_ENV.logLevel]: 'verbose' })).toThrow('INGEST_LOG_LEVEL must be one of INFO, WARN, ERROR, got "verbose".');
  });
});

describe('loggerFrom', () => {
  it('drops the lines below its level and passes the others on with their fields', () => {
    const logger = new RecordingLogger();
    const warnUp = loggerFrom('WARN', logger);
    warnUp.info('Webhook stored', { records: 1 });
    warnUp.warn('Webhook refused', { status: 401 });
    warnUp.error('Webhook failed', { status: 500 });
    loggerFrom('ERROR', logger).warn('dropped');
    loggerFrom('INFO', logger).info('kept');
    expect(logger.lines.map((line) => JSON.parse(line))).toEqual([
      { level: 'WARN', message: 'Webhook refused', status: 401 },
      { level: 'ERROR', message: 'Webhook failed', status: 500 },
      { level: 'INFO', message: 'kept' },
    ]);
  });
});
