/** Running {@link createDht} nodes on loopback for specs: started, their address known, stopped after. */
import { firstValueFrom, type Subscription } from 'rxjs';
import { createDht } from '../../../src/streams/dht/createDht.js';
import type { Dht, DhtConfig } from '../../../src/streams/dht/createDht.js';
import type { DhtState } from '../../../src/streams/dht/dhtNode.js';
import type { PeerAddress } from '../../../src/protocol/peerAddress.js';

/** A started node: subscribed to `state$` until {@link RunningDht.stop}. */
export interface RunningDht {
  readonly dht: Dht;
  readonly address: PeerAddress;
  /** The latest snapshot. */
  state(): DhtState;
  stop(): void;
}

/** Starts a node on `host` (default 127.0.0.1), port 0 unless given. */
export async function startDht(config: DhtConfig = {}): Promise<RunningDht> {
  const dht = createDht({ host: '127.0.0.1', port: 0, ...config });
  let latest: DhtState | undefined;
  const sub: Subscription = dht.state$.subscribe((s) => (latest = s));
  const first = latest ?? (await firstValueFrom(dht.state$));
  return {
    dht,
    address: first.address,
    state: () => latest ?? first,
    stop: () => sub.unsubscribe(),
  };
}
