import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LakeLog, logFolder } from '../../local/lake-log';
import { isFileOfSegment, LakeLogApplier } from '../../local/lake-log-apply';
import { decodeLogSegment, encodeLogRecord, type LogEntry } from '../../local/lake-log-format';

const DATA = 'lake/shop/data/dt=2026-11-25/';
const RAW = 'raw/shop/requests/dt=2026-11-25/';
const lines = (...texts: string[]) => Buffer.from(texts.map((text) => `${text}\n`).join(''), 'utf8');
const plain = (entries: readonly LogEntry[]) => entries.map((entry) => ({ kind: entry.kind, prefix: entry.prefix, data: Buffer.from(entry.data).toString('hex') }));

describe('lake log records', () => {
  const entryArb = fc.record({
    kind: fc.constantFrom('lines' as const, 'gzip' as const),
    prefix: fc.string({ unit: 'binary', maxLength: 60 }),
    data: fc.uint8Array({ maxLength: 300 }),
  });

  it('reads back every entry of every record, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.array(entryArb, { maxLength: 5 }), { maxLength: 6 }), (records) => {
        const segment = Buffer.concat(records.map(encodeLogRecord));
        const decoded = decodeLogSegment(segment);
        expect(plain(decoded.entries)).toEqual(plain(records.flat()));
        expect(decoded.wholeBytes).toBe(segment.length);
      }),
    );
  });


  it('encodes lines handed over as text to the NDJSON bytes they make, whatever their characters', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 8 }), fc.string({ maxLength: 30 }), (lines, prefix) => {
        const ndjson = Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8');
        const asText = encodeLogRecord([{ kind: 'lines', prefix, lines }]);
        expect(asText.equals(encodeLogRecord([{ kind: 'lines', prefix, data: ndjson }]))).toBe(true);
        expect(plain(decodeLogSegment(asText).entries)).toEqual(plain([{ kind: 'lines', prefix, data: ndjson }]));
      }),
    );
  });
  it('stops before a record cut short anywhere, keeping the whole ones before it', () => {
    const first = encodeLogRecord([{ kind: 'lines', prefix: DATA, data: lines('{"n":1}') }]);
    const second = encodeLogRecord([{ kind: 'lines', prefix: DATA, data: lines('{"n":2}', '{"n":3}') }, { kind: 'lines', prefix: RAW, data: lines('{"r":1}') }]);
    for (let cut = 0; cut < second.length; cut++) {
      const decoded = decodeLogSegment(Buffer.concat([first, second.subarray(0, cut)]));
      expect(decoded.wholeBytes).toBe(first.length);
      expect(decoded.entries.map((entry) => Buffer.from(entry.data).toString())).toEqual(['{"n":1}\n']);
    }
  });

  it('stops at a record whose bytes changed on disk, and at zeros where a record should be', () => {
    const first = encodeLogRecord([{ kind: 'lines', prefix: DATA, data: lines('{"n":1}') }]);
    const second = encodeLogRecord([{ kind: 'lines', prefix: DATA, data: lines('{"n":2}') }]);
    const flipped = Buffer.from(second);
    flipped[flipped.length - 3] ^= 0x01;
    expect(decodeLogSegment(Buffer.concat([first, flipped])).entries).toHaveLength(1);
    expect(decodeLogSegment(Buffer.concat([first, Buffer.alloc(64)])).wholeBytes).toBe(first.length);
  });
});

