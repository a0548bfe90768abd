/** Session states for UI specs. */
import type { SessionState } from '../../src/streams/session/sessionState.js';

/** A plausible session state, with `overrides` applied. */
export function sessionStateOf(overrides: Partial<SessionState> = {}): SessionState {
  return {
    infoHash: 'aa'.repeat(20),
    name: 'a.bin',
    status: 'downloading',
    progress: 0.5,
    checked: 1,
    rechecked: 0,
    pieceCount: 4,
    piecesHave: 2,
    length: 1000,
    left: 500,
    downloaded: 500,
    uploaded: 100,
    downloadRate: 50,
    uploadRate: 10,
    eta: 10,
    peers: [
      {
        address: '127.0.0.1:6881', client: 'rxtorrent 0.1.0', direction: 'outbound', downloadRate: 50, uploadRate: 10,
        downloaded: 500, uploaded: 100, peerChoking: false, amInterested: true, amChoking: false, peerInterested: true, progress: 1, encrypted: false,
      },
    ],
    trackers: [{ url: 'http://127.0.0.1:8000/announce', ok: true, message: undefined, seeders: 1, leechers: 1, at: 0 }],
    pieceMap: 'hhdm',
    ...overrides,
  };
}
