/** The path of an HTTP request target, as the server routes on it. */

/** A path whose every character WHATWG URL parsing keeps as it is: no dot segments, escapes, query or host. */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9_\-/]*$/;

/**
 * The target's path, dot segments resolved, query left out; '' when it cannot be parsed. A plain path
 * (every webhook URL Hooklake prints) is its own answer: a URL parse costs microseconds on every request.
 */
export function requestPath(target: string | undefined): string {
  if (target !== undefined && PLAIN_PATH.test(target)) return target;
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}
