import { expect } from 'chai';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultDhtStateFile, dhtConfig, PUBLIC_DHT_ROUTERS } from '../../src/cli/dhtOptions.js';
import { UsageError } from '../../src/cli/usageError.js';

describe('dhtConfig (--dht, --dht-bootstrap, --dht-state)', () => {
  const env = { XDG_STATE_HOME: '/srv/state' };

  it('off unless --dht or --dht-bootstrap', () => {
    expect(dhtConfig({}, env)).to.equal(undefined);
  });

  it('--dht joins through the public routers; the table lives in the user\'s state folder', () => {
    expect(dhtConfig({ dht: true }, env)).to.deep.equal({ bootstrap: PUBLIC_DHT_ROUTERS, stateFile: '/srv/state/rxtorrent/dht.json' });
    // Parsed only: no spec contacts them (the CLI and interop specs pass loopback bootstrap nodes).
    expect(PUBLIC_DHT_ROUTERS).to.have.length(4);
  });

  it('--dht-bootstrap takes HOST:PORT[,…] instead (names too); --dht-state moves the table', () => {
    expect(dhtConfig({ dhtBootstrap: '127.0.0.1:6881, localhost:7000', dhtState: '/tmp/x.json' }, env))
      .to.deep.equal({ bootstrap: ['127.0.0.1:6881', 'localhost:7000'], stateFile: '/tmp/x.json' });
  });

  it('state folder: XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultDhtStateFile({})).to.equal(join(homedir(), '.local', 'state', 'rxtorrent', 'dht.json'));
    expect(defaultDhtStateFile({ XDG_STATE_HOME: '' })).to.equal(join(homedir(), '.local', 'state', 'rxtorrent', 'dht.json'));
  });

  it('refuses a node without a port, an empty list entry, too many nodes, and --dht-state alone', () => {
    for (const flags of [{ dhtBootstrap: '127.0.0.1' }, { dhtBootstrap: '127.0.0.1:1,' }, { dhtBootstrap: Array(65).fill('127.0.0.1:1').join(',') }, { dhtState: 'x' }]) {
      expect(() => dhtConfig(flags, env), JSON.stringify(flags).slice(0, 60)).to.throw(UsageError);
    }
  });
});
