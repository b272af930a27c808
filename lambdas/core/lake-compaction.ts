/**
 * Compaction of the local lake, the rules without the I/O: which files of a partition folder a reader
 * reads, which small files to merge next, and which leftovers may go.
 *
 * A merge never changes a file in place. It writes the list of its sources (`<compacted>.sources`)
 * first, then the compacted file under a temporary name, and renames that into place: the rename is
 * the commit. So a folder can hold, at any instant, both a compacted file and some or all of the
 * files it was made from, and a reader that read every `*.json.gz` would count those rows twice. The
 * rule readers follow instead (`partitionState`):
 *
 *   visible = the folder's lake files, minus every file listed by a committed sources list,
 *
 * where a sources list is committed when its compacted file exists, or when that compacted file is
 * itself listed by a committed sources list (it was merged again and then removed). A crash before
 * the commit leaves a sources list whose compacted file is absent: it hides nothing, and its sources
 * are still the visible copy of their rows. After the commit the compacted file is the visible copy.
 * Either way every row is visible exactly once.
 *
 * Removal keeps that true: the sources of a committed list go first, then the list; and a list is
 * kept while any of its sources has a list of its own (a compacted file merged again: its own list
 * must go first, with the files it hides, or they would reappear). `readyToRemove` says which may go.
 */
import { compactedFileOf, isCompactionTemporaryFile, isLakeFile, sourcesFileName } from './lake-layout';

/** What a partition folder holds: every name in it, and the content of each sources list among them. */
export interface PartitionEntries {
  readonly names: readonly string[];
  /** File names listed by each sources list of `names`, keyed by the list's name. */
  readonly sources: ReadonlyMap<string, readonly string[]>;
}

export interface PartitionState {
  /** The lake files a reader reads: each row of the partition is in exactly one of them. */
  readonly visible: readonly string[];
  /** Sources lists whose merge committed, with the files they list. */
  readonly committed: ReadonlyMap<string, readonly string[]>;
  /** Sources lists and temporary files of merges that never committed: safe to delete (when no merge runs). */
  readonly abandoned: readonly string[];
}

export function partitionState({ names, sources }: PartitionEntries): PartitionState {
  const present = new Set(names);
  const listsOf = [...sources.keys()].filter((name) => present.has(name) && compactedFileOf(name) !== undefined);
  const committed = new Map<string, readonly string[]>();
  const hidden = new Set<string>();
  // Fixpoint: a list whose compacted file is gone is committed when a committed list names that file.
  for (let grew = true; grew; ) {
    grew = false;
    for (const list of listsOf) {
      const compacted = compactedFileOf(list) as string;
      if (committed.has(list) || !(present.has(compacted) || hidden.has(compacted))) continue;
      const listed = sources.get(list) ?? [];
      committed.set(list, listed);
      for (const name of listed) hidden.add(name);
      grew = true;
    }
  }
  return {
    visible: names.filter((name) => isLakeFile(name) && !hidden.has(name)),
    committed,
    abandoned: names.filter((name) => isCompactionTemporaryFile(name) || (compactedFileOf(name) !== undefined && !committed.has(name))),
  };
}

/**
 * The committed sources lists that may be removed now, each after the files it lists: those whose
 * compacted file is gone or `expired` (readers that listed the folder before the commit have had
 * their grace period), and none of whose sources still has a list of its own.
 */
export function readyToRemove(state: PartitionState, present: ReadonlySet<string>, expired: (compacted: string) => boolean): string[] {
  return [...state.committed].flatMap(([list, listed]) => {
    const compacted = compactedFileOf(list) as string;
    if (present.has(compacted) && !expired(compacted)) return [];
    return listed.some((name) => present.has(sourcesFileName(name))) ? [] : [list];
  });
}

/**
 * How the compactor groups files. Sizes are of the NDJSON inside the gzip: what a reader decompresses
 * and parses, one thread per file, so it is what bounds a file's share of a query's time.
 */
export interface CompactionPolicy {
  /** A merge writes at most this many bytes; files of half of it or more are left as they are. */
  readonly maxFileBytes: number;
  /** Files below this are tier 0; each tier above holds files `fanIn` times larger than the one below. */
  readonly tierBaseBytes: number;
  /** A tier is merged once it holds this many files. */
  readonly fanIn: number;
  /** At most this many files go into one merge (bounds the work of one step and the sources list). */
  readonly maxSources: number;
}

export const DEFAULT_COMPACTION_POLICY: CompactionPolicy = {
  // Big enough that a million rows of a few hundred bytes are a handful of files, small enough that
  // DuckDB reads several of them in parallel, each in a fraction of a second.
  maxFileBytes: 64 * 1024 * 1024,
  tierBaseBytes: 256 * 1024,
  fanIn: 8,
  maxSources: 1000,
};

export interface SizedFile {
  readonly name: string;
  /** NDJSON bytes, uncompressed. */
  readonly bytes: number;
}

/**
 * The next merge in a partition, or undefined: the oldest files of the lowest tier that holds `fanIn`
 * files, as many as fit in `maxFileBytes`. Tiers by size (as in a log-structured merge) keep the work
 * per row logarithmic: a row is rewritten once per tier, not once per merge. `files` are the visible
 * files, oldest first. A compacted file may be merged again while its sources list is still there;
 * `readyToRemove` then keeps the newer list until the older one is gone.
 */
export function planMerge(files: readonly SizedFile[], policy: CompactionPolicy): string[] | undefined {
  const tiers = new Map<number, SizedFile[]>();
  for (const file of files) {
    if (file.bytes * 2 >= policy.maxFileBytes) continue;
    const tier = tierOf(file.bytes, policy);
    const members = tiers.get(tier);
    if (members === undefined) tiers.set(tier, [file]);
    else members.push(file);
  }
  for (const tier of [...tiers.keys()].sort((a, b) => a - b)) {
    const members = tiers.get(tier) ?? [];
    if (members.length < policy.fanIn) continue;
    const picked: string[] = [];
    let bytes = 0;
    for (const file of members) {
      if (picked.length === policy.maxSources || bytes + file.bytes > policy.maxFileBytes) break;
      picked.push(file.name);
      bytes += file.bytes;
    }
    if (picked.length >= 2) return picked;
  }
  return undefined;
}

/** zlib's fastest level, and its default. */
export const FAST_GZIP_LEVEL = 1;
export const DEFAULT_GZIP_LEVEL = 6;

/**
 * The gzip level of a merge writing `bytes` NDJSON bytes. A file under a quarter of `maxFileBytes`
 * (16 MiB by default) will most likely be merged again within the day, so compressing it harder would
 * be thrown away: it is written at the fastest level, a few times cheaper (compaction competes with
 * ingest for the same cores). Larger merges, whose files stay, use the default level.
 */
export function mergeGzipLevel(bytes: number, policy: CompactionPolicy): number {
  return bytes * 4 < policy.maxFileBytes ? FAST_GZIP_LEVEL : DEFAULT_GZIP_LEVEL;
}

function tierOf(bytes: number, { tierBaseBytes, fanIn }: CompactionPolicy): number {
  let tier = 0;
  for (let bound = tierBaseBytes; bytes >= bound; bound *= fanIn) tier += 1;
  return tier;
}
