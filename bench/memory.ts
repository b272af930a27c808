/**
 * Peak memory while ingesting one 5 MB body, as growth of peak RSS over the body's size. A
 * JSON.parse + JSON.stringify of the same body, in its own fresh process, is printed alongside.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { MemoryReport } from './memory-child';
import type { BenchResult } from './target';
import { mib } from './stats';

const BODY_BYTES = 5 * 1024 * 1024;

export async function benchMemory(progress: (line: string) => void): Promise<BenchResult> {
  progress(`memory: baseline, JSON.parse + JSON.stringify of a ~${mib(BODY_BYTES)} body, fresh process`);
  const baseline = await measureInChild('baseline');
  progress(`memory: hooklake handler and file lake sink, same body, fresh process`);
  const measured = await measureInChild('hooklake');
  return {
    id: 'memory-one-body',
    name: 'Peak memory for one large body',
    meaning: `peak RSS growth ÷ body size, ${mib(measured.bodyBytes)} JSON array body`,
    value: measured.peakGrowthBytes / measured.bodyBytes,
    unit: 'x',
    // Measured 16.6-19.5x (86-100 MiB) on a 2-core VM, of which the handler alone is ~11-12x:
    // at its peak it holds the base64 event, the decoded text, the parsed records and their stamped
    // copies; the file sink adds the NDJSON text and its gzip. 25x catches one more whole copy
    // of the records, with room for RSS noise.
    max: 25,
    figures:
      `hooklake +${mib(measured.peakGrowthBytes)} peak RSS; baseline +${mib(baseline.peakGrowthBytes)} ` +
      `(${(baseline.peakGrowthBytes / baseline.bodyBytes).toFixed(1)}x body); hooklake ÷ baseline ${(measured.peakGrowthBytes / Math.max(baseline.peakGrowthBytes, 1)).toFixed(1)}x`,
  };
}

function measureInChild(mode: 'hooklake' | 'baseline'): Promise<MemoryReport> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'memory-child.ts'), [mode, String(BODY_BYTES)], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report: MemoryReport | undefined;
    child.once('message', (message: MemoryReport) => (report = message));
    child.once('error', reject);
    child.once('exit', (code) => (report ? resolve(report) : reject(new Error(`memory child (${mode}) exited with code ${code}`))));
  });
}
