import { UnchangedCache } from '../../src/store/sqlite/unchanged-cache';

describe('UnchangedCache', () => {
  it('when asked again at the same version, then the kept value is returned without computing', () => {
    const cache = new UnchangedCache<number>();
    const compute = jest.fn(() => 7);
    expect([cache.get('k', '1:0', compute), cache.get('k', '1:0', compute)]).toEqual([7, 7]);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('when the version moved, then the value is computed again and kept at the new version', () => {
    const cache = new UnchangedCache<number>();
    let n = 0;
    const compute = () => ++n;
    expect(cache.get('k', '1:0', compute)).toBe(1);
    expect(cache.get('k', '1:1', compute)).toBe(2);
    expect(cache.get('k', '1:1', compute)).toBe(2);
    // An older version is not "the same": it is computed again too.
    expect(cache.get('k', '1:0', compute)).toBe(3);
  });

  it('when a computation throws, then nothing is kept and the next call computes', () => {
    const cache = new UnchangedCache<number>();
    expect(() => cache.get('k', 'v', () => { throw new Error('busy'); })).toThrow('busy');
    expect(cache.get('k', 'v', () => 5)).toBe(5);
  });

  it('when more keys than the bound are kept, then the oldest is dropped and the others stay', () => {
    const cache = new UnchangedCache<string>(3);
    for (const k of ['a', 'b', 'c']) cache.get(k, 'v', () => k);
    // Refreshing a stale key does not count as a new one.
    cache.get('b', 'w', () => 'b2');
    cache.get('d', 'v', () => 'd');
    const computed: string[] = [];
    const probe = (k: string, v: string) => cache.get(k, v, () => (computed.push(k), `${k}!`));
    expect([probe('b', 'w'), probe('c', 'v'), probe('d', 'v'), probe('a', 'v')]).toEqual(['b2', 'c', 'd', 'a!']);
    expect(computed).toEqual(['a']);
  });
});
