'use strict';
/**
 * The CLI compiled once into one CommonJS file under dist/ (git-ignored), so a command starts without
 * compiling TypeScript: `npm install` builds it (the prepare script), bin/hooklake.js runs it. Next to
 * it, the list of files it was built from and their hash: a build whose sources changed since is
 * never run (bin/hooklake.js then runs the sources through tsx). Plain JavaScript, as bin/hooklake.js
 * checks the build before any TypeScript loader is there.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const DEFAULT_OUT_DIR = join(ROOT, 'dist');
const ENTRY = 'hooklake.js';
const SOURCES_FILE = 'hooklake.sources.json';
/** Change these and the output changes though no bundled file did: they count as sources too. */
const BUILD_INPUTS = [relative(ROOT, __filename), 'tsconfig.json'];

/** One hash over the files' names and bytes (paths relative to the package); throws when one is gone. */
function sourcesHash(files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(ROOT, file))).update('\0');
  return hash.digest('hex');
}

/** The built entry, when it was built from the sources exactly as they are now; otherwise undefined. */
function freshBuild(outDir = DEFAULT_OUT_DIR) {
  try {
    const { sources, hash } = JSON.parse(readFileSync(join(outDir, SOURCES_FILE), 'utf8'));
    return sourcesHash(sources) === hash ? join(outDir, ENTRY) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Bundles bin/hooklake.ts and the project code it reaches; packages stay in node_modules (the native
 * DuckDB and LevelDB addons must, and the others load only when a command needs them). Resolves to
 * the entry's path.
 */
async function buildCli(outDir = DEFAULT_OUT_DIR) {
  const startedMs = Date.now();
  const result = await require('esbuild').build({
    absWorkingDir: ROOT,
    entryPoints: ['bin/hooklake.ts'],
    outfile: join(outDir, ENTRY),
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Error classes name themselves after their constructor (new.target.name).
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const sources = [...new Set([...Object.keys(result.metafile.inputs), ...BUILD_INPUTS])].sort();
  const hash = sourcesHash(sources);
  // A file saved after esbuild started may differ from what it read, and the hash would vouch for
  // code the build lacks. One saved after this check makes the hash differ, as it should.
  const changed = sources.filter((file) => statSync(join(ROOT, file)).mtimeMs >= startedMs);
  if (changed.length > 0) throw new Error(`sources changed during the build (${changed.join(', ')}); build again`);
  mkdirSync(outDir, { recursive: true });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  // Written last: until it is there, the previous build's list (or none) decides.
  writeAtomically(join(outDir, SOURCES_FILE), JSON.stringify({ sources, hash }, null, 1));
  return join(outDir, ENTRY);
}

/** A process starting meanwhile sees the old file or the new one, never half of one. */
function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

module.exports = { DEFAULT_OUT_DIR, SOURCES_FILE, sourcesHash, freshBuild, buildCli };

// `node bin/cli-build.js`: the prepare and build scripts.
if (require.main === module) {
  buildCli().then(
    (entry) => process.stderr.write(`hooklake: built ${relative(process.cwd(), entry)}\n`),
    (error) => {
      process.stderr.write(`hooklake: could not build the CLI: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
