import { expect } from 'chai';
import { addressClassOf, mayDialLearned, MIN_LEARNED_PORT } from '../../../src/protocol/swarm/addressClass.js';

describe('addressClass: what a peer may make us dial (BEP 11)', () => {
  const table: [string, ReturnType<typeof addressClassOf>][] = [
    ['8.8.8.8', 'public'], ['127.0.0.1', 'loopback'], ['127.9.9.9', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.32.0.1', 'public'], ['192.168.0.7', 'private'], ['100.64.0.1', 'private'],
    ['fd00::1', 'private'], ['169.254.1.1', 'link-local'], ['fe80::1', 'link-local'], ['0.0.0.0', 'unusable'], ['224.0.0.1', 'unusable'],
    ['255.255.255.255', 'unusable'], ['ff02::1', 'unusable'], ['::', 'unusable'], ['2001:db8::1', 'public'], ['tracker.example', 'public'],
  ];
  for (const [host, kind] of table) it(`${host} is ${kind}`, () => expect(addressClassOf(host)).to.equal(kind));

  it('learned addresses: public ones, and those in a class the torrent\'s own peers are in; never privileged ports or unusable ones', () => {
    const onlyPublic = new Set<'public'>(['public']);
    expect(mayDialLearned({ host: '8.8.8.8', port: 6881 }, onlyPublic)).to.equal(true);
    expect(mayDialLearned({ host: '127.0.0.1', port: 6881 }, onlyPublic), 'loopback named by a remote peer').to.equal(false);
    expect(mayDialLearned({ host: '192.168.1.1', port: 6881 }, onlyPublic)).to.equal(false);
    expect(mayDialLearned({ host: '192.168.1.1', port: 6881 }, new Set(['private']))).to.equal(true);
    expect(mayDialLearned({ host: '8.8.8.8', port: 22 }, onlyPublic)).to.equal(false);
    expect(mayDialLearned({ host: '8.8.8.8', port: MIN_LEARNED_PORT }, onlyPublic)).to.equal(true);
    expect(mayDialLearned({ host: '8.8.8.8', port: 22 }, onlyPublic, 1)).to.equal(true);
    expect(mayDialLearned({ host: '224.0.0.1', port: 6881 }, new Set(['unusable']))).to.equal(false);
  });
});
