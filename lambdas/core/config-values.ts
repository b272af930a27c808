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

/** Reads an optional whole number within [min, max] from a named setting, with a message that names it. */
export function integerWithin(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

export function requiredString(name: string, raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw new ValidationError(`${name} is not set; the deployment must set it.`);
  return raw.trim();
}
