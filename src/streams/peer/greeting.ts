/**
 * What we send right after the handshakes: our pieces and our BEP 10 extension handshake.
 *
 * @module
 */
import { encodeExtendedHandshake, type PeerExtensions, type WireMessage } from '../../protocol/wire/index.js';
import { DEFAULT_EXTENDED_HANDSHAKE, type TorrentPeerOptions } from './peerOptions.js';

/**
 * The extensions we announce for a torrent.
 * @param torrent - its connection options
 * @returns BEP 10 and BEP 6 bits (both on unless turned off); BEP 5 and BEP 52 when asked for
 */
export function ourExtensions(torrent: TorrentPeerOptions): PeerExtensions {
  const ext = torrent.extensions;
  return { extended: ext?.extended ?? true, fast: ext?.fast ?? true, dht: ext?.dht ?? false, v2: ext?.v2 ?? false };
}

/**
 * The messages that open a connection after both handshakes:
 *
 * - our pieces: `have-all` / `have-none` when both sides speak BEP 6 and we have all / none,
 *   else a `bitfield`, or nothing at all when we have no piece and fast is off (BEP 3 allows it);
 * - our extension handshake when both sides speak BEP 10;
 * - a PORT message with our DHT's UDP port when both sides set the DHT bit (BEP 5).
 *
 * @param torrent - our side
 * @param remote - the extensions the peer announced
 * @returns the messages, in order
 * @see https://www.bittorrent.org/beps/bep_0006.html
 * @see https://www.bittorrent.org/beps/bep_0005.html
 */
export function greetingMessages(torrent: TorrentPeerOptions, remote: PeerExtensions): WireMessage[] {
  const ours = ourExtensions(torrent);
  const messages: WireMessage[] = [];
  const have = torrent.bitfield();
  const fast = ours.fast && remote.fast;
  if (fast && have.count === 0) messages.push({ type: 'have-none' });
  else if (fast && have.isComplete) messages.push({ type: 'have-all' });
  else if (have.count > 0) messages.push({ type: 'bitfield', bytes: have.toBytes() });
  if (ours.extended && remote.extended) {
    const payload = encodeExtendedHandshake(torrent.extendedHandshake ?? DEFAULT_EXTENDED_HANDSHAKE);
    messages.push({ type: 'extended', id: 0, payload });
  }
  const dhtPort = ours.dht && remote.dht ? torrent.dhtPort?.() : undefined;
  if (dhtPort !== undefined) messages.push({ type: 'port', port: dhtPort });
  return messages;
}
