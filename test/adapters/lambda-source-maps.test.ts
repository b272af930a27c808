import { mapStackTracesLazily } from '../../lambdas/aws/lambda-source-maps';

// The mapping itself runs in the real bundles (test/infra/hooklake-stack.test.ts): it needs a bundle and its map.
test('unbundled, with no map next to the entry, stack traces are left to Node', () => {
  const before = Error.prepareStackTrace;
  mapStackTracesLazily(__filename);
  expect(Error.prepareStackTrace).toBe(before);
});
