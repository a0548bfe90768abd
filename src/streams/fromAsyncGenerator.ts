/**
 * Runs an async generator as a cold observable: each subscription starts the generator anew,
 * unsubscribing ends it (its `finally` blocks run, closing what it opened), errors flow to the
 * error channel.
 *
 * @module
 */
import { Observable } from 'rxjs';

/**
 * Cold observable over a fresh async generator per subscriber.
 *
 * @param factory - creates the generator; receives an `AbortSignal` that fires on unsubscribe,
 *   so long awaits inside can stop early
 * @returns an observable of the generator's values
 * @example
 * ```ts
 * declare function readLines(path: string, signal: AbortSignal): AsyncIterable<string>;
 * const lines$ = fromAsyncGenerator(async function* (signal) { yield* readLines(path, signal); });
 * ```
 */
export function fromAsyncGenerator<T>(factory: (signal: AbortSignal) => AsyncGenerator<T, void, undefined>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const abort = new AbortController();
    const generator = factory(abort.signal);
    (async () => {
      for (;;) {
        const step = await generator.next();
        if (step.done === true || subscriber.closed) break;
        subscriber.next(step.value);
      }
      subscriber.complete();
    })().catch((err: unknown) => subscriber.error(err));
    return () => {
      abort.abort();
      // Ends the generator after its current await; its finally blocks release resources.
      generator.return(undefined).catch(() => undefined);
    };
  });
}