describe('LakeLog', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hooklake-log-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  const record = (n: number) => encodeLogRecord([{ kind: 'lines', prefix: DATA, data: lines(`{"n":${n}}`) }]);
  /** A log whose sealed segments' names are kept, in order; sealed only when asked unless `seal` says otherwise. */
  const openLog = (seal: { sealAfterMs?: number; sealAtBytes?: number } = {}) => {
    const sealed: string[] = [];
    const log = new LakeLog(dataDir, { sealAfterMs: seal.sealAfterMs ?? 60_000, sealAtBytes: seal.sealAtBytes ?? 1 << 20, onSealed: (name) => sealed.push(name) });
    return { log, sealed };
  };
  const segmentTexts = async (name: string) => decodeLogSegment(await readFile(join(logFolder(dataDir), name))).entries.map((entry) => Buffer.from(entry.data).toString().trim());

  it('has each record in its segment when the append returns, in the order appended', async () => {
    const { log, sealed } = openLog();
    await Promise.all([1, 2, 3].map((n) => log.append(record(n))));
    const [name] = await readdir(logFolder(dataDir));
    expect(await segmentTexts(name)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(sealed).toEqual([]);
    await log.sealNow();
    expect(sealed).toEqual([name]);
  });

  it('seals a segment once it reaches its size, and one its age, so appends go on in a new one', async () => {
    const { log, sealed } = openLog({ sealAfterMs: 50, sealAtBytes: record(1).length * 2 });
    await log.append(record(1));
    await log.append(record(2));
    await log.append(record(3));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sealed).toHaveLength(2);
    expect(await segmentTexts(sealed[0])).toEqual(['{"n":1}', '{"n":2}']);
    expect(await segmentTexts(sealed[1])).toEqual(['{"n":3}']);
  });

  it('writes an append that waited for the segment to open, behind a seal asked meanwhile, to the next segment', async () => {
    // What each segment holds when it is handed on to be applied: a record written later would never reach the lake.
    const handed: string[] = [];
    const log = new LakeLog(dataDir, {
      sealAfterMs: 60_000,
      sealAtBytes: 1 << 20,
      onSealed: (name) => handed.push(...decodeLogSegment(readFileSync(join(logFolder(dataDir), name))).entries.map((entry) => Buffer.from(entry.data).toString().trim())),
    });
    const first = log.append(record(1));
    const sealing = log.sealNow();
    // A settle request arrived while the segment was being opened; this flush came just after it.
    const second = log.append(record(2));
    await Promise.all([first, sealing, second]);
    await log.sealNow();
    expect(handed.sort()).toEqual(['{"n":1}', '{"n":2}']);
  });

  it('makes its folder again when it was removed by hand, rather than refusing every append after', async () => {
    const { log, sealed } = openLog();
    await log.append(record(1));
    await log.sealNow();
    await rm(logFolder(dataDir), { recursive: true });
    await log.append(record(2));
    await log.sealNow();
    expect(await segmentTexts(sealed[1])).toEqual(['{"n":2}']);
  });

  it('rejects an append it could not write, and writes the next one to a new segment', async () => {
    const { log, sealed } = openLog();
    await log.append(record(1));
    await log.sealNow();
    await rm(logFolder(dataDir), { recursive: true });
    await writeFile(logFolder(dataDir), 'in the way');
    await expect(log.append(record(2))).rejects.toThrow(/ENOTDIR|EEXIST/);
    await rm(logFolder(dataDir));
    await mkdir(logFolder(dataDir));
    await log.append(record(3));
    await log.sealNow();
    expect(await segmentTexts(sealed[1])).toEqual(['{"n":3}']);
  });
});

