/**
 * The one helper our hand-written operators share. RxJS's own `operate` is internal API (and
 * changed shape in 8.x), so this is the small public-parts equivalent: per-subscription state,
 * exceptions thrown while handling a value routed to the error channel, teardown always returned.
 *
 * @module
 */
import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';

/** Per-subscription handlers of an operator built with {@link operate}. */
export interface OperatorHandlers<T> {
  /** Handles one source value; a throw becomes an error notification. */
  next(value: T): void;
  /** Source completed. @default completes the output */
  complete?(): void;
  /** Extra teardown (timers, buffers) when the output is unsubscribed. */
  teardown?(): void;
}

/**
 * Builds an operator from a setup function run once per subscription.
 *
 * @param setup - receives the output subscriber, returns the handlers (and owns all state)
 * @returns the operator
 * @example
 * ```ts
 * const double = operate<number, number>((out) => ({ next: (n) => out.next(n * 2) }));
 * ```
 */
export function operate<T, R>(setup: (subscriber: Subscriber<R>) => OperatorHandlers<T>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const handlers = setup(subscriber);
      const subscription = source.subscribe({
        next: (value) => {
          try {
            handlers.next(value);
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          try {
            if (handlers.complete) handlers.complete();
            else subscriber.complete();
          } catch (err) {
            subscriber.error(err);
          }
        },
      });
      return () => {
        subscription.unsubscribe();
        handlers.teardown?.();
      };
    });
}
