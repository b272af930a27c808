/**
 * Waiting for the servers an HTTP benchmark loads to go quiet between rounds. A server still busy with
 * work a round left behind (Hooklake merging the lake's files, seconds after its last webhook) would take
 * CPU from the next round, whoever's it is: until this waited, Hooklake's merges ran during the receiver's
 * rounds and slowed the baseline. What the wait sees is measured, so the leftover work is reported, not hidden.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const STEP_MS = 250;
/** CPU over one step, all the servers together, that still counts as quiet: the kernel counts in 10 ms ticks. */
const QUIET_CPU_MS = 10;
/** Quiet for this many steps in a row. */
const QUIET_STEPS = 2;
const MAX_WAIT_MS = 30_000;
/** /proc counts CPU time in USER_HZ ticks, 100 a second on Linux whatever the kernel's own tick. */
const TICKS_PER_SECOND = 100;

export interface QuietWait {
  /** CPU the servers used from the start of the wait until they were quiet (ms of one core). */
  readonly cpuMs: number;
  /** False when they were still busy after MAX_WAIT_MS. */
  readonly quiet: boolean;
}

/** CPU time used so far by process `pid`, all its threads, in ms; undefined where it cannot be read. */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which may itself hold spaces and parentheses: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
}

/**
 * Resolves once the processes `pids` have used next to no CPU for a few steps in a row, or after
 * MAX_WAIT_MS; at once, with undefined, where their CPU time cannot be read (no /proc, or one has exited).
 */
export async function waitUntilQuiet(pids: readonly number[]): Promise<QuietWait | undefined> {
  const started = Date.now();
  const first = await totalCpuMs(pids);
  if (first === undefined) return undefined;
  let last = first;
  let quietSteps = 0;
  while (Date.now() - started < MAX_WAIT_MS) {
    await sleep(STEP_MS);
    const now = await totalCpuMs(pids);
    // A server that exited meanwhile: neither quiet nor busy, nothing to report.
    if (now === undefined) return undefined;
    quietSteps = now - last <= QUIET_CPU_MS ? quietSteps + 1 : 0;
    last = now;
    if (quietSteps >= QUIET_STEPS) return { cpuMs: last - first, quiet: true };
  }
  return { cpuMs: last - first, quiet: false };
}

async function totalCpuMs(pids: readonly number[]): Promise<number | undefined> {
  let total = 0;
  for (const pid of pids) {
    const ms = await processCpuMs(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}
