export { Choker, NEW_PEER_WEIGHT } from './choker.js';
export type { ChokeDecisions, ChokerConfig, ChokerMode, PeerStats } from './choker.js';
export { chokerEventOf } from './events.js';
export type { ChokeCommand, ChokerEvent } from './events.js';
export { leechingOrder, seedingOrder } from './rank.js';
export type { Candidate } from './rank.js';
export { drawWeighted } from './drawWeighted.js';
