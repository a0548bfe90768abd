/** The part of bittorrent-protocol 5's untyped `Wire` that bench/wire.ts uses. */
declare module 'bittorrent-protocol' {
  import type { EventEmitter } from 'node:events';

  /** A peer wire: a duplex stream that parses what is written to it and emits typed events. */
  export default class Wire extends EventEmitter {
    constructor(type?: string | null, retries?: number, peEnabled?: boolean);
    write(chunk: Uint8Array): boolean;
    destroy(): void;
  }
}
