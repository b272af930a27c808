/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (a bundler alias in
 * lib/lambda-bundling.ts). The SDK imports that module only when an operation streams events, which
 * no call of Hooklake's does; imported lazily as it is, it made the bundler wrap much of the SDK in
 * deferred initialisers. Same export names, so a call that did stream would fail here by name.
 */

const NOT_BUNDLED = 'AWS event streams are not bundled into Hooklake\'s Lambda functions (lib/lambda-bundling.ts)';

export class EventStreamSerde {
  constructor() {
    throw new Error(NOT_BUNDLED);
  }
}

export function eventStreamSerdeProvider(): never {
  throw new Error(NOT_BUNDLED);
}
