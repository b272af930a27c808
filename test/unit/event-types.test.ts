import fc from 'fast-check';
import {
  MAX_EVENT_TYPE_LENGTH,
  eventTypeOf,
  eventTypeRuleOf,
  eventViewName,
  latestEventViewName,
  snakeCase,
  validateEventTypeFields,
  type EventTypeRule,
} from '../../lambdas/core/event-types';
import { newIntegration } from '../../lambdas/core/integration';
import { DATA_TABLE, LATEST_VIEW, REJECTED_TABLE } from '../../lambdas/core/lake-layout';

const now = new Date('2026-11-24T10:00:00.000Z');
const rule = (integrationType: string, eventTypeFields?: string[]): EventTypeRule => {
  const found = eventTypeRuleOf(newIntegration({ name: 'Events', type: integrationType, eventTypeFields }, now));
  if (found === undefined) throw new Error('no rule');
  return found;
};

describe('snakeCase', () => {
  it.each([
    ['emailClick', 'email_click'],
    ['inAppOpen', 'in_app_open'],
    ['webPushSend', 'web_push_send'],
    ['HTTPError', 'http_error'],
    ['group_unsubscribe', 'group_unsubscribe'],
    ['orders/create', 'orders_create'],
    ['  Spam Report! ', 'spam_report'],
    ['email__opened', 'email_opened'],
    ['sms2Way', 'sms2_way'],
    ['ümlaut', 'mlaut'],
    ['---', ''],
  ])('%j -> %j', (value, snake) => {
    expect(snakeCase(value)).toBe(snake);
  });

  it('gives lower-case letters, digits and single inner underscores only, and keeps what already is snake case', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const snake = snakeCase(value);
        expect(snake === '' || /^[a-z0-9]+(?:_[a-z0-9]+)*$/.test(snake)).toBe(true);
        expect(snakeCase(snake)).toBe(snake);
      }),
    );
  });
});

describe('eventTypeOf', () => {
  it("names Iterable events by eventName, and journey webhooks (a workflowId, no eventName) journey_webhook", () => {
    expect(eventTypeOf({ eventName: 'emailClick', email: 'a@b.c' }, rule('iterable'))).toBe('email_click');
    expect(eventTypeOf({ eventName: 'inAppOpen' }, rule('iterable'))).toBe('in_app_open');
    expect(eventTypeOf({ workflowId: 31, workflowName: 'Onboarding' }, rule('iterable'))).toBe('journey_webhook');
    expect(eventTypeOf({ email: 'a@b.c' }, rule('iterable'))).toBeUndefined();
  });

  it("joins Customer.io's object_type and metric, and takes SendGrid's event as it is", () => {
    expect(eventTypeOf({ object_type: 'email', metric: 'delivered' }, rule('customerio'))).toBe('email_delivered');
    expect(eventTypeOf({ object_type: 'in_app', metric: 'clicked' }, rule('customerio'))).toBe('in_app_clicked');
    expect(eventTypeOf({ event: 'group_unsubscribe' }, rule('sendgrid'))).toBe('group_unsubscribe');
  });

  it.each([
    ['a missing field', { object_type: 'email' }],
    ['a number', { object_type: 'email', metric: 3 }],
    ['null', { object_type: null, metric: 'sent' }],
    ['an empty string', { object_type: '', metric: 'sent' }],
    ['a value with no letters or digits', { object_type: 'email', metric: '!!' }],
    ['an object', { object_type: { kind: 'email' }, metric: 'sent' }],
    ['an over-long value', { object_type: 'email', metric: 'x'.repeat(MAX_EVENT_TYPE_LENGTH + 1) }],
    ['an over-long join', { object_type: 'e'.repeat(40), metric: 'm'.repeat(40) }],
  ])('gives no type for %s', (_, record) => {
    expect(eventTypeOf(record, rule('customerio'))).toBeUndefined();
  });

  it('reads top-level fields only, by their name as sent', () => {
    expect(eventTypeOf({ Event: 'open' }, rule('sendgrid'))).toBeUndefined();
    expect(eventTypeOf({ data: { event: 'open' } }, rule('sendgrid'))).toBeUndefined();
  });

  it('has no rule for a generic integration without --event-type-field, and the given fields otherwise', () => {
    expect(eventTypeRuleOf(newIntegration({ name: 'Hooks' }, now))).toBeUndefined();
    expect(eventTypeOf({ topic: 'orders/create' }, rule('webhooks', ['topic']))).toBe('orders_create');
    expect(eventTypeRuleOf(newIntegration({ name: 'Events', type: 'sendgrid', eventTypeFields: [] }, now))).toBeUndefined();
  });
});

