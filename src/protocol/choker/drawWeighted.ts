/**
 * Weighted random sampling without replacement, for the optimistic unchoke draw.
 *
 * @module
 */

/**
 * Draws up to `n` distinct items, each draw picking an item with probability proportional to its
 * weight among those left.
 *
 * @param items - the candidates, in a stable order (the same RNG then gives the same draw)
 * @param weight - an item's weight, > 0
 * @param n - how many to draw (fewer when there are fewer items)
 * @param random - RNG in [0, 1)
 * @returns the drawn items, in draw order
 * @example
 * ```ts
 * drawWeighted(['new', 'old'], (p) => (p === 'new' ? 3 : 1), 1, Math.random); // 'new' 3 times in 4
 * ```
 */
export function drawWeighted<T>(items: readonly T[], weight: (item: T) => number, n: number, random: () => number): T[] {
  const pool = items.map((item) => ({ item, weight: weight(item) }));
  const drawn: T[] = [];
  while (drawn.length < n && pool.length > 0) {
    let r = random() * pool.reduce((sum, e) => sum + e.weight, 0);
    let i = 0;
    while (i < pool.length - 1 && (r -= pool[i]!.weight) >= 0) i++;
    drawn.push(pool.splice(i, 1)[0]!.item);
  }
  return drawn;
}
