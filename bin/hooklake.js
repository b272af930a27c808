#!/usr/bin/env node
// The package's `hooklake` command (`npx hooklake ...`). It runs the CLI as compiled at install
// (dist/, see cli-build.js) while that build matches the sources; after an edit, the TypeScript
// itself through tsx's require hook, slower to start but never out of date. Either way nobody
// types a loader by hand and no npm banner lands on stdout.
// libuv's thread pool runs each file step of a flush (two files a flush, two flushes at once), the
// compactor's writes, and console queries: with its default of 4 threads a flush's steps queue behind
// the others'. libuv reads this once, at the pool's first use, so before anything else runs.
process.env.UV_THREADPOOL_SIZE ??= '16';
const built = require('./cli-build').freshBuild();
if (built === undefined) {
  require('tsx/cjs');
  require('./hooklake.ts');
} else {
  // Stack traces of unexpected errors then name the TypeScript files and lines.
  process.setSourceMapsEnabled(true);
  require(built);
}
