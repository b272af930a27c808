import fs from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '../../local/durable-files';

describe('writeFileAtomically', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hooklake-durable-'));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('puts the whole file under its name, bytes or text, and leaves nothing under the temporary one', async () => {
    // Larger than one write of the kernel may take at once, so a short write is carried on.
    const bytes = Buffer.alloc(8 * 1024 * 1024 + 3, 7);
    await writeFileAtomically(dir, 'big.json.gz', bytes);
    await writeFileAtomically(dir, 'text.json', 'é\n');
    await writeFileAtomically(dir, 'empty.json', new Uint8Array());
    expect((await readdir(dir)).sort()).toEqual(['big.json.gz', 'empty.json', 'text.json']);
    expect((await readFile(join(dir, 'big.json.gz'))).equals(bytes)).toBe(true);
    expect(await readFile(join(dir, 'text.json'), 'utf8')).toBe('é\n');
    expect((await readFile(join(dir, 'empty.json'))).length).toBe(0);
  });

  it('writes a new file whose writes return only once on disk (O_DSYNC), never one already there', async () => {
    const opened = jest.spyOn(fs, 'open');
    await writeFileAtomically(dir, 'a.json', 'a');
    const flags = opened.mock.calls[0][1] as unknown as number;
    for (const flag of [fs.constants.O_DSYNC, fs.constants.O_CREAT, fs.constants.O_EXCL, fs.constants.O_WRONLY]) expect(flags & flag).toBe(flag);
  });

  it('replaces a file of that name whole, and fails with the cause when the folder is gone', async () => {
    await writeFile(join(dir, 'a.json'), 'old');
    await writeFileAtomically(dir, 'a.json', 'new');
    expect(await readFile(join(dir, 'a.json'), 'utf8')).toBe('new');
    await expect(writeFileAtomically(join(dir, 'missing'), 'b.json', 'b')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('removes its temporary file when the rename fails', async () => {
    // A folder in the way of the name: the rename fails after the file was written.
    await fs.promises.mkdir(join(dir, 'taken.json', 'inside'), { recursive: true });
    await expect(writeFileAtomically(dir, 'taken.json', 'x')).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) });
    // Nothing left under the temporary name (readdir lists dot files too).
    expect(await readdir(dir)).toEqual(['taken.json']);
    expect(await readdir(join(dir, 'taken.json'))).toEqual(['inside']);
  });
});
