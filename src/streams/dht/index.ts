export { createDht } from './createDht.js';
export type { Dht, DhtConfig } from './createDht.js';
export type { DhtAnnounceResult, DhtSearchEvent } from './searchAndAnnounce.js';
export type { DhtState } from './dhtNode.js';
export type { LookupEvent } from './runLookup.js';
export { loadDhtState, saveDhtState } from './stateFile.js';
export type { DhtSavedState } from './stateFile.js';
