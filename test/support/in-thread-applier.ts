import { LakeLogApplier } from '../../local/lake-log-apply';
import type { SegmentApplier } from '../../local/logged-lake-sink';

/** Applies sealed segments of the lake's log in this thread, as the compactor's thread does: in order, each whole. */
export function inThreadApplier(dataDir: string): SegmentApplier & { readonly appliedSegments: string[] } {
  const applier = new LakeLogApplier(dataDir);
  const appliedSegments: string[] = [];
  let pending = Promise.resolve();
  return {
    appliedSegments,
    applyLater(segment) {
      pending = pending.then(() => {
        applier.apply(segment);
        appliedSegments.push(segment);
      });
    },
    applied: () => pending,
  };
}
