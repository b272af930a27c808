/**
 * The import rules each folder's README states, checked on the source: what a folder may import
 * decides what can be tested, reused and deployed without the rest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

interface Rule {
  readonly folder: string;
  /** Project folders it may import from (itself always allowed). */
  readonly mayImport: readonly string[];
  /** Package names (prefixes) it must not import. */
  readonly forbiddenPackages?: readonly string[];
}

const NO_IO = ['@aws-sdk/', 'aws-cdk-lib', '@duckdb/', 'dynalite', 'node:fs', 'node:http', 'node:https', 'node:net', 'node:child_process', 'node:zlib', 'fs', 'http', 'https', 'net', 'child_process', 'zlib'];

const RULES: readonly Rule[] = [
  { folder: 'lambdas/core', mayImport: [], forbiddenPackages: [...NO_IO, '@middy/', 'aws-lambda', '@aws-lambda-powertools/'] },
  { folder: 'lambdas/shared', mayImport: [], forbiddenPackages: NO_IO },
  { folder: 'lambdas/app', mayImport: ['lambdas/core', 'lambdas/shared'], forbiddenPackages: [...NO_IO, '@middy/', 'aws-lambda'] },
  { folder: 'lambdas/aws', mayImport: ['lambdas/core', 'lambdas/shared', 'lambdas/app'], forbiddenPackages: ['aws-cdk-lib', '@duckdb/', 'dynalite'] },
  { folder: 'lambdas/ingest', mayImport: ['lambdas/core', 'lambdas/shared', 'lambdas/app', 'lambdas/aws'], forbiddenPackages: ['aws-cdk-lib'] },
  { folder: 'lambdas/catalog', mayImport: ['lambdas/core', 'lambdas/shared', 'lambdas/app', 'lambdas/aws'], forbiddenPackages: ['aws-cdk-lib'] },
  { folder: 'lambdas/silence', mayImport: ['lambdas/core', 'lambdas/shared', 'lambdas/app', 'lambdas/aws'], forbiddenPackages: ['aws-cdk-lib'] },
  { folder: 'local', mayImport: ['lambdas'], forbiddenPackages: ['aws-cdk-lib', '@middy/', 'aws-lambda'] },
  { folder: 'lib', mayImport: ['lambdas/core', 'lambdas/ingest/env.ts', 'lambdas/ingest/config.ts', 'lambdas/catalog/env.ts', 'lambdas/silence/env.ts'] },
  { folder: 'console', mayImport: ['lambdas'], forbiddenPackages: ['aws-cdk-lib', '@aws-sdk/', '@duckdb/', 'dynalite'] },
  { folder: 'cli', mayImport: ['lambdas', 'local', 'console', 'package.json'], forbiddenPackages: ['aws-cdk-lib'] },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?:[^'";]*?\bfrom\s+)?'([^']+)'/g), ...text.matchAll(/require(?:\.resolve)?\('([^']+)'/g)].map((m) => m[1]);
}

describe.each(RULES)('$folder imports only what its README allows', ({ folder, mayImport, forbiddenPackages = [] }) => {
  const files = sourceFiles(join(ROOT, folder));

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('imports project code only from the folders it may', () => {
    const offending: string[] = [];
    for (const file of files) {
      for (const specifier of importsOf(file).filter((s) => s.startsWith('.'))) {
        const target = relative(ROOT, resolve(dirname(file), specifier));
        const allowed = [folder, ...mayImport].some((place) => target === place.replace(/\.ts$/, '') || target.startsWith(`${place}/`));
        if (!allowed) offending.push(`${relative(ROOT, file)} -> ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('imports none of the packages it must not', () => {
    const offending: string[] = [];
    for (const file of files) {
      for (const specifier of importsOf(file).filter((s) => !s.startsWith('.'))) {
        if (forbiddenPackages.some((p) => specifier === p || specifier.startsWith(p.endsWith('/') ? p : `${p}/`))) {
          offending.push(`${relative(ROOT, file)} -> ${specifier}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