describe('LakeLogApplier', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hooklake-apply-'));
    await mkdir(logFolder(dataDir));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  const writeSegment = (name: string, ...records: LogEntry[][]) => writeFile(join(logFolder(dataDir), name), Buffer.concat(records.map(encodeLogRecord)));
  /** Each file of a folder, by name, as its lines. */
  const folderLines = async (prefix: string) => {
    const files: Record<string, string[]> = {};
    for (const name of (await readdir(join(dataDir, prefix))).sort()) files[name] = gunzipSync(await readFile(join(dataDir, prefix, name))).toString().trim().split('\n');
    return files;
  };

  it("makes a segment's records into one file per folder, rows in order, packed rows in a file of their own, and deletes the segment", async () => {
    const packed = gzipSync('{"p":1}\n{"p":2}\n');
    await writeSegment('1764000000000-7-1.log', [{ kind: 'lines', prefix: DATA, data: lines('{"n":1}') }, { kind: 'lines', prefix: RAW, data: lines('{"r":1}') }], [{ kind: 'lines', prefix: DATA, data: lines('{"n":2}', '{"n":3}') }, { kind: 'gzip', prefix: DATA, data: packed }]);
    expect(new LakeLogApplier(dataDir).apply('1764000000000-7-1.log')).toBe(3);
    expect(await folderLines(DATA)).toEqual({ '1764000000000-7-1-1.json.gz': ['{"n":1}', '{"n":2}', '{"n":3}'], '1764000000000-7-1-3.json.gz': ['{"p":1}', '{"p":2}'] });
    expect(await folderLines(RAW)).toEqual({ '1764000000000-7-1-2.json.gz': ['{"r":1}'] });
    expect(await readdir(logFolder(dataDir))).toEqual([]);
  });

  it('writes the same files under the same names when a segment is applied again after a crash: no row twice', async () => {
    await writeSegment('1764000000000-7-2.log', [{ kind: 'lines', prefix: DATA, data: lines('{"n":1}', '{"n":2}') }]);
    await copyFile(join(logFolder(dataDir), '1764000000000-7-2.log'), join(dataDir, 'copy'));
    new LakeLogApplier(dataDir).apply('1764000000000-7-2.log');
    // The crash came after the files but before the segment's deletion.
    await copyFile(join(dataDir, 'copy'), join(logFolder(dataDir), '1764000000000-7-2.log'));
    expect(new LakeLogApplier(dataDir).applyAll()).toEqual({ segments: 1, files: 1 });
    expect(await folderLines(DATA)).toEqual({ '1764000000000-7-2-1.json.gz': ['{"n":1}', '{"n":2}'] });
  });

  it('applies what a crash left, oldest segment first, and only the whole records of a segment cut short', async () => {
    const whole = encodeLogRecord([{ kind: 'lines', prefix: DATA, data: lines('{"n":2}') }]);
    const cut = encodeLogRecord([{ kind: 'lines', prefix: DATA, data: lines('{"n":3}') }]);
    await writeFile(join(logFolder(dataDir), '1764000000010-7-10.log'), Buffer.concat([whole, cut.subarray(0, cut.length - 4)]));
    await writeSegment('1764000000010-7-9.log', [{ kind: 'lines', prefix: DATA, data: lines('{"n":1}') }]);
    expect(new LakeLogApplier(dataDir).applyAll()).toEqual({ segments: 2, files: 2 });
    expect(await folderLines(DATA)).toEqual({ '1764000000010-7-10-1.json.gz': ['{"n":2}'], '1764000000010-7-9-1.json.gz': ['{"n":1}'] });
    expect(await readdir(logFolder(dataDir))).toEqual([]);
  });

  it('makes a folder again that was removed by hand after it applied a segment there', async () => {
    const applier = new LakeLogApplier(dataDir);
    await writeSegment('1764000000000-7-4.log', [{ kind: 'lines', prefix: DATA, data: lines('{"n":1}') }]);
    applier.apply('1764000000000-7-4.log');
    await rm(join(dataDir, 'lake'), { recursive: true });
    await writeSegment('1764000000000-7-5.log', [{ kind: 'lines', prefix: DATA, data: lines('{"n":2}') }]);
    expect(applier.apply('1764000000000-7-5.log')).toBe(1);
    expect(await folderLines(DATA)).toEqual({ '1764000000000-7-5-1.json.gz': ['{"n":2}'] });
    expect(await readdir(logFolder(dataDir))).toEqual([]);
  });

  it('leaves none of a segment\'s files behind when applying it fails part way: the compactor could merge them before the retry wrote them again', async () => {
    const other = 'lake/shop/other/dt=2026-11-25/';
    await writeSegment('1764000000000-7-6.log', [{ kind: 'lines', prefix: DATA, data: lines('{"n":1}') }, { kind: 'lines', prefix: other, data: lines('{"o":1}') }]);
    // A file where the second folder must go: the first file is written, the second fails.
    await mkdir(join(dataDir, 'lake/shop'), { recursive: true });
    await writeFile(join(dataDir, other.replace(/\/$/, '').replace(/\/dt=.*$/, '')), 'in the way');
    expect(() => new LakeLogApplier(dataDir).apply('1764000000000-7-6.log')).toThrow();
    expect(await folderLines(DATA)).toEqual({});
    expect(await readdir(logFolder(dataDir))).toEqual(['1764000000000-7-6.log']);
  });

  it('refuses a record naming a folder outside the data directory, and keeps the segment', async () => {
    await writeSegment('1764000000000-7-3.log', [{ kind: 'lines', prefix: '../escaped/', data: lines('{"n":1}') }]);
    expect(() => new LakeLogApplier(dataDir).apply('1764000000000-7-3.log')).toThrow(/outside the data directory/);
    expect(await readdir(logFolder(dataDir))).toEqual(['1764000000000-7-3.log']);
  });

  it("knows a segment's files by name, and no other segment's", () => {
    expect(isFileOfSegment('1764000000000-7-1-2.json.gz', '1764000000000-7-1.log')).toBe(true);
    expect(isFileOfSegment('1764000000000-7-12-1.json.gz', '1764000000000-7-1.log')).toBe(false);
    expect(isFileOfSegment('1764000000000-7-1-2-1.json.gz', '1764000000000-7-1.log')).toBe(false);
    expect(isFileOfSegment('compacted-1764000000000-7-1.json.gz', '1764000000000-7-1.log')).toBe(false);
  });

  it('has nothing to do when there is no log', async () => {
    await rm(logFolder(dataDir), { recursive: true });
    expect(new LakeLogApplier(dataDir).applyAll()).toEqual({ segments: 0, files: 0 });
  });
});
