import { describe, expect, it } from 'vitest';
import { TunnelSocket } from './tunnel-socket.js';

/** Flow control of a tunnel (wire.ts `pause`/`resume`): the agent is asked to stop only while the hub's reader is full. */
describe('TunnelSocket flow control', () => {
  it('asks the agent to pause when its paused reader holds more than the high-water mark, and to resume once it drained', async () => {
    const calls: string[] = [];
    const s = new TunnelSocket(7, {
      send: () => undefined,
      closed: () => calls.push('closed'),
      pause: (t) => calls.push(`pause ${t}`),
      resume: (t) => calls.push(`resume ${t}`),
    });
    let received = 0;
    s.on('data', (d: Buffer) => {
      received += d.length;
    });
    s.opened('ldap://dc1');
    s.receive(Buffer.alloc(1024));
    expect(calls).toEqual([]);
    s.pause(); // what LdapStream does when its message queue is full
    for (let i = 0; i < 5; i++) s.receive(Buffer.alloc(1024 * 1024));
    expect(calls).toEqual(['pause 7']);
    s.resume();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(received).toBe(1024 + 5 * 1024 * 1024);
    expect(calls).toEqual(['pause 7', 'resume 7']);
    s.destroy();
    expect(calls).toEqual(['pause 7', 'resume 7', 'closed']);
  });
});
