export { webSeedFileUrl } from './webSeedUrl.js';
export { firstRun, fileRangesOf } from './byteRuns.js';
export type { ByteRun, FileRange } from './byteRuns.js';
export { nextWebSeedStatus, parseRetryAfter, WEBSEED_ACTIVE, MAX_WEBSEED_FAILURES, WEBSEED_BACKOFF_MS, MAX_WEBSEED_BACKOFF_MS } from './webSeedStatus.js';
export type { WebSeedStatus, WebSeedOutcome } from './webSeedStatus.js';
