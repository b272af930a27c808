import fc from 'fast-check';
import { DEFAULT_COMPACTION_POLICY, DEFAULT_GZIP_LEVEL, FAST_GZIP_LEVEL, mergeGzipLevel, partitionState, planMerge, readyToRemove, type CompactionPolicy, type PartitionEntries } from '../../lambdas/core/lake-compaction';
import { compactedFileName, sourcesFileName, temporaryFileName } from '../../lambdas/core/lake-layout';

const M1 = compactedFileName('1-1-1');
const M2 = compactedFileName('2-1-2');

function entries(files: readonly string[], lists: Record<string, readonly string[]> = {}): PartitionEntries {
  return { names: [...files, ...Object.keys(lists)], sources: new Map(Object.entries(lists)) };
}

describe('which files a reader reads', () => {
  it('reads every finished lake file when nothing was merged, and no temporary or foreign file', () => {
    const state = partitionState(entries(['a.json.gz', 'b.json.gz', '.c.json.gz.tmp', 'notes.txt']));
    expect(state.visible).toEqual(['a.json.gz', 'b.json.gz']);
    expect(state.abandoned).toEqual([]);
  });

  it('reads the merged file and not its sources once the merge committed', () => {
    const state = partitionState(entries(['a.json.gz', 'b.json.gz', 'c.json.gz', M1], { [sourcesFileName(M1)]: ['a.json.gz', 'b.json.gz'] }));
    expect(state.visible).toEqual(['c.json.gz', M1]);
    expect([...state.committed.keys()]).toEqual([sourcesFileName(M1)]);
  });

  it('reads the sources while the merged file is still a temporary file, and calls both leftovers of that merge abandoned', () => {
    const temp = temporaryFileName(M1);
    const state = partitionState(entries(['a.json.gz', 'b.json.gz', temp], { [sourcesFileName(M1)]: ['a.json.gz', 'b.json.gz'] }));
    expect(state.visible).toEqual(['a.json.gz', 'b.json.gz']);
    expect(state.abandoned).toEqual([temp, sourcesFileName(M1)]);
  });

  it('keeps hiding the sources of a merged file that was merged again and removed', () => {
    const state = partitionState(
      entries(['a.json.gz', 'c.json.gz', M2], { [sourcesFileName(M1)]: ['a.json.gz', 'b.json.gz'], [sourcesFileName(M2)]: [M1, 'c.json.gz'] }),
    );
    expect(state.visible).toEqual([M2]);
    expect(state.abandoned).toEqual([]);
  });

  it('ignores a sources list whose name names no compacted file', () => {
    const state = partitionState(entries(['a.json.gz'], { 'a.json.gz.sources': ['a.json.gz'] }));
    expect(state.visible).toEqual(['a.json.gz']);
  });
});

describe('what may be removed', () => {
  const lists = { [sourcesFileName(M1)]: ['a.json.gz', 'b.json.gz'] };
  const files = ['a.json.gz', 'b.json.gz', M1];

  it('waits for the grace period of a merged file that is still there', () => {
    const state = partitionState(entries(files, lists));
    const present = new Set([...files, ...Object.keys(lists)]);
    expect(readyToRemove(state, present, () => false)).toEqual([]);
    expect(readyToRemove(state, present, (name) => name === M1)).toEqual([sourcesFileName(M1)]);
  });

  it('keeps a list while one of its sources still has a list of its own', () => {
    const both = { ...lists, [sourcesFileName(M2)]: [M1, 'c.json.gz'] };
    const names = ['a.json.gz', M2, 'c.json.gz'];
    const state = partitionState(entries(names, both));
    const present = new Set([...names, ...Object.keys(both)]);
    expect(readyToRemove(state, present, () => true)).toEqual([sourcesFileName(M1)]);
  });
});

describe('what to merge next', () => {
  const policy: CompactionPolicy = { maxFileBytes: 1000, tierBaseBytes: 10, fanIn: 3, maxSources: 4 };
  const sized = (...sizes: number[]) => sizes.map((bytes, i) => ({ name: `${i}.json.gz`, bytes }));

  it('merges nothing until a tier holds fanIn files', () => {
    expect(planMerge(sized(1, 2, 50, 60), policy)).toBeUndefined();
    expect(planMerge(sized(1, 2, 50, 3), policy)).toEqual(['0.json.gz', '1.json.gz', '3.json.gz']);
  });

  it('takes the lowest full tier, oldest first, at most maxSources files', () => {
    expect(planMerge(sized(50, 60, 70, 1, 2, 3, 4, 5), policy)).toEqual(['3.json.gz', '4.json.gz', '5.json.gz', '6.json.gz']);
  });

  it('leaves files of half the cap or more alone, and merges only what fits in the cap', () => {
    expect(planMerge(sized(500, 600, 700), policy)).toBeUndefined();
    expect(planMerge(sized(300, 400, 350, 100), policy)).toEqual(['0.json.gz', '1.json.gz']);
  });

  it('merges a compacted file again like any other of its tier', () => {
    expect(planMerge([{ name: M1, bytes: 5 }, ...sized(1, 2)], policy)).toEqual([M1, '0.json.gz', '1.json.gz']);
  });
});

