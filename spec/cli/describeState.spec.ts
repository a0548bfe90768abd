import { expect } from 'chai';
import { describeFields, describeState } from '../../src/cli/sessionView.js';
import { sessionStateOf } from '../ui/states.js';

describe('describeState / describeFields (the CLI\'s progress line)', () => {
  const dht = { nodes: 12, lookups: 1, searching: false, lastLookupAt: 0, peersFound: 3, announcedTo: 8 };

  it('names the DHT beside the trackers: nodes and peers found, searching before the first lookup ends, or why it failed', () => {
    expect(describeState(sessionStateOf({ dht }))).to.match(/ · tracker ok \(1 seeder, 1 leecher\) · DHT 12 nodes, 3 peers found$/);
    expect(describeState(sessionStateOf({ dht: { ...dht, lookups: 0 } }))).to.match(/ · DHT 12 nodes, searching…$/);
    expect(describeState(sessionStateOf({ dht: { ...dht, error: 'bind EADDRINUSE' } }))).to.match(/ · DHT failed: bind EADDRINUSE$/);
    expect(describeFields(sessionStateOf({ dht })).at(-1)).to.equal('DHT 12 nodes, 3 peers found');
    expect(describeState(sessionStateOf({ status: 'metadata', metadata: 0, peers: [], dht }))).to.equal('fetching metadata 0% from 0 peers · DHT 12 nodes, 3 peers found');
  });

  it('with no peer, says why the last dial failed (it is retried)', () => {
    const lastDialFailure = { address: '127.0.0.8:42420', message: 'the peer closed the connection 0 bytes into the handshake', at: 0 };
    expect(describeState(sessionStateOf({ peers: [], lastDialFailure }))).to.include('0 peers (dialling 127.0.0.8:42420: the peer closed the connection 0 bytes into the handshake; retrying)');
    expect(describeState(sessionStateOf({ lastDialFailure })), 'with peers, the count only').to.include(' 1 peer ');
  });
});
