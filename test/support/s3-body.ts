import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';

/**
 * A GetObject body for aws-sdk-client-mock: the part of the SDK's stream that the lake sampler
 * uses, without importing the SDK's internal stream packages, which this project does not declare.
 */
export function s3Body(bytes: Uint8Array): NonNullable<GetObjectCommandOutput['Body']> {
  let read = false;
  const once = () => {
    if (read) throw new Error('The body of this GetObject answer was already read.');
    read = true;
  };
  return {
    transformToByteArray: async () => (once(), new Uint8Array(bytes)),
    transformToString: async (encoding?: string) => (once(), Buffer.from(bytes).toString((encoding ?? 'utf8') as BufferEncoding)),
    transformToWebStream: () => {
      throw new Error('not used by the sampler');
    },
  } as unknown as NonNullable<GetObjectCommandOutput['Body']>;
}
