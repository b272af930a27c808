#!/usr/bin/env node
// The package's `hooklake` command (`npx hooklake ...`): loads the TypeScript CLI through tsx's
// require hook, so nobody types a loader by hand and no npm banner lands on stdout.
require('tsx/cjs');
require('./hooklake.ts');
