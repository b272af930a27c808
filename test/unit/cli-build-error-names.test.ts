/**
 * The CLI build has no keepNames, so an error class keeps its name (error.name, reported in status
 * counts) only if esbuild emits it under that name. renamedErrorClasses is the build's check: it must
 * flag every way esbuild renames one, checked here against esbuild's real output.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { renamedErrorClasses } from '../../bin/cli-build';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hooklake-error-names-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Bundles `source` as the CLI build does (no keepNames) and runs it: the name of the error it makes. */
async function bundled(source: string): Promise<{ code: string; name: string }> {
  await writeFile(join(dir, 'errors.ts'), source);
  await writeFile(join(dir, 'main.ts'), "import { make } from './errors';\nexport const name = make().name;\n");
  await build({ entryPoints: [join(dir, 'main.ts')], outfile: join(dir, 'main.js'), bundle: true, platform: 'node', target: 'node20', format: 'cjs', keepNames: false });
  const code = await readFile(join(dir, 'main.js'), 'utf8');
  return { code, name: (require(join(dir, 'main.js')) as { name: string }).name };
}

const BASE = 'export class HooklakeError extends Error { constructor(message: string) { super(message); this.name = new.target.name; } }\n';

describe('renamedErrorClasses', () => {
  it('passes an error class that esbuild emits under its own name', async () => {
    const { code, name } = await bundled(`${BASE}export class ConflictError extends HooklakeError {}\nexport const make = () => new ConflictError('x');\n`);
    expect(name).toBe('ConflictError');
    expect(renamedErrorClasses(code)).toEqual([]);
  });

  it('flags an error class that refers to itself in its body, which esbuild emits as class _Name', async () => {
    const { code, name } = await bundled(`${BASE}export class ConflictError extends HooklakeError { static of(message: string): ConflictError { return new ConflictError(message); } }\nexport const make = () => ConflictError.of('x');\n`);
    // What error.name would then report: not the class's name.
    expect(name).not.toBe('ConflictError');
    expect(renamedErrorClasses(code)).not.toEqual([]);
  });
});
