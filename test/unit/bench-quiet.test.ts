import { spawn } from 'node:child_process';
import { processCpuMs, waitUntilQuiet } from '../../bench/quiet';

describe('waiting for the benchmarked servers to go quiet', () => {
  // Reads /proc, as the benchmarks do: Linux, where they run.
  it('waits out a process still busy after its load, and measures what it did meanwhile', async () => {
    // Busy for 700 ms, then idle: as Hooklake is while it merges what a round left.
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 700; while (Date.now() < end); setTimeout(() => {}, 60_000);'], { stdio: 'ignore' });
    try {
      const started = Date.now();
      const wait = await waitUntilQuiet([child.pid!]);
      expect(wait?.quiet).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      // Ticks of 10 ms, and the process's own start-up before the loop: a loose floor that still says "it was counted".
      expect(wait!.cpuMs).toBeGreaterThanOrEqual(400);
      expect(await processCpuMs(child.pid!)).toBeGreaterThanOrEqual(wait!.cpuMs);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('says it cannot tell, at once, when a process is not there to be read', async () => {
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => gone.once('exit', resolve));
    expect(await processCpuMs(gone.pid!)).toBeUndefined();
    await expect(waitUntilQuiet([gone.pid!])).resolves.toBeUndefined();
  });
});
