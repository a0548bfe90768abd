/** Query-string builders shared by the tracker parser and server specs. */

/** Percent-encodes every byte (`%20` for a space, never `+`), as a careful client does. */
export function escapeBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** A 20-byte info-hash with bytes ≥ 0x80, a space (0x20), `&`, `=`, `%`, `+` and a NUL in it. */
export const BINARY_INFO_HASH = Uint8Array.of(
  0xff, 0x80, 0x20, 0x26, 0x3d, 0x25, 0x2b, 0x00, 0xc3, 0x28, 0xfe, 0x7f, 0x41, 0x20, 0x9f, 0xe2, 0x82, 0x28, 0x01, 0xed,
);

/** A 20-byte peer id in the usual Azureus style. */
export function peerIdOf(n: number): Uint8Array {
  return Uint8Array.from(`-RX0001-${String(n).padStart(12, '0')}`, (c) => c.charCodeAt(0));
}

/** Fields of an announce query; a `null` leaves the key out, a string is sent as is. */
export type AnnounceFields = Record<string, string | Uint8Array | null>;

/**
 * A valid announce query (binary info-hash, peer 1, port 6881, compact) with `overrides`
 * applied: byte values are escaped byte by byte, strings sent as written.
 */
export function announceQuery(overrides: AnnounceFields = {}): string {
  const fields: AnnounceFields = {
    info_hash: BINARY_INFO_HASH,
    peer_id: peerIdOf(1),
    port: '6881',
    uploaded: '0',
    downloaded: '0',
    left: '1000',
    event: 'started',
    compact: '1',
    ...overrides,
  };
  return Object.entries(fields)
    .filter((entry): entry is [string, string | Uint8Array] => entry[1] !== null)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : escapeBytes(value)}`)
    .join('&');
}

/**
 * Malformed announces: [what, query]. Every one must get a `failure reason` (over HTTP too),
 * never a crash or a 500. The codes are those `parseAnnounceQuery` throws.
 */
export const MALFORMED_ANNOUNCES: ReadonlyArray<readonly [string, string, string]> = [
  ['no info_hash', announceQuery({ info_hash: null }), 'ERR_TRACKER_MISSING_PARAMETER'],
  ['a 19-byte info_hash', announceQuery({ info_hash: BINARY_INFO_HASH.subarray(0, 19) }), 'ERR_TRACKER_BAD_INFO_HASH'],
  ['a 21-byte info_hash', announceQuery({ info_hash: Uint8Array.of(...BINARY_INFO_HASH, 1) }), 'ERR_TRACKER_BAD_INFO_HASH'],
  ['an empty info_hash', announceQuery({ info_hash: '' }), 'ERR_TRACKER_BAD_INFO_HASH'],
  ['a 40-char hex info_hash', announceQuery({ info_hash: 'ff'.repeat(20) }), 'ERR_TRACKER_BAD_INFO_HASH'],
  ['no peer_id', announceQuery({ peer_id: null }), 'ERR_TRACKER_MISSING_PARAMETER'],
  ['a 19-byte peer_id', announceQuery({ peer_id: peerIdOf(1).subarray(1) }), 'ERR_TRACKER_BAD_PEER_ID'],
  ['no port', announceQuery({ port: null }), 'ERR_TRACKER_MISSING_PARAMETER'],
  ['port 0', announceQuery({ port: '0' }), 'ERR_TRACKER_BAD_PORT'],
  ['port 65536', announceQuery({ port: '65536' }), 'ERR_TRACKER_BAD_PORT'],
  ['a negative port', announceQuery({ port: '-1' }), 'ERR_TRACKER_BAD_PORT'],
  ['a non-numeric port', announceQuery({ port: 'http' }), 'ERR_TRACKER_BAD_PORT'],
  ['an empty port', announceQuery({ port: '' }), 'ERR_TRACKER_BAD_PORT'],
  ['a fractional port', announceQuery({ port: '6881.5' }), 'ERR_TRACKER_BAD_PORT'],
  ['negative uploaded', announceQuery({ uploaded: '-1' }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['negative downloaded', announceQuery({ downloaded: '-5' }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['negative left', announceQuery({ left: '-1' }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['left in exponent form', announceQuery({ left: '1e3' }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['left beyond 2^53', announceQuery({ left: '9007199254740993' }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['negative numwant', announceQuery({ numwant: '-1' }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['huge numwant', announceQuery({ numwant: '9'.repeat(40) }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['an unknown event', announceQuery({ event: 'paused' }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['compact=2', announceQuery({ compact: '2' }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['an over-long key', announceQuery({ key: 'k'.repeat(65) }), 'ERR_TRACKER_BAD_PARAMETER'],
  ['a broken % escape', announceQuery({ uploaded: '%G0' }), 'ERR_TRACKER_BAD_QUERY'],
  ['a truncated % escape at the end', `${announceQuery()}&key=%A`, 'ERR_TRACKER_BAD_QUERY'],
  ['a truncated % escape in info_hash', announceQuery({ info_hash: `${escapeBytes(BINARY_INFO_HASH.subarray(0, 19))}%F` }), 'ERR_TRACKER_BAD_QUERY'],
  ['a repeated info_hash', `${announceQuery()}&info_hash=${escapeBytes(BINARY_INFO_HASH)}`, 'ERR_TRACKER_REPEATED_PARAMETER'],
  ['a repeated port', `${announceQuery()}&port=6881`, 'ERR_TRACKER_REPEATED_PARAMETER'],
  ['a repeated event', `${announceQuery()}&event=stopped`, 'ERR_TRACKER_REPEATED_PARAMETER'],
  ['an oversize query', `${announceQuery()}&pad=${'x'.repeat(9000)}`, 'ERR_TRACKER_QUERY_TOO_LONG'],
  ['too many parameters', `${announceQuery()}${'&x'.repeat(200)}`, 'ERR_TRACKER_BAD_QUERY'],
  ['an empty query', '', 'ERR_TRACKER_MISSING_PARAMETER'],
];
