/**
 * The hashing core of torrent creation for every version: the files' bytes in one pass, the v1
 * SHA-1 piece hashes (over the padded layout for hybrid) and each file's v2 Merkle root and piece
 * layer, both from the same buffers.
 *
 * @module
 */
import { FileMerkleHasher } from '../merkle/index.js';
import type { MetainfoVersion } from './buildMetainfo.js';
import { PieceHasher } from './pieceHasher.js';

/** The v2 result for one file (nothing for an empty one). */
export interface FileRoots {
  readonly piecesRoot?: Uint8Array;
  readonly pieceLayer?: Uint8Array;
}

/** Options of {@link TorrentHasher}. */
export interface TorrentHasherConfig {
  readonly pieceLength: number;
  /** @default 'v1' */
  readonly version?: MetainfoVersion;
  /** Hybrid only: pad files go between files of a multi-file torrent. */
  readonly multiFile: boolean;
}

/**
 * Feed each file's bytes in layout order with {@link update}, and call {@link endFile} after each
 * file (empty ones too).
 *
 * @example
 * ```ts
 * declare const pieceLength: number, files: readonly string[];
 * declare function read(file: string): AsyncIterable<Uint8Array>;
 * const hasher = new TorrentHasher({ pieceLength, version: 'hybrid', multiFile: true });
 * for (const file of files) { for await (const c of read(file)) hasher.update(c); hasher.endFile(); }
 * const { pieces, files: roots } = hasher.digest();
 * ```
 */
export class TorrentHasher {
  readonly #v1: PieceHasher | undefined;
  readonly #v2: boolean;
  readonly #pad: boolean;
  readonly #pieceLength: number;
  #file: FileMerkleHasher | undefined;
  #fileBytes = 0;
  #offset = 0;
  readonly #roots: FileRoots[] = [];
  #zeros: Uint8Array | undefined;

  constructor(config: TorrentHasherConfig) {
    const version = config.version ?? 'v1';
    this.#pieceLength = config.pieceLength;
    this.#v1 = version === 'v2' ? undefined : new PieceHasher(config.pieceLength);
    this.#v2 = version !== 'v1';
    this.#pad = version === 'hybrid' && config.multiFile;
  }

  /** Hashes the next bytes of the current file. */
  update(chunk: Uint8Array): void {
    this.#v1?.update(chunk);
    if (this.#v2) (this.#file ??= new FileMerkleHasher(this.#pieceLength)).update(chunk);
    this.#fileBytes += chunk.length;
  }

  /** Ends the current file: its v2 root, and for hybrid the zeros of its pad file. */
  endFile(): void {
    if (this.#v2) {
      const hashes = this.#fileBytes > 0 ? this.#file!.digest() : undefined;
      this.#roots.push(hashes === undefined ? {} : { piecesRoot: hashes.piecesRoot, pieceLayer: hashes.pieceLayer });
    }
    this.#offset += this.#fileBytes;
    const gap = (this.#pieceLength - (this.#offset % this.#pieceLength)) % this.#pieceLength;
    if (this.#pad && this.#fileBytes > 0 && gap > 0) {
      this.#zeros ??= new Uint8Array(this.#pieceLength);
      this.#v1!.update(this.#zeros.subarray(0, gap));
      this.#offset += gap;
    }
    this.#file = undefined;
    this.#fileBytes = 0;
  }

  /**
   * @returns the v1 piece hashes (empty for v2-only) and, for v2 and hybrid, each file's root and
   *   piece layer in file order
   */
  digest(): { pieces: Uint8Array; files: readonly FileRoots[] } {
    return { pieces: this.#v1?.digest() ?? new Uint8Array(0), files: this.#roots };
  }
}
