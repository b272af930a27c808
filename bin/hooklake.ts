/** The CLI's entry, run by bin/hooklake.js (`npx hooklake`) or directly with tsx. */
// Before anything loads the AWS SDK: it warns on every start under Node 20 that its releases from
// 2027 need Node 22; the pinned lock file is unaffected, and the warning would bury the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A require after the line above, on purpose: imports would load the SDK first.
const { runCli } = require('../cli/run') as typeof import('../cli/run');

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
