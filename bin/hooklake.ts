#!/usr/bin/env -S npx tsx
import { runCli } from '../cli/run';

// The SDK warns on every start under Node 20 that its 2027 releases need Node 22; the pinned
// lock file is unaffected, and the warning would bury the server's banner.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
