'use strict';
/**
 * The CLI compiled once into one CommonJS file under dist/ (git-ignored), so a command starts without
 * compiling TypeScript: `npm install` builds it (the prepare script), bin/hooklake.js runs it. Next to
 * it, the list of files it was built from and their hash: a build whose sources changed since is
 * never run (bin/hooklake.js then runs the sources through tsx). Plain JavaScript, as bin/hooklake.js
 * checks the build before any TypeScript loader is there.
 */
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { extname, join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const DEFAULT_OUT_DIR = join(ROOT, 'dist');
const ENTRY = 'hooklake.js';
/** What a build writes besides source maps: the CLI, and the compactor's worker (local/compactor-thread.ts). */
const OUTPUTS = [ENTRY, 'compactor-worker.js'];
const SOURCES_FILE = 'hooklake.sources.json';
/** Change these and the output changes though no bundled file did: they count as sources too. */
const BUILD_INPUTS = [relative(ROOT, __filename), 'tsconfig.json'];

/** One hash over files' names (relative to the package) and bytes, in name order. */
function hashOf(contentsByFile) {
  const hash = createHash('sha256');
  for (const [file, contents] of [...contentsByFile].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${file}\0`).update(contents).update('\0');
  return hash.digest('hex');
}

/** The hash of these files as they are now; throws when one is gone. */
function sourcesHash(files) {
  return hashOf(files.map((file) => [file, readFileSync(join(ROOT, file))]));
}

/** The built entry, when it was built from the sources exactly as they are now, and whole; otherwise undefined. */
function freshBuild(outDir = DEFAULT_OUT_DIR) {
  try {
    const { sources, hash } = JSON.parse(readFileSync(join(outDir, SOURCES_FILE), 'utf8'));
    // The server starts the compactor's thread from the file beside the entry: without it, no compaction.
    if (!OUTPUTS.every((file) => existsSync(join(outDir, file)))) return undefined;
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
  const used = new Map(BUILD_INPUTS.map((file) => [file, readFileSync(join(ROOT, file))]));
  const result = await require('esbuild').build({
    absWorkingDir: ROOT,
    // The compactor's thread loads a file of its own (local/compactor-thread.ts looks for it beside the CLI).
    entryPoints: { hooklake: 'bin/hooklake.ts', 'compactor-worker': 'local/compactor-worker.ts' },
    outdir: outDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // No keepNames: it wraps every function expression in a naming call each time one is made (several per
    // webhook). Error classes name themselves after their constructor (new.target.name), so none may be
    // renamed by the bundling, which only happens to two top-level names alike: checked below.
    keepNames: false,
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [keepingWhatItReads(used)],
  });
  const unread = Object.keys(result.metafile.inputs).filter((file) => !used.has(file));
  if (unread.length > 0) throw new Error(`the build read files it did not hash: ${unread.join(', ')}`);
  const renamed = result.outputFiles.filter((file) => file.path.endsWith('.js')).flatMap((file) => renamedErrorClasses(file.text));
  if (renamed.length > 0) throw new Error(`bundling renamed error classes (${renamed.join(', ')}), whose names error.name reports; give them unique names`);
  mkdirSync(outDir, { recursive: true });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  // Written last: until it is there, the previous build's list (or none) decides.
  writeAtomically(join(outDir, SOURCES_FILE), JSON.stringify({ sources: [...used.keys()].sort(), hash: hashOf(used) }, null, 1));
  return join(outDir, ENTRY);
}

/** Classes named like errors that the bundle declares under a numbered name (esbuild's way out of a clash). */
function renamedErrorClasses(code) {
  // Numbered on a clash, declared (`class X2`) or, inside a lazily run module, assigned (`X2 = class`); or,
  // for a class whose body names itself, emitted as `X = class _X`, whose name is then `_X`.
  return [...code.matchAll(/\bclass (\w*Error\d+|_\w*Error)\b|\b(\w*Error\d+) = class\b/g)].map((match) => match[1] ?? match[2]);
}

const LOADERS = { '.ts': 'ts', '.js': 'js', '.json': 'json' };

/**
 * Hands esbuild each source file as this script read it, and keeps the bytes: the hash is then of
 * exactly what was compiled, even when a file is saved while the build runs.
 */
function keepingWhatItReads(used) {
  return {
    name: 'keep-what-it-reads',
    setup(build) {
      build.onLoad({ filter: /.*/ }, ({ path }) => {
        const loader = LOADERS[extname(path)];
        if (loader === undefined) throw new Error(`no loader for ${path}`);
        const contents = readFileSync(path);
        used.set(relative(ROOT, path), contents);
        return { contents, loader };
      });
    },
  };
}

/** A process starting meanwhile sees the old file or the new one, never half of one. */
function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

module.exports = { DEFAULT_OUT_DIR, SOURCES_FILE, sourcesHash, freshBuild, buildCli, renamedErrorClasses };

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
