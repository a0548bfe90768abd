/**
 * The state a magnet download shows while it fetches its metadata.
 *
 * @module
 */
import type { MetadataFetchStatus } from '../../protocol/extensions/index.js';
import type { MagnetLink } from '../../protocol/metainfo/index.js';
import { formatPeerAddress } from '../../protocol/peerAddress.js';
import type { PeerClient } from '../../protocol/wire/index.js';
import type { PeerConnection } from '../peer/index.js';
import type { PeerView, SessionState } from './sessionState.js';

/**
 * A `metadata`-status snapshot: name from `dn` (or the info-hash), size from `xl` when given,
 * `metadata` the fraction of the info dict received.
 *
 * @example
 * ```ts
 * metadataState(link, fetcher.status, connections, describePeerId);
 * ```
 */
export function metadataState(
  link: MagnetLink,
  status: MetadataFetchStatus,
  connections: readonly PeerConnection[],
  describe: (id: Uint8Array) => PeerClient | undefined,
): SessionState {
  const peers: PeerView[] = connections.map((c) => {
    const client = describe(c.peerId);
    return {
      address: formatPeerAddress(c.address), client: client && `${client.client} ${client.version}`.trim(), direction: c.direction,
      downloadRate: 0, uploadRate: 0, downloaded: c.downloadedBytes, uploaded: c.uploadedBytes,
      peerChoking: true, amInterested: false, amChoking: true, peerInterested: false, progress: 0,
    };
  });
  const length = link.length ?? 0;
  return {
    infoHash: link.infoHash, name: link.name ?? link.infoHash, status: 'metadata',
    progress: 0, checked: 0, rechecked: 0, pieceCount: 0, piecesHave: 0, length, left: length,
    downloaded: 0, uploaded: 0, downloadRate: 0, uploadRate: 0, eta: undefined,
    metadata: status.pieceCount === 0 ? 0 : status.piecesReceived / status.pieceCount,
    peers, trackers: [], pieceMap: '',
  };
}
