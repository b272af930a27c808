/**
 * How the `hooklake` command starts: the build made at install runs only while it matches the
 * sources, and neither it nor the TypeScript sources load DuckDB, the AWS SDK or dynalite to print help.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { buildCli, freshBuild, renamedErrorClasses, SOURCES_FILE, sourcesHash } from '../../bin/cli-build';

const ROOT = join(__dirname, '..', '..');
const HEAVY_PACKAGES = ['@duckdb/', '@aws-sdk/', '@smithy/', 'dynalite', 'classic-level', '@aws-lambda-powertools/'];

/** Runs a CLI entry with these arguments; reports what it printed and every module it loaded. */
async function runEntry(entry: string, argv: readonly string[], options: { viaTsx?: boolean } = {}) {
  const script = [
    options.viaTsx ? "require('tsx/cjs');" : '',
    `process.argv = [process.execPath, ${JSON.stringify(entry)}, ...${JSON.stringify(argv)}];`,
    "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));",
    `require(${JSON.stringify(entry)});`,
  ].join('\n');
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: ROOT });
  const loaded = JSON.parse(/\nLOADED (.*)\n$/.exec(stderr)![1]) as string[];
  return { stdout, loaded };
}

function heavyIn(loaded: readonly string[]): string[] {
  return loaded.filter((path) => HEAVY_PACKAGES.some((name) => path.includes(`/node_modules/${name}`)));
}

describe('the hooklake command, built once', () => {
  let outDir: string;
  let entry: string;
  beforeAll(async () => {
    // Inside the package, as dist/ is, so the build finds the packages in node_modules.
    await mkdir(join(ROOT, 'dist'), { recursive: true });
    outDir = await mkdtemp(join(ROOT, 'dist', 'test-'));
    entry = await buildCli(outDir);
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('prints help from the build without loading TypeScript, DuckDB, the AWS SDK or dynalite', async () => {
    const { stdout, loaded } = await runEntry(entry, ['--help']);
    expect(stdout).toContain('Usage: hooklake');
    expect(loaded).toContain(entry);
    expect(heavyIn(loaded)).toEqual([]);
    expect(loaded.filter((path) => path.includes('/node_modules/tsx/') || path.endsWith('.ts'))).toEqual([]);
  });

  it('loads what a command needs when it runs it: the store for a list, DuckDB for a query', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-cli-start-'));
    try {
      await runEntry(entry, ['--data-dir', dataDir, 'integrations', 'create', 'Start Test']);
      const list = await runEntry(entry, ['--data-dir', dataDir, 'integrations', 'list', '--json']);
      expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ schema: 'start_test' })]);
      expect(heavyIn(list.loaded).some((path) => path.includes('/node_modules/dynalite/'))).toBe(true);
      expect(heavyIn(list.loaded).filter((path) => path.includes('/node_modules/@duckdb/'))).toEqual([]);
      const query = await runEntry(entry, ['--data-dir', dataDir, 'query', '--json', 'SELECT 42 AS n']);
      expect(JSON.parse(query.stdout)).toEqual([{ n: 42 }]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("is not used without the compactor's worker beside it", async () => {
    const worker = join(outDir, 'compactor-worker.js');
    await rename(worker, `${worker}.away`);
    expect(freshBuild(outDir)).toBeUndefined();
    await rename(`${worker}.away`, worker);
    expect(freshBuild(outDir)).toBe(entry);
  });

  it('is used only while every file it was built from is unchanged', async () => {
    expect(freshBuild(outDir)).toBe(entry);
    // One more source, listed as the build's own are: editing it must make the build stale.
    const probe = join(outDir, 'probe.ts');
    await writeFile(probe, 'export const a = 1;\n');
    const manifest = join(outDir, SOURCES_FILE);
    const { sources } = JSON.parse(await readFile(manifest, 'utf8')) as { sources: string[] };
    const withProbe = [...sources, relative(ROOT, probe)];
    await writeFile(manifest, JSON.stringify({ sources: withProbe, hash: sourcesHash(withProbe) }));
    expect(freshBuild(outDir)).toBe(entry);

    await writeFile(probe, 'export const a = 2;\n');
    expect(freshBuild(outDir)).toBeUndefined();
    await writeFile(probe, 'export const a = 1;\n');
    expect(freshBuild(outDir)).toBe(entry);
    await rm(probe);
    expect(freshBuild(outDir)).toBeUndefined();
  });

  it('keeps every error class under its own name, which error.name and the status reasons report', async () => {
    const bundle = await readFile(entry, 'utf8');
    const declared = [...(await readFile(join(ROOT, 'lambdas', 'core', 'errors.ts'), 'utf8')).matchAll(/^export class (\w+)/gm)].map((match) => match[1]);
    expect(declared.length).toBeGreaterThan(10);
    for (const name of declared) expect(bundle).toMatch(new RegExp(`\\b${name} = class\\b|\\bclass ${name}\\b`));
    expect(renamedErrorClasses(bundle)).toEqual([]);
    // What the build refuses: a clash that esbuild resolved by numbering one of the names.
    expect(renamedErrorClasses('ConflictError2 = class extends HooklakeError {}; class NotFoundError3 extends HooklakeError {}')).toEqual(['ConflictError2', 'NotFoundError3']);
  });

  it('is not used without its list of sources', async () => {
    await rm(join(outDir, SOURCES_FILE));
    expect(freshBuild(outDir)).toBeUndefined();
  });
});

describe('the hooklake command from its TypeScript sources (no fresh build)', () => {
  it('prints help without loading DuckDB, the AWS SDK or dynalite', async () => {
    const { stdout, loaded } = await runEntry(join(ROOT, 'bin', 'hooklake.ts'), ['--help'], { viaTsx: true });
    expect(stdout).toContain('Usage: hooklake');
    expect(heavyIn(loaded)).toEqual([]);
  });
});

describe('bin/hooklake.js, what npx hooklake runs', () => {
  it('prints help without loading DuckDB, the AWS SDK or dynalite, from the build or the sources alike', async () => {
    const { stdout, loaded } = await runEntry(join(ROOT, 'bin', 'hooklake.js'), ['--help']);
    expect(stdout).toContain('Usage: hooklake');
    expect(heavyIn(loaded)).toEqual([]);
  });
});
