import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
// ts-node comes from the root package; bench/ has no TypeScript toolchain of its own.
register('ts-node/esm', pathToFileURL('./bench/'));
