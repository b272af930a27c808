import { newIntegration, INTEGRATION_TYPES } from '../../lambdas/core/integration';
import { PRESETS, presetOf } from '../../lambdas/core/presets';

const now = new Date('2026-11-24T10:00:00.000Z');

describe('integration presets', () => {
  it.each([
    ['customerio', 'event_id'],
    ['sendgrid', 'sg_event_id'],
    ['iterable', undefined],
    ['webhooks', undefined],
  ])('gives a %s integration the primary key %s', (type, primaryKey) => {
    expect(newIntegration({ name: 'Events', type }, now).primaryKey).toBe(primaryKey);
  });

  it('lets a primary key given at creation win over the preset', () => {
    expect(newIntegration({ name: 'Events', type: 'customerio', primaryKey: 'delivery_id' }, now).primaryKey).toBe('delivery_id');
  });

  it('names the event type fields and the setup steps of every type, the URL among the steps', () => {
    expect(Object.keys(PRESETS).sort()).toEqual([...INTEGRATION_TYPES].sort());
    expect(presetOf('iterable').eventTypeFields).toEqual(['eventName']);
    expect(presetOf('customerio').eventTypeFields).toEqual(['object_type', 'metric']);
    expect(presetOf('sendgrid').eventTypeFields).toEqual(['event']);
    for (const type of INTEGRATION_TYPES) {
      expect(presetOf(type).setup('https://hooks.example.com/v1/hooks/hlk_x').join('\n')).toContain('https://hooks.example.com/v1/hooks/hlk_x');
    }
  });
});