describe('event view names', () => {
  const TABLES = [DATA_TABLE, LATEST_VIEW, REJECTED_TABLE];
  /** Event types as eventTypeOf makes them: snake case, up to the length bound. */
  const eventType = fc
    .oneof(fc.string(), fc.constantFrom('data', 'data_latest', 'sdc_rejected', 'email', 'email_latest', 'email_latest_latest', 'latest'))
    .map(snakeCase)
    .filter((type) => type !== '' && type.length <= MAX_EVENT_TYPE_LENGTH);

  it('keeps an ordinary type as it is', () => {
    expect(eventViewName('email_click')).toBe('email_click');
    expect(latestEventViewName('email_click')).toBe('email_click_latest');
  });

  it('moves a type that looks like another name of the schema out of the way', () => {
    expect(eventViewName('data')).toBe('data_');
    expect(eventViewName('data_latest')).toBe('data_latest_');
    expect(eventViewName('email_latest')).toBe('email_latest_');
    expect(latestEventViewName('email_latest')).toBe('email_latest__latest');
  });

  it('never names a table, an _sdc name, or another view (its own or any _latest one) of the same schema', () => {
    fc.assert(
      fc.property(fc.uniqueArray(eventType, { minLength: 1, maxLength: 8 }), (types) => {
        const names = types.flatMap((type) => [eventViewName(type), latestEventViewName(type)]);
        expect(new Set(names).size).toBe(names.length);
        for (const name of names) {
          expect(TABLES).not.toContain(name);
          expect(name.startsWith('_sdc')).toBe(false);
          expect(name).toMatch(/^[a-z0-9_]+$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is injective on pairs chosen to collide', () => {
    fc.assert(
      fc.property(eventType, eventType, (a, b) => {
        fc.pre(a !== b);
        expect(eventViewName(a)).not.toBe(eventViewName(b));
        expect(eventViewName(a)).not.toBe(latestEventViewName(b));
      }),
    );
    expect(eventViewName('email_latest')).not.toBe(latestEventViewName('email'));
  });
});

describe('validateEventTypeFields', () => {
  it('takes a few distinct top-level fields', () => {
    expect(validateEventTypeFields(['object_type', 'metric'])).toEqual(['object_type', 'metric']);
  });

  it.each([
    [['a', 'b', 'c', 'd'], /at most 3 fields/],
    [['data.event'], /nested path/],
    [['_sdc_type'], /reserved _sdc/],
    [['!!'], /no letters or digits/],
    [[''], /1 to 50 characters/],
    [['event', 'event'], /given twice/],
  ])('refuses %j', (fields, message) => {
    expect(() => validateEventTypeFields(fields)).toThrow(message);
  });

  it("stores the preset's fields with a new integration, none for a generic one, and fields given at creation instead", () => {
    expect(newIntegration({ name: 'E', type: 'customerio' }, now).eventTypeFields).toEqual(['object_type', 'metric']);
    expect(newIntegration({ name: 'E' }, now)).not.toHaveProperty('eventTypeFields');
    expect(newIntegration({ name: 'E', eventTypeFields: ['topic'] }, now).eventTypeFields).toEqual(['topic']);
    expect(newIntegration({ name: 'E', type: 'sendgrid', eventTypeFields: [] }, now)).not.toHaveProperty('eventTypeFields');
  });
});
