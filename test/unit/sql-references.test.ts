import { newIntegration } from '../../lambdas/core/integration';
import { referencedIntegrations } from '../../lambdas/core/sql-references';

const at = new Date('2026-11-23T00:00:00Z');
const iterable = newIntegration({ name: 'Stitch Iterable' }, at);
const iterableOld = newIntegration({ name: 'Stitch Iterable Old' }, at);
const sendgrid = newIntegration({ name: 'SendGrid' }, at);
const all = [iterable, iterableOld, sendgrid];
const schemas = (sql: string) => referencedIntegrations(sql, all).map((i) => i.schema);

describe('referencedIntegrations', () => {
  it('finds schemas named before a dot, quoted or not, in any case', () => {
    expect(schemas('SELECT * FROM stitch_iterable.data')).toEqual(['stitch_iterable']);
    expect(schemas('SELECT * FROM "stitch_iterable"."data_latest"')).toEqual(['stitch_iterable']);
    expect(schemas('select * from SENDGRID . _sdc_rejected')).toEqual(['sendgrid']);
    expect(schemas('SELECT a.x FROM stitch_iterable.data a JOIN sendgrid.data b ON a.id = b.id')).toEqual(['stitch_iterable', 'sendgrid']);
  });

  it('does not take a longer schema, a column or a bare word for one', () => {
    expect(schemas('SELECT * FROM stitch_iterable_old.data')).toEqual(['stitch_iterable_old']);
    expect(schemas("SELECT 'sendgrid' AS source, my_sendgrid.x FROM t")).toEqual([]);
    expect(schemas('SELECT 1')).toEqual([]);
  });
});
