export type { PeerKey, BlockRef, SwarmEvent, SchedulerCommand } from './events.js';
export { PieceScheduler } from './pieceScheduler.js';
export { swarmEventOf } from './fromWireMessage.js';
export type { PieceSchedulerConfig } from './pieceScheduler.js';
export type { PipelineConfig } from './peerSlot.js';
