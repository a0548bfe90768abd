import { expect } from 'chai';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { greetingMessages, ourExtensions } from '../../../src/streams/peer/greeting.js';
import type { TorrentPeerOptions } from '../../../src/streams/peer/index.js';

describe('greetingMessages (what follows the handshakes)', () => {
  const had = (count: number): Bitfield => {
    const b = new Bitfield(4);
    for (let i = 0; i < count; i++) b.set(i);
    return b;
  };
  const options = (o: Partial<TorrentPeerOptions> & { have?: number } = {}): TorrentPeerOptions => ({
    peerId: new Uint8Array(20), bitfield: () => had(o.have ?? 0), ...o,
  });
  const all = { extended: true, fast: true, dht: true, v2: false };
  const types = (o: TorrentPeerOptions, remote = all): string[] => greetingMessages(o, remote).map((m) => m.type);

  it('have-none / have-all with the fast extension, else a bitfield, else nothing', () => {
    expect(types(options({ extensions: { extended: false } }))).to.deep.equal(['have-none']);
    expect(types(options({ have: 4, extensions: { extended: false } }))).to.deep.equal(['have-all']);
    expect(types(options({ have: 2, extensions: { extended: false } }))).to.deep.equal(['bitfield']);
    expect(types(options({ extensions: { extended: false, fast: false } }))).to.deep.equal([]);
  });

  it('the DHT bit only when asked for; a PORT message when both set it and our DHT is bound (BEP 5)', () => {
    expect(ourExtensions(options()).dht).to.equal(false);
    const withDht = options({ extensions: { dht: true }, dhtPort: () => 6999 });
    expect(ourExtensions(withDht).dht).to.equal(true);
    expect(greetingMessages(withDht, all).at(-1)).to.deep.equal({ type: 'port', port: 6999 });
    expect(types(withDht, { ...all, dht: false })).to.not.include('port');
    expect(types(options({ extensions: { dht: true }, dhtPort: () => undefined }))).to.not.include('port');
    expect(types(options({ dhtPort: () => 6999 })), 'no DHT bit of ours, no PORT').to.not.include('port');
  });
});
