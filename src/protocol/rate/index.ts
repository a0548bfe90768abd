export { TokenBucket } from './tokenBucket.js';
export type { TokenBucketConfig, TokenClaim } from './tokenBucket.js';
export { LimiterChain, takeAll, timeUntilAll } from './limiterChain.js';
