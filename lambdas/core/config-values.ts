import { ValidationError } from './errors';

/** Reads an optional positive whole number from a named setting, with a message that names it. */
export function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ValidationError(`${name} must be a positive whole number, got "${raw}".`);
  }
  return value;
}

export function requiredString(name: string, raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw new ValidationError(`${name} is not set; the deployment must set it.`);
  return raw.trim();
}
