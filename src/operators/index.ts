/**
 * Pipeable RxJS operators (`rxtorrent/operators`), one per file, each a thin shell over a pure
 * core in `src/protocol`.
 *
 * RxJS types `pipe()` with up to nine operators (its overloads stop there): past nine, the
 * result is `Observable<unknown>`. Nest pipes instead (`a$.pipe(op1, …, op5).pipe(op6, …)`), as
 * `demo/pipeline.ts` does.
 *
 * @module
 */
export { frameMessages } from './frameMessages.js';
export { decodeMessages } from './decodeMessages.js';
export type { DecodedMessage, HandshakeMessage } from './decodeMessages.js';
export { encodeMessages } from './encodeMessages.js';
export { initialPeerWireState, nextPeerWireState, trackPeerState } from './trackPeerState.js';
export type { PeerWireState, ReadonlyBitfield, WireTraffic } from './trackPeerState.js';
export { DEFAULT_IDLE_MS, DEFAULT_KEEP_ALIVE_MS, keepAlive } from './keepAlive.js';
export type { KeepAliveConfig, WireActivity } from './keepAlive.js';
export { toSwarmEvents } from './toSwarmEvents.js';
export { swarmEventOf } from '../protocol/scheduler/index.js';
export { schedulePieces } from './schedulePieces.js';
export type { SchedulePiecesConfig } from './schedulePieces.js';
export { assemblePieces } from './assemblePieces.js';
export { verifyPieces } from './verifyPieces.js';
export { verifyPiecesConcurrently } from './verifyPiecesConcurrently.js';
export type { HashedPiece, VerifyPiecesConcurrentlyConfig } from './verifyPiecesConcurrently.js';
export { writePieces } from './writePieces.js';
export type { PieceSink, WritePiecesConfig } from './writePieces.js';
export { trackCompletion } from './trackCompletion.js';
export type { CompletionEvent, TrackCompletionConfig } from './trackCompletion.js';
export { dialPeers } from './dialPeers.js';
export type { DialCommand, DialPeersConfig } from './dialPeers.js';
export { serveBlocks } from './serveBlocks.js';
export type { ServeBlocksComponents, ServeBlocksConfig, ServeEvent, ServeOutcome } from './serveBlocks.js';
export { chokePeers, RECHOKE_INTERVAL_MS } from './chokePeers.js';
export type { ChokePeersConfig } from './chokePeers.js';
export { limitRate, DEFAULT_RATE_MAX_QUEUE } from './limitRate.js';
export type { LimitRateConfig } from './limitRate.js';
export type { SwarmEvent, SchedulerCommand, PeerKey, BlockRef } from '../protocol/scheduler/index.js';
export type { ReceivedBlock, AssembledPiece, PieceVerdict, PieceWritten } from '../protocol/pieces/index.js';
export type { ChokerEvent, ChokeCommand, PeerStats, ChokerMode } from '../protocol/choker/index.js';
