import type { DynamoDBStreamEvent } from 'aws-lambda';
import { changedSchemas, resetSchemas } from '../../lambdas/catalog/registry-events';

const record = (pk: string, sk: string) => ({ eventName: 'INSERT' as const, dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } } } });

describe('changedSchemas', () => {
  it('names each integration whose registry or integration item the batch inserted, once, in order', () => {
    const event = {
      Records: [
        record('INTEGRATION#stitch_iterable', 'COLUMN#email'),
        record('INTEGRATION#sendgrid', 'META'),
        record('INTEGRATION#stitch_iterable', 'COLUMN#event'),
      ],
    } as DynamoDBStreamEvent;
    expect(changedSchemas(event)).toEqual(['stitch_iterable', 'sendgrid']);
  });

  it('ignores token items and keys that are not an integration', () => {
    const event = { Records: [record('TOKEN#abc', 'TOKEN'), record('INTEGRATION#Not Valid', 'META'), { eventName: 'INSERT' }] } as DynamoDBStreamEvent;
    expect(changedSchemas(event)).toEqual([]);
  });
});

describe('resetSchemas', () => {
  it('names the integrations whose table version the batch raised, and no other change', () => {
    const event = {
      Records: [
        record('INTEGRATION#stitch_iterable', 'COLUMN#email'),
        record('INTEGRATION#sendgrid', 'TABLE_VERSION#0000000001'),
        { ...record('INTEGRATION#other', 'TABLE_VERSION#0000000002'), eventName: 'REMOVE' as const },
      ],
    } as DynamoDBStreamEvent;
    expect(resetSchemas(event)).toEqual(['sendgrid']);
    expect(changedSchemas(event)).toContain('sendgrid');
  });
});
