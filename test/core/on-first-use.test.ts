import { describe, expect, it } from 'vitest';
import { lazyPort, onFirstUse } from '../../functions/platform/on-first-use';

interface Port {
  read(id: string): Promise<string>;
  optional?(id: string): Promise<string | undefined>;
}

/** An adapter whose methods use `this`, as class-based adapters do. */
class Adapter implements Port {
  readonly prefix = 'read';
  async read(id: string) {
    return `${this.prefix} ${id}`;
  }
}

describe('onFirstUse', () => {
  it('builds once, and tries again after a failed build', async () => {
    let builds = 0;
    const value = onFirstUse(async () => {
      builds += 1;
      if (builds === 1) throw new Error('secret not readable yet');
      return builds;
    });
    await expect(value()).rejects.toThrow('secret not readable yet');
    expect(await value()).toBe(2);
    expect(await value()).toBe(2);
    expect(builds).toBe(2);
  });
});

describe('lazyPort', () => {
  it('builds the adapter on the first call only, and calls its method with the arguments', async () => {
    let builds = 0;
    const port = lazyPort<Port>(
      onFirstUse(async () => {
        builds += 1;
        return new Adapter();
      }),
      { read: true, optional: true },
    );
    expect(builds).toBe(0);
    expect(await port.read('a')).toBe('read a');
    expect(await port.read('b')).toBe('read b');
    expect(builds).toBe(1);
  });

  it('answers undefined for an optional method the adapter does not have', async () => {
    const port = lazyPort<Port>(async () => new Adapter(), { read: true, optional: true });
    expect(await port.optional?.('a')).toBeUndefined();
  });

  it("rejects with the adapter's own error", async () => {
    const port = lazyPort<Port>(async () => ({ read: async () => Promise.reject(new Error('AccessDenied')) }), { read: true, optional: true });
    await expect(port.read('a')).rejects.toThrow('AccessDenied');
  });
});
