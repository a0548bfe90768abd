/**
 * Bounded polling for specs that watch real sockets or processes (virtual time cannot reach them).
 *
 * @module
 */

/**
 * Waits until `predicate` holds, polling every 5 ms; throws `message` after `ms`.
 *
 * @example
 * ```ts
 * await until(() => server.connections === 0, 2000, 'a connection is still open');
 * await until(async () => (await fetch(url)).ok);
 * ```
 */
export async function until(predicate: () => boolean | Promise<boolean>, ms = 5000, message = 'condition not met in time'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, 5));
  }
}
