import type { AppLogger } from '../../lambdas/app/ports';

/** Keeps every log line as the JSON it would print, so tests can look for leaks. */
export class RecordingLogger implements AppLogger {
  readonly lines: string[] = [];
  info(message: string, ...fields: Record<string, unknown>[]): void {
    this.lines.push(JSON.stringify({ level: 'INFO', message, ...Object.assign({}, ...fields) }));
  }
  warn(message: string, ...fields: Record<string, unknown>[]): void {
    this.lines.push(JSON.stringify({ level: 'WARN', message, ...Object.assign({}, ...fields) }));
  }
  error(message: string, ...fields: Record<string, unknown>[]): void {
    this.lines.push(JSON.stringify({ level: 'ERROR', message, ...Object.assign({}, ...fields) }));
  }
}
