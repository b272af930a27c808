/**
 * Stack traces of a bundled Lambda, mapped back to the TypeScript sources when a stack is first
 * formatted instead of at every cold start. Node's --enable-source-maps reads the map and scans the
 * whole bundle while it loads (a fifth of the ingest Lambda's init on Node 20); here the map is read
 * the first time an error's stack is written, which in a healthy function is never.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

/**
 * Call first thing in a Lambda entry, with its `__filename`: in the bundle that is the bundle itself,
 * with its map next to it. Unbundled (tests, local runs) there is no map and nothing changes.
 */
export function mapStackTracesLazily(bundleFile: string): void {
  const mapFile = `${bundleFile}.map`;
  if (!existsSync(mapFile)) return;
  let sourceMap: SourceMap | null | undefined;
  const loadMap = (): SourceMap | null => {
    if (sourceMap === undefined) {
      try {
        sourceMap = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        sourceMap = null; // an unreadable map leaves the bundle's own positions, still a trace
      }
    }
    return sourceMap;
  };
  Error.prepareStackTrace = (error, frames) => formatStack(error, frames, bundleFile, loadMap);
}

/** V8's format (a header, then one "    at ..." line per frame), with the bundle's positions mapped. */
function formatStack(error: unknown, frames: readonly NodeJS.CallSite[], bundleFile: string, loadMap: () => SourceMap | null): string {
  const lines = [header(error)];
  for (const frame of frames) {
    let text: string;
    try {
      text = frame.toString();
      if (frame.getFileName() === bundleFile) text = mapped(text, frame, loadMap());
    } catch {
      text = '<frame not formatted>';
    }
    lines.push(`    at ${text}`);
  }
  return lines.join('\n');
}

function header(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

function mapped(text: string, frame: NodeJS.CallSite, map: SourceMap | null): string {
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  if (!map || line === null || column === null) return text;
  const entry = map.findEntry(line - 1, column - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
  if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return text;
  // Sources are relative to the bundler's output folder; the path from the project root reads best.
  const source = entry.originalSource.replace(/^(\.\.\/)+/, '');
  return text.replace(`${frame.getFileName()}:${line}:${column}`, `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
}
