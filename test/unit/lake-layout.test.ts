import {
  compactedFileName,
  compactedFileOf,
  isCompactedFile,
  isCompactionTemporaryFile,
  isLakeFile,
  keyColumnOf,
  NON_DATA_FIELDS,
  normalizePrefix,
  partitionDate,
  partitionDateOf,
  partitionPath,
  sourcesFileName,
  tablePath,
  temporaryFileName,
} from '../../lambdas/core/lake-layout';

describe('lake layout', () => {
  it('puts a table under lake/<schema>/<table>/ and a day under dt=YYYY-MM-DD/', () => {
    expect(tablePath('stitch_iterable', 'data')).toBe('lake/stitch_iterable/data/');
    expect(partitionPath('stitch_iterable', '_sdc_rejected', '2026-11-23')).toBe('lake/stitch_iterable/_sdc_rejected/dt=2026-11-23/');
  });

  it('takes the lake prefix of a deployment, normalized', () => {
    expect(tablePath('s', 'data', '/custom/root')).toBe('custom/root/s/data/');
    expect(partitionPath('s', 'data', '2026-01-02', '')).toBe('s/data/dt=2026-01-02/');
  });

  it('takes placeholders as parts, for the Firehose prefix and the Glue location template', () => {
    expect(partitionPath('!{partitionKeyFromQuery:schema}', '!{partitionKeyFromQuery:table}', '!{partitionKeyFromQuery:dt}')).toBe(
      'lake/!{partitionKeyFromQuery:schema}/!{partitionKeyFromQuery:table}/dt=!{partitionKeyFromQuery:dt}/',
    );
    expect(partitionPath('s', 'data', '${dt}')).toBe('lake/s/data/dt=${dt}/');
  });

  it('reads the day back from a partition folder, and nothing else', () => {
    expect(partitionDateOf('dt=2026-11-23/')).toBe('2026-11-23');
    expect(partitionDateOf('dt=2026-11-23')).toBe('2026-11-23');
    expect(partitionDateOf('dt=today/')).toBeUndefined();
    expect(partitionDateOf('x=2026-11-23/')).toBeUndefined();
  });

  it('knows a finished file from one in progress', () => {
    expect(isLakeFile('1764-12-1.json.gz')).toBe(true);
    expect(isLakeFile('.1764-12-1.json.gz.tmp')).toBe(false);
    expect(isLakeFile('.hidden.json.gz')).toBe(false);
  });

  it('names compacted files, their sources lists and temporary files apart from the sink\'s files', () => {
    const compacted = compactedFileName('1764-12-1');
    expect(compacted).toBe('compacted-1764-12-1.json.gz');
    expect(isLakeFile(compacted) && isCompactedFile(compacted)).toBe(true);
    expect(isCompactedFile('1764-12-1.json.gz')).toBe(false);
    expect(sourcesFileName(compacted)).toBe('compacted-1764-12-1.json.gz.sources');
    expect(isLakeFile(sourcesFileName(compacted))).toBe(false);
    expect(compactedFileOf(sourcesFileName(compacted))).toBe(compacted);
    expect(compactedFileOf(compacted)).toBeUndefined();
    expect(compactedFileOf('1764-12-1.json.gz.sources')).toBeUndefined();
    expect(temporaryFileName(compacted)).toBe('.compacted-1764-12-1.json.gz.tmp');
    expect(isCompactionTemporaryFile(temporaryFileName(compacted))).toBe(true);
    expect(isCompactionTemporaryFile(temporaryFileName(sourcesFileName(compacted)))).toBe(true);
    expect(isCompactionTemporaryFile(temporaryFileName('1764-12-1.json.gz'))).toBe(false);
  });

  it('dates a partition by the UTC day', () => {
    expect(partitionDate(new Date('2026-11-23T23:59:59.999-01:00'))).toBe('2026-11-24');
  });

  it('keys data_latest on the primary key, or on the UUID column without one', () => {
    expect(keyColumnOf({ primaryKey: 'event_id' })).toBe('event_id');
    expect(keyColumnOf({})).toBe('__sdc_primary_key');
  });

  it('never makes a column of the partition or the routing field', () => {
    expect([...NON_DATA_FIELDS].sort()).toEqual(['_sdc_partition', 'dt']);
  });

  it.each([
    ['lake/', 'lake/'],
    ['lake', 'lake/'],
    ['/lake/', 'lake/'],
    ['', ''],
    ['a/b', 'a/b/'],
  ])('normalizes the prefix %j to %j', (input, expected) => {
    expect(normalizePrefix(input)).toBe(expected);
  });
});
