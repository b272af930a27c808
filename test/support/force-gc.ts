import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, for tests of what code lets go of (with WeakRef). Jest runs without
 * --expose-gc; the flag set at run time exposes `gc` in contexts made after it.
 */
export async function collectGarbage(): Promise<void> {
  // A WeakRef's target is kept until the current job ends: wait for the next turn first.
  await new Promise((resolve) => setImmediate(resolve));
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
