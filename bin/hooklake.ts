#!/usr/bin/env -S npx tsx
import { runCli } from '../cli/run';

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
