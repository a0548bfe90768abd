/**
 * Typed errors with stable codes. Every error rxtorrent raises on bad input, on a failing peer,
 * tracker or disk is an {@link RxTorrentError}; match on `code`, never on `message`.
 *
 * Each area has one class whose `code` is a string-literal union, so a `switch (err.code)` is
 * checked by the compiler. Add new codes to the union of their area; never rename one.
 *
 * @module
 */

export * from './errors/base.js';
export * from './errors/protocolErrors.js';
export * from './errors/runtimeErrors.js';
