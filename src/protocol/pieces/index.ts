export type { ReceivedBlock, AssembledPiece, PieceVerdict, PieceWritten } from './types.js';
export { PieceAssembler } from './pieceAssembler.js';
export type { PieceGeometry } from './pieceAssembler.js';
