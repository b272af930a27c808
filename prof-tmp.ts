import { gzipSync } from 'node:zlib';
import { arrayBody, benchHandler } from './bench/fixtures';
import { webhookRequest } from './test/support/webhook-requests';
(async () => {
  const { handler, token } = await benchHandler({ write: async (b) => { gzipSync(b.rows.map((r) => r.text).join('\n')); return { rejected: 0 }; } });
  const request = webhookRequest({ token, body: arrayBody(100), headers: { 'content-type': 'application/json' } });
  for (let i = 0; i < 1500; i++) await handler(request);
})();
