import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import cdkJson from '../../cdk.json';
import { createHooklakeApp } from '../../lib/hooklake-app';
import type { HooklakeStack } from '../../lib/hooklake-stack';

/** The feature flags and context `cdk synth` uses, read from cdk.json. */
export function cdkJsonContext(): Record<string, unknown> {
  return { ...cdkJson.context };
}

/**
 * Builds the app exactly as bin/app.ts does (cdk.json context, AwsSolutions plugin), into a
 * private temporary cloud-assembly directory so parallel test files and `cdk synth` never share one.
 */
export function buildHooklakeApp(): { app: App; stack: HooklakeStack; outdir: string } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'hooklake-cdk-'));
  const { app, stack } = createHooklakeApp({ outdir, context: cdkJsonContext() });
  return { app, stack, outdir };
}
