/**
 * Torrent handles for stream-server specs: a finished one (a seeding client over memory), and a
 * downloading one whose only peer hands out a piece only once the spec releases it.
 */
import { asyncScheduler, firstValueFrom } from 'rxjs';
import { buildMetainfo, parseMetainfo, type Torrent } from '../../../src/protocol/metainfo/index.js';
import type { PeerAddress } from '../../../src/protocol/peerAddress.js';
import { generatePeerId, type WireMessage } from '../../../src/protocol/wire/index.js';
import { createClient } from '../../../src/streams/client/createClient.js';
import type { HandleControl } from '../../../src/streams/client/handleControl.js';
import { startHandle, type TorrentHandle } from '../../../src/streams/client/torrentHandle.js';
import { torrentSession } from '../../../src/streams/session/torrentSession.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';
import { fakePort, ScriptedPeer } from '../../streams/session/fakes.js';

export const PIECE = 16 * 1024;

/** Files: film.webm (20.5 pieces), notes.txt (1000 bytes), empty.bin (0 bytes), page.html. */
export function streamTorrent(): { torrent: Torrent; data: Uint8Array } {
  const files = [
    { path: ['film.webm'], length: 20 * PIECE + PIECE / 2 },
    { path: ['notes.txt'], length: 1000 },
    { path: ['empty.bin'], length: 0 },
    { path: ['page.html'], length: 300 },
  ];
  const data = content(files.reduce((n, f) => n + f.length, 0), 7);
  const torrent = parseMetainfo(buildMetainfo({ name: 'films', multiFile: true, files, pieceLength: PIECE, pieces: hashes(data, PIECE) }));
  return { torrent, data };
}

/** A finished torrent: a seeding client's handle over memory (it listens on 127.0.0.1). */
export async function seedingHandle(torrent: Torrent, data: Uint8Array): Promise<TorrentHandle> {
  const client = createClient({ host: '127.0.0.1', port: 0 });
  const handle = client.add(torrent, { path: 'unused', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) });
  await handle.done();
  await firstValueFrom(client.listening$);
  return handle;
}

/** A download whose one peer sends a piece only once released. */
export interface GatedDownload {
  readonly handle: TorrentHandle;
  /** The handle's control: its readers are the reads in progress. */
  readonly control: HandleControl;
  /** Lets the peer send these pieces (now, or when asked). */
  release(pieces: Iterable<number>): void;
  /** Pieces asked for, in order. */
  requested(): number[];
  /** The peer unchokes us (until then nothing is asked for). */
  unchoke(): void;
}

/** Starts a download (real time, no sockets) from a gated scripted seeder. */
export function gatedDownload(torrent: Torrent, data: Uint8Array): GatedDownload {
  const allowed = new Set<number>();
  const held: { peer: ScriptedPeer; message: Extract<WireMessage, { type: 'request' }> }[] = [];
  const answer = (m: Extract<WireMessage, { type: 'request' }>): WireMessage => {
    const at = m.index * torrent.pieceLength + m.begin;
    return { type: 'piece', index: m.index, begin: m.begin, block: Uint8Array.from(data.subarray(at, at + m.length)) };
  };
  const address: PeerAddress = { host: '127.0.0.2', port: 6881 };
  let peer: ScriptedPeer | undefined;
  let unchoked = false;
  let interested = false;
  const port = fakePort(new Map([['127.0.0.2:6881', () => (peer = new ScriptedPeer(address, generatePeerId(), (m, p) => {
    if (m.type === 'interested') {
      interested = true;
      return unchoked ? [{ type: 'unchoke' }] : [];
    }
    if (m.type !== 'request') return [];
    if (allowed.has(m.index)) return [answer(m)];
    held.push({ peer: p, message: m });
    return [];
  }, { infoHash: torrent.infoHashBytes, scheduler: asyncScheduler, latencyMs: 1, greeting: [{ type: 'have-all' }] }))]]), generatePeerId());
  let control: HandleControl | undefined;
  const handle = startHandle(torrent.infoHash, (c) => {
    control = c as HandleControl;
    return torrentSession(torrent, { path: 'unused', peers: [address], seed: false }, port, { storage: memoryStorage(torrent), control: c });
  });
  return {
    handle,
    control: control!,
    release: (pieces) => {
      for (const p of pieces) allowed.add(p);
      for (const h of held.splice(0)) {
        if (allowed.has(h.message.index)) setTimeout(() => h.peer.deliver(answer(h.message)), 1);
        else held.push(h);
      }
    },
    unchoke: () => {
      unchoked = true;
      if (interested) setTimeout(() => peer?.deliver({ type: 'unchoke' }), 1);
    },
    requested: () => (peer?.received ?? []).flatMap((m) => (m.type === 'request' ? [m.index] : [])),
  };
}
