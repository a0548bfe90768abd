export { scanBencode, scanBencodePrefix, dictSpans, dictEntries, stringAt, compareBytes, DEFAULT_MAX_BENCODE_BYTES, DEFAULT_MAX_BENCODE_DEPTH } from './scanner.js';
export type { Span, ScanLimits, DictEntry } from './scanner.js';
export { decodeBencode, encodeBencode, encodeRawDict } from './codec.js';
export type { BencodeValue, BencodeInput } from './codec.js';
