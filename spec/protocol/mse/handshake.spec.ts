import { expect } from 'chai';
import fc from 'fast-check';
import { MseError } from '../../../src/errors.js';
import {
  CRYPTO_BITS, DH_KEY_BYTES, MSE_PRIME, Rc4, RC4_DISCARD_BYTES, dhKeyPair, dhSecret, mseHash, type CryptoMethod,
} from '../../../src/protocol/mse/index.js';
import { codeOf } from '../../helpers/errors.js';
import { SKEY, feed, initiator, join, responder, seededBytes } from './mseFixtures.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Runs a whole handshake, each direction cut at `cuts`. */
function pair(a: readonly CryptoMethod[], b: readonly CryptoMethod[], cuts: readonly number[] = []) {
  const init = initiator(a);
  const resp = responder(b);
  const one = join(init.start());
  const two = feed(resp, one, cuts);
  const three = feed(init, two.send, cuts);
  const four = feed(resp, three.send, cuts);
  const five = feed(init, four.send, cuts);
  return { init: five.done, resp: four.done };
}

/** A hand-made initiator that writes step 3 with any fields, to test the responder's checks. */
function craftStep3(fields: { vc?: Uint8Array; provide?: number; padLength?: number; skey?: Uint8Array; ia?: Uint8Array }) {
  const random = seededBytes(9);
  const ours = dhKeyPair(random(20));
  const resp = responder(['rc4', 'plaintext']);
  const step2 = feed(resp, ours.publicKey).send;
  const secret = dhSecret(ours.x, step2.subarray(0, DH_KEY_BYTES));
  const skey = fields.skey ?? SKEY;
  const rc4 = new Rc4(mseHash('keyA', secret, skey), RC4_DISCARD_BYTES);
  const padLength = fields.padLength ?? 3;
  const ia = fields.ia ?? new Uint8Array(0);
  const header = new Uint8Array(8 + 4 + 2 + Math.min(padLength, 600) + 2 + ia.length);
  header.set(fields.vc ?? new Uint8Array(8));
  const view = new DataView(header.buffer);
  view.setUint32(8, fields.provide ?? CRYPTO_BITS.rc4, false);
  view.setUint16(12, padLength, false);
  view.setUint16(14 + Math.min(padLength, 600), ia.length, false);
  header.set(ia, 16 + Math.min(padLength, 600));
  const req2 = mseHash('req2', skey).map((b, i) => b ^ mseHash('req3', secret)[i]!);
  return () => resp.write(join([mseHash('req1', secret), req2, rc4.copy(header)]));
}

