import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../proxy/host-port.ts';
import { parseAllowTarget, parseTargetAddress, TargetAllowance } from './target-allowance.ts';

describe('target allowance', () => {
  it('counts localhost, 127.0.0.0/8 and ::1 as loopback, and nothing it would have to resolve', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['10.0.0.5', '192.0.2.2', '0.0.0.0', '::', 'localhost.example.com', 'payments.internal', '128.0.0.1', '::2']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('reads an external address as host:port, with a port and a host', () => {
    expect(parseTargetAddress('payments.internal:443')).toEqual({ host: 'payments.internal', port: 443 });
    expect(parseTargetAddress('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    for (const bad of ['payments.internal', ':443', 'h:0', 'h:70000', 'a b:80', 'http://h:80', 'h_x:80', '']) expect(parseTargetAddress(bad), bad).toBeUndefined();
  });

  it('allows loopback always, other hosts only as --allow-target names them (host: any port; host:port: that port)', () => {
    const none = TargetAllowance.loopbackOnly;
    expect(none.reason({ host: '127.0.0.1', port: 9 })).toBe('loopback');
    expect(none.reason({ host: '192.0.2.2', port: 80 })).toBeUndefined();

    const some = TargetAllowance.parse(['Payments.Internal', '192.0.2.2:8080']);
    expect(some.reason({ host: 'payments.internal', port: 443 })).toBe('--allow-target');
    expect(some.reason({ host: 'payments.internal.', port: 1 })).toBe('--allow-target');
    expect(some.reason({ host: '192.0.2.2', port: 8080 })).toBe('--allow-target');
    expect(some.reason({ host: '192.0.2.2', port: 8081 })).toBeUndefined();
    expect(some.reason({ host: 'other.internal', port: 443 })).toBeUndefined();
    // A suffix or a prefix of an allowed name is another host.
    expect(some.reason({ host: 'evil-payments.internal', port: 443 })).toBeUndefined();
    expect(some.reason({ host: 'payments.internal.evil.com', port: 443 })).toBeUndefined();
    expect(some.describe()).toBe('Payments.Internal, 192.0.2.2:8080');
  });

  it('refuses a flag value that is no host, naming the flag', () => {
    for (const bad of ['', 'http://h', 'a b', 'h:0', '*']) expect(() => parseAllowTarget(bad), bad).toThrow(/--allow-target expects a host/);
    expect(parseAllowTarget('[::1]')).toEqual({ host: '::1', port: 0 });
  });
});
