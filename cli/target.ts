import { ValidationError } from '../lambdas/core/errors';

/** Where a command's integrations, tokens and lake live. */
export const TARGETS = ['local', 'aws'] as const;
export type Target = (typeof TARGETS)[number];

/** The global options every command sees. */
export interface TargetOptions {
  readonly dataDir: string;
  readonly target: Target;
  /** CloudFormation stack of the AWS deployment. */
  readonly stack: string;
  /** AWS region; undefined means the SDK's own lookup (AWS_REGION, the profile). */
  readonly region?: string;
}

/** Commands that only make sense on this machine say so instead of half-working against AWS. */
export function requireLocalTarget(options: TargetOptions, command: string): void {
  if (options.target !== 'local') {
    throw new ValidationError(
      `"${command}" runs Hooklake on this machine; on AWS the deployed API receives webhooks. Drop --target ${options.target}.`,
    );
  }
}
