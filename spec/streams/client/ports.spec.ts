import { expect } from 'chai';
import { firstValueFrom, type Subscription } from 'rxjs';
import { PeerError } from '../../../src/errors.js';
import { createClient, DEFAULT_PORTS } from '../../../src/streams/client/createClient.js';
import { listenForPeers } from '../../../src/streams/peer/index.js';
import { freePort } from '../../helpers/net.js';

describe('where a client listens', () => {
  const held: Subscription[] = [];
  afterEach(() => held.splice(0).forEach((s) => s.unsubscribe()));

  it('two clients with no port in one process both listen: the first free of 6881–6889 (or any free port), not a collision', async () => {
    const ports: number[] = [];
    for (const client of [createClient({ host: '127.0.0.1' }), createClient({ host: '127.0.0.1' })]) {
      const port = new Promise<number>((resolve, reject) => held.push(client.listening$.subscribe({ next: resolve, error: reject })));
      ports.push(await port);
    }
    expect(ports[0]).to.not.equal(ports[1]);
    for (const port of ports) expect(DEFAULT_PORTS.slice(0, -1).includes(port) || port > 1024).to.equal(true);
  });

  it('listenForPeers tries its candidates in order: a taken port is passed over; the last one taken fails with ERR_PEER_LISTEN_FAILED', async () => {
    const taken = await freePort();
    const free = await freePort();
    const lookup = () => undefined;
    await new Promise((listening) => held.push(listenForPeers({ host: '127.0.0.1', port: taken, lookup }).subscribe(listening)));
    const event = await firstValueFrom(listenForPeers({ host: '127.0.0.1', port: [taken, free], lookup }));
    expect(event).to.deep.equal({ type: 'listening', address: { host: '127.0.0.1', port: free } });
    const failed = await firstValueFrom(listenForPeers({ host: '127.0.0.1', port: [taken], lookup })).catch((err: unknown) => err);
    expect((failed as PeerError).code).to.equal('ERR_PEER_LISTEN_FAILED');
  });
});
