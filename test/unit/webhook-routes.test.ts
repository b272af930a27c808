import { matchWebhookPath, webhookUrl } from '../../lambdas/core/webhook-routes';

describe('webhook routes', () => {
  it.each([
    ['/v1/hooks', { route: '/v1/hooks' }],
    ['/v1/hooks/', { route: '/v1/hooks' }],
    ['/v1/hooks/hlk_abc', { route: '/v1/hooks/{token}', token: 'hlk_abc' }],
    ['/v1/hooks/hlk_abc/', { route: '/v1/hooks/{token}', token: 'hlk_abc' }],
    ['/v1/hooks/a%20b', { route: '/v1/hooks/{token}', token: 'a b' }],
    ['/v1/hooks/%E0%A4%A', { route: '/v1/hooks/{token}', token: '%E0%A4%A' }],
  ])('%s is a webhook route', (path, expected) => {
    expect(matchWebhookPath(path)).toEqual(expected);
  });

  it.each(['/', '/v1', '/v1/hook', '/v1/hooksx', '/v1/hooks//', '/v1/hooks/a/b', '/healthz'])('%s is not', (path) => {
    expect(matchWebhookPath(path)).toBeUndefined();
  });

  it('builds the URL a provider posts to, whatever slashes the base ends with', () => {
    expect(webhookUrl('https://x.example.com/', 'hlk_t')).toBe('https://x.example.com/v1/hooks/hlk_t');
    expect(webhookUrl('http://127.0.0.1:8080', 'hlk_t')).toBe('http://127.0.0.1:8080/v1/hooks/hlk_t');
  });
});
