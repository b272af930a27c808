import { athenaLatestViewSql } from '../../lambdas/core/latest-view-sql';

describe('athenaLatestViewSql', () => {
  it('ranks by _sdc_sequence per key in a subquery and lists the columns, so the rank is not one of them', () => {
    const sql = athenaLatestViewSql('stitch_iterable', ['_sdc_sequence', 'email', 'dt'], 'email');
    expect(sql).toBe(
      'CREATE OR REPLACE VIEW "stitch_iterable"."data_latest" AS SELECT "_sdc_sequence", "email", "dt" FROM (' +
        'SELECT *, row_number() OVER (PARTITION BY "email" ORDER BY "_sdc_sequence" DESC) AS "_sdc_rank" ' +
        'FROM "stitch_iterable"."data") WHERE "_sdc_rank" = 1',
    );
  });

  it('quotes identifiers with double quotes doubled, and avoids a rank name the table already uses', () => {
    const sql = athenaLatestViewSql('s', ['_sdc_sequence', 'we"ird', '_sdc_rank'], 'we"ird');
    expect(sql).toContain('PARTITION BY "we""ird"');
    expect(sql).toContain('AS "_sdc_rank_2"');
    expect(sql).toContain('WHERE "_sdc_rank_2" = 1');
  });

  it('refuses a key that is not a column', () => {
    expect(() => athenaLatestViewSql('s', ['_sdc_sequence'], 'email')).toThrow(/"email" is not a column of s.data/);
  });
});
