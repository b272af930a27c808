/**
 * Signed webhooks end to end: keys set through the real `hooklake` process (standard input, a
 * file), requests over real HTTP to the local server, rows counted with the query engine.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cli, cliJson } from '../support/cli-capture';
import { hooklakeProcess } from '../support/cli-process';
import { useLocalServer } from '../support/local-server';
import { RecordingLogger } from '../support/recording-logger';
import { customerIoHeaders, gitHubHeaders, sendGridHeaders, sendGridKeys, type Headers } from '../support/signers';

interface Created {
  integration: { schema: string };
  webhookUrl: string;
}

describe('signed webhooks over real HTTP', () => {
  const logger = new RecordingLogger();
  const hooklake = useLocalServer('signatures', { logger });
  const seconds = () => Math.floor(Date.now() / 1000);

  const post = async (url: string, body: string, headers: Headers = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, json: (await response.json()) as { message?: string; records?: number } };
  };
  const count = async (schema: string) => (await cliJson<{ n: number }[]>('--data-dir', hooklake.dataDir, 'query', `SELECT count(*) AS n FROM ${schema}.data`))[0].n;
  const create = (name: string, type: string) => cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', name, '--type', type);
  const setSecret = (schema: string, secret: string, ...options: string[]) =>
    hooklakeProcess(['--data-dir', hooklake.dataDir, 'integrations', 'set-secret', schema, ...options], { input: `${secret}\n` });

  it('Customer.io: signed events land; unsigned, forged, altered and stale ones answer 401 and store nothing', async () => {
    const { integration, webhookUrl } = await create('Stitch Customer.io', 'customerio');
    const body = JSON.stringify({ event_id: '01J0CIO0000000000000000001', object_type: 'email', metric: 'clicked', timestamp: seconds(), data: { customer_id: '7', href: 'https://example.com/p' } });
    // Before a key is set the token alone authenticates, as the setup steps say.
    expect((await post(webhookUrl, body)).status).toBe(200);

    const set = await setSecret(integration.schema, 'cio-key-1');
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toMatch(/Signature checking is on for stitch_customerio/);

    expect(await post(webhookUrl, body, customerIoHeaders('cio-key-1', body, seconds()))).toMatchObject({ status: 200, json: { records: 1 } });
    const refused = [
      await post(webhookUrl, body),
      await post(webhookUrl, body, customerIoHeaders('cio-key-guessed', body, seconds())),
      await post(webhookUrl, body.replace('clicked', 'opened!'), customerIoHeaders('cio-key-1', body, seconds())),
      await post(webhookUrl, body, customerIoHeaders('cio-key-1', body, seconds() - 3600)),
    ];
    expect(refused.map(({ status, json }) => [status, /\((.+?)\)/.exec(json.message ?? '')?.[1]])).toEqual([
      [401, 'missing header'],
      [401, 'bad signature'],
      [401, 'bad signature'],
      [401, 'stale timestamp'],
    ]);
    expect(await count(integration.schema)).toBe(2);
  });

  it('SendGrid: arrays signed with the key pair land; a verification key read from a file, never printed back', async () => {
    const { integration, webhookUrl } = await create('SendGrid Events', 'sendgrid');
    const keys = sendGridKeys();
    const keyFile = join(hooklake.dataDir, 'verification-key.txt');
    await writeFile(keyFile, `${keys.verificationKey}\n`);
    expect((await hooklakeProcess(['--data-dir', hooklake.dataDir, 'integrations', 'set-secret', integration.schema, '--from-file', keyFile])).code).toBe(0);

    const events = JSON.stringify([
      { email: 'ana@example.com', timestamp: seconds(), event: 'delivered', sg_event_id: 'sg-d-1', sg_message_id: 'm-1' },
      { email: 'ana@example.com', timestamp: seconds(), event: 'open', sg_event_id: 'sg-o-1', sg_message_id: 'm-1' },
    ]);
    expect(await post(webhookUrl, events, sendGridHeaders(keys.privateKey, events, seconds()))).toMatchObject({ status: 200, json: { records: 2 } });
    expect((await post(webhookUrl, events, sendGridHeaders(sendGridKeys().privateKey, events, seconds()))).status).toBe(401);
    expect(await count(integration.schema)).toBe(2);

    const shown = await cli('--data-dir', hooklake.dataDir, 'integrations', 'show', integration.schema);
    const json = await cli('--data-dir', hooklake.dataDir, 'integrations', 'show', integration.schema, '--json');
    expect(shown.out).toMatch(/signatures: +checked: ECDSA P-256 \(base64 DER\) of "\{timestamp\}\{body\}" in x-twilio-email-event-webhook-signature; timestamp from x-twilio-email-event-webhook-timestamp, within 300 s; 1 key/);
    expect(JSON.parse(json.out).signing).toMatchObject({ scheme: { kind: 'ecdsa-p256', signedPayload: '{timestamp}{body}' }, keysAddedAt: [expect.any(String)] });
    for (const printed of [shown.out, json.out]) expect(printed).not.toContain(keys.verificationKey.slice(20, 60));
  });

  it('rotation: both keys verify until the previous one is dropped, at once on the running server', async () => {
    const { integration, webhookUrl } = await create('GitHub Events', 'webhooks');
    const body = '{"action":"opened","number":7,"repository":{"full_name":"octo/repo"}}';
    expect((await setSecret(integration.schema, 'gh-old', '--signature-header', 'X-Hub-Signature-256', '--prefix', 'sha256=')).code).toBe(0);
    const rotation = await setSecret(integration.schema, 'gh-new');
    expect(rotation.stdout).toMatch(/verifies with two keys/);

    expect((await post(webhookUrl, body, gitHubHeaders('gh-old', body))).status).toBe(200);
    expect((await post(webhookUrl, body, gitHubHeaders('gh-new', body))).status).toBe(200);
    expect((await hooklakeProcess(['--data-dir', hooklake.dataDir, 'integrations', 'drop-secret', integration.schema, '--previous'])).code).toBe(0);
    expect((await post(webhookUrl, body, gitHubHeaders('gh-old', body))).status).toBe(401);
    expect((await post(webhookUrl, body, gitHubHeaders('gh-new', body))).status).toBe(200);
    expect(await count(integration.schema)).toBe(3);

    expect((await hooklakeProcess(['--data-dir', hooklake.dataDir, 'integrations', 'drop-secret', integration.schema, '--all'])).code).toBe(0);
    expect((await post(webhookUrl, body)).status).toBe(200);
  });

  it('refuses a secret missing from standard input, saying how to give one', async () => {
    const { integration } = await create('Empty Key', 'customerio');
    const result = await hooklakeProcess(['--data-dir', hooklake.dataDir, 'integrations', 'set-secret', integration.schema]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/No secret on standard input.*--from-file/);
  });

  it('never logs a secret', () => {
    const logged = logger.lines.join('\n');
    expect(logged).toContain('Signature check failed');
    for (const secret of ['cio-key-1', 'gh-old', 'gh-new']) expect(logged).not.toContain(secret);
  });
});
