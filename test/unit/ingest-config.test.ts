import { ValidationError } from '../../lambdas/core/errors';
import { DEFAULT_TOKEN_CACHE_SECONDS, readIngestLambdaConfig } from '../../lambdas/ingest/config';
import { INGEST_ENV } from '../../lambdas/ingest/env';

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
});
