export type { ReceivedBlock, AssembledPiece, PieceVerdict, PieceWritten } from './types.js';
export { PieceAssembler } from './pieceAssembler.js';
export type { IncrementalHash, PieceGeometry } from './pieceAssembler.js';
