/**
 * rxtorrent: a BitTorrent client, seeder and tracker as RxJS stream pipelines.
 * This entry re-exports the public API; see `rxtorrent/operators` and `rxtorrent/tracker` too.
 *
 * @module
 */
export * from './errors.js';
export { VERSION } from './version.js';
export { toHex, fromHex } from './protocol/bytes.js';
export * from './protocol/bencode/index.js';
export * from './protocol/metainfo/index.js';
export { readTorrent } from './streams/readTorrent.js';
export { createTorrent } from './streams/create/createTorrent.js';
export type { CreateTorrentConfig, CreateTorrentEvent } from './streams/create/createTorrent.js';
