import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryHandles } from '../../local/directory-handles';

describe('DirectoryHandles', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'hooklake-dirs-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('syncs more folders at once than it keeps open, never closing a handle a sync still uses', async () => {
    const dirs = Array.from({ length: 40 }, (_, i) => join(root, `d${i}`));
    await Promise.all(dirs.map((dir) => mkdir(dir)));
    const handles = new DirectoryHandles(4);
    for (let round = 0; round < 5; round++) {
      await expect(Promise.all(dirs.map((dir) => handles.sync(dir)))).resolves.toHaveLength(40);
    }
    handles.closeAll();
  });

  it('fails with ENOENT for a folder that is gone, and works again once it is back', async () => {
    const dir = join(root, 'gone');
    const handles = new DirectoryHandles();
    await expect(handles.sync(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(dir);
    await expect(handles.sync(dir)).resolves.toBeUndefined();
    handles.closeAll();
  });
});
