export { scanBencode, scanBencodePrefix, dictSpans, compareBytes, DEFAULT_MAX_BENCODE_BYTES, DEFAULT_MAX_BENCODE_DEPTH } from './scanner.js';
export type { Span, ScanLimits } from './scanner.js';
export { decodeBencode, encodeBencode } from './codec.js';
export type { BencodeValue, BencodeInput } from './codec.js';
