export type { PieceStorage } from './pieceStorage.js';
export { openFileStorage } from './fileStorage.js';
export type { FileState, FileStorage, FileStorageConfig } from './fileStorage.js';
export { memoryStorage } from './memoryStorage.js';
export type { MemoryStorage } from './memoryStorage.js';
export { cachedReader, READ_WINDOW_BYTES, DEFAULT_READ_CACHE_BYTES } from './readCache.js';
export { readResumeRecord, writeResumeRecord, resumePathOf, resumeMatches } from './resumeRecord.js';
export type { ResumeRecord } from './resumeRecord.js';
