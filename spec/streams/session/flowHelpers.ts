/** Link events made by hand, for flow specs. */
import { VirtualTimeScheduler } from 'rxjs';
import { initialPeerWireState, nextPeerWireState, type PeerWireState, type WireMessage } from '../../../src/protocol/wire/index.js';
import type { LinkEvent, SessionPeer } from '../../../src/streams/session/linkEvents.js';
import { ScriptedPeer } from './fakes.js';

/** A peer of a session (its connection scripted to answer nothing), with its wire state. */
export class HandPeer {
  readonly connection: ScriptedPeer;
  readonly peer: SessionPeer;
  state: PeerWireState;

  constructor(n: number, pieceCount: number | undefined, options: { direction?: 'inbound' | 'outbound'; port?: number } = {}) {
    const address = { host: `127.0.0.${n}`, port: options.port ?? 6881 };
    this.connection = new ScriptedPeer(address, new Uint8Array(20).fill(n), () => [], {
      infoHash: new Uint8Array(20), scheduler: new VirtualTimeScheduler(), direction: options.direction,
    });
    this.peer = { key: `p${n}`, address, peerId: this.connection.peerId, direction: this.connection.direction, connection: this.connection };
    this.state = initialPeerWireState(pieceCount);
  }

  joined(): LinkEvent {
    return { type: 'joined', peer: this.peer, state: this.state };
  }

  says(message: WireMessage): LinkEvent {
    const before = this.state;
    this.state = nextPeerWireState(before, { direction: 'in', message });
    return { type: 'message', peer: this.peer, message, before, state: this.state };
  }

  left(): LinkEvent {
    return { type: 'left', peer: this.peer, state: this.state };
  }
}
