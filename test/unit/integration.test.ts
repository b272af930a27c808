import { ValidationError } from '../../lambdas/core/errors';
import { assertSchemaName, newIntegration, schemaFromName, validatePrimaryKey } from '../../lambdas/core/integration';

describe('schemaFromName', () => {
  it.each([
    ['Stitch Iterable', 'stitch_iterable'],
    ['Stitch Customer.io', 'stitch_customerio'],
    ['  SendGrid  Events ', 'sendgrid_events'],
    ['Café-Webhooks 2', 'cafwebhooks_2'],
  ])('derives %j -> %s', (name, schema) => {
    expect(schemaFromName(name)).toBe(schema);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['!!!', /no letters/],
    ['123', /no letters/],
    ['2 Shop', /start with a letter/],
    ['Default', /reserved/],
    ['information schema', /reserved/],
    ['main', /reserved/],
    ['_sdc stuff', /start with a letter/],
    ['sdc_ things', /reserved/],
    ['x'.repeat(64), /most is 63/],
  ])('refuses %j with a reason', (name, reason) => {
    expect(() => schemaFromName(name)).toThrow(ValidationError);
    expect(() => schemaFromName(name)).toThrow(reason);
  });
});

describe('primary key', () => {
  it('accepts one top-level field of up to 50 characters', () => {
    expect(validatePrimaryKey('email')).toBe('email');
    expect(validatePrimaryKey('k'.repeat(50))).toBe('k'.repeat(50));
  });
  it.each([[''], ['k'.repeat(51)], ['user.id'], ['items[0]'], ['_sdc_sequence'], ['dt'], ['DT']])('refuses %j', (field) => {
    expect(() => validatePrimaryKey(field)).toThrow(ValidationError);
  });
});

describe('newIntegration', () => {
  const now = new Date('2026-11-23T10:00:00.000Z');
  it('builds an integration at table version 0', () => {
    expect(newIntegration({ name: ' Stitch Iterable ', primaryKey: 'messageId' }, now)).toEqual({
      name: 'Stitch Iterable',
      schema: 'stitch_iterable',
      type: 'webhooks',
      primaryKey: 'messageId',
      tableVersion: 0,
      createdAt: '2026-11-23T10:00:00.000Z',
    });
  });
  it('leaves the primary key out when none is given', () => {
    expect(newIntegration({ name: 'Hooks' }, now)).not.toHaveProperty('primaryKey');
  });
  it('refuses an unknown type and lists the known ones', () => {
    expect(() => newIntegration({ name: 'Hooks', type: 'mailgun' }, now)).toThrow(/webhooks, iterable, customerio, sendgrid/);
  });
});

describe('assertSchemaName', () => {
  it('accepts derived names and refuses others', () => {
    expect(assertSchemaName('stitch_iterable')).toBe('stitch_iterable');
    expect(() => assertSchemaName('Stitch Iterable')).toThrow(/integrations list/);
    expect(() => assertSchemaName('a; drop table x')).toThrow(ValidationError);
  });
});
