import { spawn } from 'node:child_process';
import { processCpuMs, waitUntilQuiet } from '../../bench/quiet';

describe('waiting for the benchmarked servers to go quiet', () => {
  // Reads /proc, as the benchmarks do: Linux, where they run.
  it('waits out a process still busy after its load, and measures what it did meanwhile', async () => {
    // Busy until it has used 700 ms of CPU, then idle: as Hooklake is while it merges what a round left.
    // Counted in CPU, not wall time: on a loaded machine 700 ms of wall time can be well under 400 ms of CPU.
    const busy = 'const used = () => { const { user, system } = process.cpuUsage(); return user + system; }; while (used() < 700_000);';
    const child = spawn(process.execPath, ['-e', `${busy} setTimeout(() => {}, 60_000);`], { stdio: 'ignore' });
    try {
      const started = Date.now();
      const wait = await waitUntilQuiet([child.pid!]);
      expect(wait?.quiet).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      // Ticks of 10 ms, and whatever CPU the process used before the first reading: a loose floor that still says "it was counted".
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
