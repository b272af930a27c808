import { isLoopback } from '../../console/loopback';

describe('the console answers this machine only', () => {
  it('knows loopback peers from any other', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address)).toBe(true);
    for (const address of ['192.168.1.5', '10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', '127.0.0.1.evil', '1127.0.0.1', undefined]) expect(isLoopback(address)).toBe(false);
  });
});
