/**
 * Pipeable RxJS operators (`rxtorrent/operators`), one per file.
 *
 * @module
 */
export {};
