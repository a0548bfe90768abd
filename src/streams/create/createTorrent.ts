/**
 * `createTorrent(path, config)`: files on disk → a `.torrent`, with progress. Cold: each
 * subscription walks and hashes anew; unsubscribing stops reading and closes the file.
 *
 * @module
 */
import { Observable, defer } from 'rxjs';
import { CreateTorrentError } from '../../errors.js';
import {
  buildMetainfo, choosePieceLength, comparePaths, MAX_PIECE_LENGTH, parseMetainfo, TorrentHasher, type MetainfoVersion, type Torrent,
} from '../../protocol/metainfo/index.js';
import { VERSION } from '../../version.js';
import { fromAsyncGenerator } from '../fromAsyncGenerator.js';
import { hashFiles } from './hashFiles.js';
import { walkFiles } from './walkFiles.js';

/** Options of {@link createTorrent}. */
export interface CreateTorrentConfig {
  /** Tracker URLs: a flat list is one tier each (BEP 12 order); nested lists are tiers. @default [] */
  readonly trackers?: readonly (string | readonly string[])[];
  /** Bytes per piece, a power of two in 16 KiB–256 MiB. @default automatic (1,000–2,000 pieces) */
  readonly pieceLength?: number;
  /** BEP 27 private torrent. @default false */
  readonly private?: boolean;
  readonly comment?: string;
  /** @default 'rxtorrent/<version>' */
  readonly createdBy?: string;
  /** Creation time; `null` leaves it out (reproducible torrents). @default now */
  readonly creationDate?: Date | null;
  /** BEP 19 web seeds. */
  readonly urlList?: readonly string[];
  /**
   * `'v1'` (BEP 3), `'v2'` (BEP 52: per-file SHA-256 Merkle trees, files piece-aligned) or
   * `'hybrid'` (both, with BEP 47 pad files in the v1 list; usable by every client). v2 and hybrid
   * list files in the v2 `file tree` order (UTF-8 bytes, segment by segment).
   * @default 'v1'
   */
  readonly version?: MetainfoVersion;
}

/** Progress while hashing, then the result. */
export type CreateTorrentEvent =
  | { readonly type: 'progress'; readonly bytesHashed: number; readonly totalBytes: number }
  | { readonly type: 'done'; readonly torrent: Torrent; readonly bytes: Uint8Array };

const CREATED_BY = `rxtorrent/${VERSION}`;

/**
 * Creates a torrent of one file or a folder (recursive, sorted; empty files kept): v1, v2 or
 * hybrid, all hashed in one read pass over the data.
 *
 * ```
 * createTorrent('dir') ──progress──progress──…──done|
 * ```
 *
 * @param path - a file, or a folder whose name becomes the torrent's top folder
 * @param config - trackers, piece length, private flag, comment
 * @returns progress events, then one `done` event with the parsed torrent and its bytes
 * @throws (error channel) {@link CreateTorrentError}, {@link MetainfoError} for an unusable name
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * const done = await lastValueFrom(createTorrent('album', { trackers: ['http://127.0.0.1:8000/announce'] }));
 * if (done.type === 'done') await writeFile('album.torrent', done.bytes);
 * ```
 */
export function createTorrent(path: string, config: CreateTorrentConfig = {}): Observable<CreateTorrentEvent> {
  return defer(() => {
    checkPieceLength(config.pieceLength);
    for (const url of (config.trackers ?? []).flat()) checkTrackerUrl(url);
    return fromAsyncGenerator<CreateTorrentEvent>(async function* (signal) {
      const layout = await walkFiles(path);
      const version = config.version ?? 'v1';
      const files = version === 'v1' ? layout.files : [...layout.files].sort((a, b) => comparePaths(a.path, b.path));
      const pieceLength = config.pieceLength ?? choosePieceLength(layout.totalLength);
      const hasher = new TorrentHasher({ pieceLength, version, multiFile: layout.multiFile });
      yield { type: 'progress', bytesHashed: 0, totalBytes: layout.totalLength };
      for await (const bytesHashed of hashFiles(files, hasher, signal)) {
        yield { type: 'progress', bytesHashed, totalBytes: layout.totalLength };
      }
      const date = config.creationDate === undefined ? new Date() : config.creationDate;
      const { pieces, files: roots } = hasher.digest();
      const bytes = buildMetainfo({
        name: layout.name,
        multiFile: layout.multiFile,
        files: files.map((f, i) => ({ path: f.path, length: f.length, ...roots[i] })),
        pieceLength,
        pieces,
        version,
        trackers: (config.trackers ?? []).map((t) => (typeof t === 'string' ? [t] : [...t])),
        private: config.private ?? false,
        comment: config.comment,
        createdBy: config.createdBy ?? CREATED_BY,
        creationDate: date === null ? undefined : Math.floor(date.getTime() / 1000),
        urlList: config.urlList,
      });
      yield { type: 'done', torrent: parseMetainfo(bytes), bytes };
    });
  });
}

/**
 * Whether `createTorrent` takes `pieceLength`: a power of two from 16 KiB to 256 MiB.
 *
 * @example
 * ```ts
 * isValidPieceLength(262144); // true
 * isValidPieceLength(3000);   // false
 * ```
 */
export function isValidPieceLength(pieceLength: number): boolean {
  const powerOfTwo = Number.isSafeInteger(pieceLength) && pieceLength > 0 && (pieceLength & (pieceLength - 1)) === 0;
  return powerOfTwo && pieceLength >= 16384 && pieceLength <= MAX_PIECE_LENGTH;
}

function checkPieceLength(pieceLength: number | undefined): void {
  if (pieceLength === undefined) return;
  if (!isValidPieceLength(pieceLength)) {
    throw new CreateTorrentError(
      'ERR_CREATE_BAD_PIECE_LENGTH',
      `piece length must be a power of two from 16 KiB to 256 MiB, got ${pieceLength}`,
    );
  }
}

function checkTrackerUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:' && protocol !== 'udp:') {
    throw new CreateTorrentError('ERR_CREATE_BAD_TRACKER', `tracker "${url}" is not an http, https or udp URL`);
  }
}