/**
 * A model of one partition folder under the compactor's protocol, each file system change one step:
 * a merge writes its list, then its temporary file, then renames it (the commit); a removal deletes
 * the replaced files, then the list. A crash drops the rest of the steps in flight; the next pass
 * deletes what is abandoned. Between any two steps, a reader must see every ingested row exactly once.
 */
describe('every row exactly once, whatever the interleaving and wherever a crash falls', () => {
  const policy: CompactionPolicy = { maxFileBytes: 40, tierBaseBytes: 2, fanIn: 2, maxSources: 5 };
  const GRACE = 1;

  type Action = 'ingest' | 'step' | 'crash' | 'tick';

  class Folder {
    /** Each file: the row ids it holds (lake files), or the names it lists (sources lists). */
    readonly files = new Map<string, readonly number[] | readonly string[]>();
    readonly committedAt = new Map<string, number>();
    private readonly steps: (() => void)[] = [];
    private nextRow = 0;
    private nextName = 0;
    now = 0;

    ingest(rows: number): void {
      const ids = Array.from({ length: rows }, () => this.nextRow++);
      this.files.set(`${this.nextName++}.json.gz`, ids);
    }

    ingested(): number {
      return this.nextRow;
    }

    entries(): PartitionEntries {
      const names = [...this.files.keys()];
      const sources = new Map(names.filter((name) => name.endsWith('.sources')).map((name) => [name, this.files.get(name) as string[]]));
      return { names, sources };
    }

    visibleRows(): number[] {
      return partitionState(this.entries())
        .visible.flatMap((name) => this.files.get(name) as number[])
        .sort((a, b) => a - b);
    }

    /** Runs the next step in flight, or plans a pass's steps as lake-compactor.ts does. */
    step(): void {
      const next = this.steps.shift();
      if (next !== undefined) return next();
      const entries = this.entries();
      const state = partitionState(entries);
      const present = new Set(entries.names);
      for (const name of state.abandoned) this.steps.push(() => this.files.delete(name));
      const expired = (compacted: string) => (this.committedAt.get(compacted) ?? 0) + GRACE <= this.now;
      for (const list of readyToRemove(state, present, expired)) {
        for (const name of state.committed.get(list) ?? []) this.steps.push(() => this.files.delete(name));
        this.steps.push(() => this.files.delete(list));
      }
      const sized = state.visible.map((name) => ({ name, bytes: (this.files.get(name) as number[]).length }));
      const sources = planMerge(sized, policy);
      if (sources === undefined) return;
      const merged = compactedFileName(`${this.nextName++}`);
      const rows = sources.flatMap((name) => this.files.get(name) as number[]);
      this.steps.push(
        () => this.files.set(sourcesFileName(merged), sources),
        () => this.files.set(temporaryFileName(merged), rows),
        () => {
          this.files.delete(temporaryFileName(merged));
          this.files.set(merged, rows);
          this.committedAt.set(merged, this.now);
        },
      );
    }

    crash(): void {
      this.steps.length = 0;
    }
  }

  it('holds for random sequences of ingests, compaction steps, crashes and passing time', () => {
    const action = fc.constantFrom<Action>('ingest', 'step', 'step', 'step', 'crash', 'tick');
    fc.assert(
      fc.property(fc.array(fc.tuple(action, fc.integer({ min: 1, max: 4 })), { maxLength: 200 }), (actions) => {
        const folder = new Folder();
        for (const [kind, rows] of actions) {
          if (kind === 'ingest') folder.ingest(rows);
          else if (kind === 'step') folder.step();
          else if (kind === 'crash') folder.crash();
          else folder.now += 1;
          expect(folder.visibleRows()).toEqual(Array.from({ length: folder.ingested() }, (_, i) => i));
        }
        // Left alone long enough, compaction merges and cleans up: nothing left over.
        for (let i = 0; i < 200; i++) {
          folder.now += 1;
          folder.step();
          expect(folder.visibleRows()).toEqual(Array.from({ length: folder.ingested() }, (_, i) => i));
        }
        expect([...folder.files.keys()].filter((name) => !name.endsWith('.json.gz'))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the gzip level of a merge', () => {
  it('is the fastest for a file that will be merged again, the default for one that stays', () => {
    const MiB = 1024 * 1024;
    expect(mergeGzipLevel(300 * 1024, DEFAULT_COMPACTION_POLICY)).toBe(FAST_GZIP_LEVEL);
    expect(mergeGzipLevel(16 * MiB - 1, DEFAULT_COMPACTION_POLICY)).toBe(FAST_GZIP_LEVEL);
    expect(mergeGzipLevel(16 * MiB, DEFAULT_COMPACTION_POLICY)).toBe(DEFAULT_GZIP_LEVEL);
    expect(mergeGzipLevel(64 * MiB, DEFAULT_COMPACTION_POLICY)).toBe(DEFAULT_GZIP_LEVEL);
  });
});
