import { encodeBencode, type BencodeInput } from '../../../src/protocol/bencode/index.js';
import { buildMetainfo, PieceHasher } from '../../../src/protocol/metainfo/index.js';

/** Deterministic content of `length` bytes. */
export function content(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Piece hashes of `data`. */
export function hashes(data: Uint8Array, pieceLength: number): Uint8Array {
  const hasher = new PieceHasher(pieceLength);
  hasher.update(data);
  return hasher.digest();
}

/** A valid multi-file torrent with awkward sizes, as bytes. */
export function multiFileTorrent(): Uint8Array {
  const sizes = [0, 1000, 40000, 5];
  const data = content(sizes.reduce((a, b) => a + b, 0));
  return buildMetainfo({
    name: 'folder',
    multiFile: true,
    files: sizes.map((length, i) => ({ path: i === 2 ? ['sub', `f${i}.bin`] : [`f${i}.bin`], length })),
    pieceLength: 16384,
    pieces: hashes(data, 16384),
    trackers: [['http://127.0.0.1:1/announce'], ['udp://127.0.0.1:2/announce', 'http://127.0.0.1:3/announce']],
    comment: 'a comment',
    createdBy: 'rxtorrent spec',
    creationDate: 1_700_000_000,
  });
}

/** A torrent built from a raw info dict and optional outer fields. */
export function rawTorrent(info: BencodeInput, outer: Record<string, BencodeInput> = {}): Uint8Array {
  return encodeBencode({ announce: 'http://127.0.0.1:1/announce', ...outer, info });
}

/** A minimal valid single-file info dict of `length` bytes, overridable field by field. */
export function singleInfo(overrides: Record<string, BencodeInput | undefined> = {}): Record<string, BencodeInput | undefined> {
  const length = 20000;
  return { name: 'a.bin', 'piece length': 16384, length, pieces: hashes(content(length), 16384), ...overrides };
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function multi(files: object[]): Uint8Array {
  return rawTorrent(singleInfo({ length: undefined, files: files as never }));
}

/** Every rejection parseMetainfo makes: [what, bytes, expected code]. */
export function malformedTorrents(): [string, Uint8Array, string][] {
  const pieces = singleInfo().pieces as Uint8Array;
  return [
    ['not bencode', enc('hello'), 'ERR_BENCODE_UNEXPECTED_BYTE'],
    ['not a dict', enc('li1ee'), 'ERR_BENCODE_NOT_A_DICT'],
    ['no info', encodeBencode({ announce: 'x' }), 'ERR_METAINFO_MISSING_FIELD'],
    ['info not a dict', encodeBencode({ info: 5 }), 'ERR_METAINFO_WRONG_TYPE'],
    ['pieces not a multiple of 20', rawTorrent(singleInfo({ pieces: pieces.subarray(0, 39) })), 'ERR_METAINFO_BAD_PIECES'],
    ['pieces not matching the length', rawTorrent(singleInfo({ length: 40000 })), 'ERR_METAINFO_BAD_PIECES'],
    ['piece length 0', rawTorrent(singleInfo({ 'piece length': 0 })), 'ERR_METAINFO_BAD_PIECE_LENGTH'],
    ['negative piece length', rawTorrent(singleInfo({ 'piece length': -16384 })), 'ERR_METAINFO_BAD_PIECE_LENGTH'],
    ['absurd piece length', rawTorrent(singleInfo({ 'piece length': 2 ** 40 })), 'ERR_METAINFO_BAD_PIECE_LENGTH'],
    ['missing length', rawTorrent(singleInfo({ length: undefined })), 'ERR_METAINFO_MISSING_FIELD'],
    ['negative length', rawTorrent(singleInfo({ length: -1 })), 'ERR_METAINFO_BAD_LENGTH'],
    ['length as a string', rawTorrent(singleInfo({ length: '20000' })), 'ERR_METAINFO_WRONG_TYPE'],
    ['missing name', rawTorrent(singleInfo({ name: undefined })), 'ERR_METAINFO_MISSING_FIELD'],
    ['name ".."', rawTorrent(singleInfo({ name: '..' })), 'ERR_METAINFO_BAD_PATH'],
    ['name with a slash', rawTorrent(singleInfo({ name: 'a/b' })), 'ERR_METAINFO_BAD_PATH'],
    ['absolute path', multi([{ length: 20000, path: ['/etc', 'passwd'] }]), 'ERR_METAINFO_BAD_PATH'],
    ['".." in a path', multi([{ length: 20000, path: ['..', 'x'] }]), 'ERR_METAINFO_BAD_PATH'],
    ['empty path segment', multi([{ length: 20000, path: ['a', '', 'b'] }]), 'ERR_METAINFO_BAD_PATH'],
    ['NUL in a path', multi([{ length: 20000, path: ['a\0b'] }]), 'ERR_METAINFO_BAD_PATH'],
    ['backslash in a path', multi([{ length: 20000, path: ['..\\x'] }]), 'ERR_METAINFO_BAD_PATH'],
    ['empty path list', multi([{ length: 20000, path: [] }]), 'ERR_METAINFO_BAD_PATH'],
    ['missing path', multi([{ length: 20000 }]), 'ERR_METAINFO_MISSING_FIELD'],
    ['negative file length', multi([{ length: -5, path: ['a'] }, { length: 20005, path: ['b'] }]), 'ERR_METAINFO_BAD_LENGTH'],
    ['empty files list', multi([]), 'ERR_METAINFO_NO_FILES'],
    ['duplicate path', multi([{ length: 10000, path: ['a'] }, { length: 10000, path: ['a'] }]), 'ERR_METAINFO_DUPLICATE_PATH'],
    ['file and folder clash', multi([{ length: 10000, path: ['a'] }, { length: 10000, path: ['a', 'b'] }]), 'ERR_METAINFO_DUPLICATE_PATH'],
    ['no content', rawTorrent(singleInfo({ length: 0, pieces: new Uint8Array(0) })), 'ERR_METAINFO_BAD_LENGTH'],
    ['v2 with an empty file tree', rawTorrent({ name: 'a', 'piece length': 16384, 'meta version': 2, 'file tree': {} }), 'ERR_METAINFO_NO_FILES'],
    ['over the size cap', rawTorrent(singleInfo({ junk: new Uint8Array(33 * 1024 * 1024) })), 'ERR_BENCODE_TOO_LARGE'],
  ];
}