describe('MSE handshake (protocol/mse)', () => {
  describe('Rc4', () => {
    it('matches the published test vectors', () => {
      const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
      expect(hex(new Rc4(text('Key')).copy(text('Plaintext')))).to.equal('bbf316e8d940af0ad3');
      expect(hex(new Rc4(text('Wiki')).copy(text('pedia')))).to.equal('1021bf0420');
      expect(hex(new Rc4(text('Secret')).copy(text('Attack at dawn')))).to.equal('45a01f645fc35b383552544b9bf5');
    });

    it('continues its stream across calls, copying or in place', () => {
      const data = seededBytes(3)(5000);
      const whole = new Rc4(SKEY, 1024).copy(data);
      const split = new Rc4(SKEY, 1024);
      const first = split.copy(data.subarray(0, 1234));
      const second = split.inPlace(data.slice(1234));
      expect(join([first, second])).to.deep.equal(whole);
    });
    it('gives the same bytes word-at-a-time as the plain byte loop, at any offset and length (property)', () => {
      const reference = (key: Uint8Array, data: Uint8Array): Uint8Array => {
        const st = Uint8Array.from({ length: 256 }, (_, i) => i);
        for (let i = 0, j = 0; i < 256; i++) {
          j = (j + st[i]! + key[i % key.length]!) & 255;
          [st[i], st[j]] = [st[j]!, st[i]!];
        }
        const out = new Uint8Array(data.length);
        for (let k = 0, i = 0, j = 0; k < data.length; k++) {
          i = (i + 1) & 255;
          j = (j + st[i]!) & 255;
          [st[i], st[j]] = [st[j]!, st[i]!];
          out[k] = data[k]! ^ st[(st[i]! + st[j]!) & 255]!;
        }
        return out;
      };
      fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 7 }), fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 4 }), (key, offset, lengths) => {
        const total = lengths.reduce((a, b) => a + b, 0);
        const data = seededBytes(offset + total)(offset + total + 8).subarray(offset, offset + total);
        const expected = reference(key, data);
        const rc4 = new Rc4(key);
        const parts: Uint8Array[] = [];
        let at = 0;
        for (const [n, length] of lengths.entries()) {
          const part = data.subarray(at, at + length);
          parts.push(n % 2 === 0 ? rc4.copy(part) : rc4.inPlace(part));
          at += length;
        }
        return Buffer.from(join(parts)).equals(Buffer.from(expected));
      }), { numRuns: 200 });
    });
  });

  describe('Diffie-Hellman', () => {
    it('agrees on one 96-byte secret', () => {
      const random = seededBytes(4);
      const a = dhKeyPair(random(20));
      const b = dhKeyPair(random(20));
      expect(a.publicKey.length).to.equal(DH_KEY_BYTES);
      expect(dhSecret(a.x, b.publicKey)).to.deep.equal(dhSecret(b.x, a.publicKey));
    });

    it('refuses public values 0, 1, P − 1 and above P', () => {
      const x = dhKeyPair(seededBytes(5)(20)).x;
      const bytes = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(192, '0'), 'hex'));
      for (const y of [0n, 1n, MSE_PRIME - 1n, MSE_PRIME, 2n ** 768n - 1n]) expect(codeOf(() => dhSecret(x, bytes(y)), MseError)).to.equal('ERR_MSE_BAD_KEY');
    });
  });

  describe('both sides', () => {
    for (const [a, b, method] of [
      [['rc4', 'plaintext'], ['rc4', 'plaintext'], 'rc4'],
      [['rc4', 'plaintext'], ['plaintext', 'rc4'], 'plaintext'],
      [['rc4'], ['plaintext', 'rc4'], 'rc4'],
      [['plaintext'], ['rc4', 'plaintext'], 'plaintext'],
    ] as const) {
      it(`agree on ${method} when the initiator offers ${a.join('+')} and the responder prefers ${b.join(' > ')}`, () => {
        const { init, resp } = pair(a, b);
        expect(init?.method).to.equal(method);
        expect(resp?.method).to.equal(method);
        expect(resp?.skey).to.deep.equal(SKEY);
        const message = text('BitTorrent protocol');
        expect(resp!.decrypt.copy(init!.encrypt.copy(message))).to.deep.equal(message);
        expect(init!.decrypt.copy(resp!.encrypt.copy(message))).to.deep.equal(message);
      });
    }

    it('agree however the bytes are cut (property)', () => {
      fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 6 }), (cuts) => {
        const { init, resp } = pair(['rc4', 'plaintext'], ['rc4'], cuts);
        return init?.method === 'rc4' && resp?.method === 'rc4';
      }), { numRuns: 40 });
    });

    it('hands payload that came with the last step to the caller, decrypted', () => {
      const init = initiator(['rc4']);
      const resp = responder(['rc4']);
      const two = feed(resp, join(init.start())).send;
      const three = feed(init, two).send;
      const four = feed(resp, three);
      const payload = text('hello after the handshake');
      const five = feed(init, join([four.send, four.done!.encrypt.copy(payload)]));
      expect(five.done?.payload).to.deep.equal(payload);
    });

    it('refuses to go on once done', () => {
      const init = initiator(['rc4']);
      const resp = responder(['rc4']);
      const three = feed(init, feed(resp, join(init.start())).send).send;
      feed(init, feed(resp, three).send);
      expect(codeOf(() => init.write(Uint8Array.of(1)), MseError)).to.equal('ERR_MSE_INVALID_ARGUMENT');
    });
  });

  describe('the responder refuses', () => {
    it('garbage: no req1 within the 532-byte window', () => {
      const resp = responder(['rc4']);
      const garbage = seededBytes(6)(DH_KEY_BYTES + 512 + 19);
      expect(feed(resp, garbage).done).to.equal(undefined);
      expect(codeOf(() => resp.write(Uint8Array.of(1)), MseError)).to.equal('ERR_MSE_SYNC_NOT_FOUND');
    });

    it('a torrent it does not serve', () => {
      expect(codeOf(craftStep3({ skey: new Uint8Array(20).fill(1) }), MseError)).to.equal('ERR_MSE_UNKNOWN_SKEY');
    });

    it('a verification constant that is not zero', () => {
      expect(codeOf(craftStep3({ vc: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) }), MseError)).to.equal('ERR_MSE_BAD_VC');
    });

    it('a padding longer than 512 bytes', () => {
      expect(codeOf(craftStep3({ padLength: 513 }), MseError)).to.equal('ERR_MSE_BAD_PAD');
      expect(codeOf(craftStep3({ padLength: 0xffff }), MseError)).to.equal('ERR_MSE_BAD_PAD');
      expect(codeOf(craftStep3({ padLength: 512 }), MseError)).to.equal(undefined);
    });

    it('an offer with no method it allows', () => {
      expect(codeOf(craftStep3({ provide: 0 }), MseError)).to.equal('ERR_MSE_NO_COMMON_METHOD');
      expect(codeOf(craftStep3({ provide: 0x04 }), MseError)).to.equal('ERR_MSE_NO_COMMON_METHOD');
    });

    it('returns the initial payload (IA) decrypted', () => {
      const step = craftStep3({ ia: text('IA bytes') })();
      expect(step.done?.payload).to.deep.equal(text('IA bytes'));
    });
  });

  describe('the initiator refuses', () => {
    it('garbage: no encrypted VC within 512 bytes of padding', () => {
      const init = initiator(['rc4']);
      const resp = responder(['rc4']);
      const yb = feed(resp, join(init.start())).send.subarray(0, DH_KEY_BYTES);
      expect(feed(init, join([yb, seededBytes(7)(512 + 7)])).done).to.equal(undefined);
      expect(codeOf(() => init.write(Uint8Array.of(0)), MseError)).to.equal('ERR_MSE_SYNC_NOT_FOUND');
    });

    it('a selected method it did not offer', () => {
      const init = initiator(['rc4']);
      const ya = join(init.start()).subarray(0, DH_KEY_BYTES);
      const ours = dhKeyPair(seededBytes(8)(20));
      const secret = dhSecret(ours.x, ya);
      const reply = new Uint8Array(14);
      new DataView(reply.buffer).setUint32(8, CRYPTO_BITS.plaintext, false);
      const rc4 = new Rc4(mseHash('keyB', secret, SKEY), RC4_DISCARD_BYTES);
      expect(codeOf(() => feed(init, join([ours.publicKey, rc4.copy(reply)])), MseError)).to.equal('ERR_MSE_BAD_SELECT');
    });
  });

  it('programmer errors throw at once', () => {
    expect(codeOf(() => initiator([]), MseError)).to.equal('ERR_MSE_INVALID_ARGUMENT');
  });
});
