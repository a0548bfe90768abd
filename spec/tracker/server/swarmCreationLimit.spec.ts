import { expect } from 'chai';
import { TrackerError } from '../../../src/errors.js';
import { SwarmCreationLimit, sourceKeyOf } from '../../../src/tracker/server/swarmCreationLimit.js';

const T0 = 1_700_000_000_000;

describe('SwarmCreationLimit', () => {
  it('gives each source a burst, then its rate', () => {
    const limit = new SwarmCreationLimit({ newSwarmBurst: 3, newSwarmsPerSecond: 0.5 });
    for (let i = 0; i < 3; i++) {
      expect(limit.mayCreate('10.0.0.1', T0)).to.equal(true);
      limit.created('10.0.0.1', T0);
    }
    expect(limit.mayCreate('10.0.0.1', T0)).to.equal(false);
    expect(limit.mayCreate('10.0.0.2', T0), 'another source has its own budget').to.equal(true);
    expect(limit.mayCreate('10.0.0.1', T0 + 1999)).to.equal(false);
    expect(limit.mayCreate('10.0.0.1', T0 + 2000)).to.equal(true);
  });

  it('charges an IPv6 /64 as one source and an IPv4-mapped address as its IPv4 one', () => {
    expect(sourceKeyOf('2001:db8:1:2::7')).to.equal(sourceKeyOf('2001:db8:1:2:ffff::8'));
    expect(sourceKeyOf('2001:db8:1:2::7')).not.to.equal(sourceKeyOf('2001:db8:1:3::7'));
    expect(sourceKeyOf('::ffff:10.0.0.1')).to.equal('10.0.0.1');
    const limit = new SwarmCreationLimit({ newSwarmBurst: 1 });
    limit.created('2001:db8:1:2::7', T0);
    expect(limit.mayCreate('2001:db8:1:2::99', T0)).to.equal(false);
  });

  it('remembers at most maxSources sources, forgetting the longest unseen', () => {
    const limit = new SwarmCreationLimit({ newSwarmBurst: 1, maxSources: 2 });
    limit.created('10.0.0.1', T0);
    limit.created('10.0.0.2', T0);
    limit.created('10.0.0.3', T0);
    expect(limit.size).to.equal(2);
    expect(limit.mayCreate('10.0.0.3', T0)).to.equal(false);
  });

  it('is off with an infinite rate, and refuses a bad config', () => {
    const off = new SwarmCreationLimit({ newSwarmsPerSecond: Infinity, newSwarmBurst: 1 });
    for (let i = 0; i < 100; i++) off.created('10.0.0.1', T0);
    expect(off.mayCreate('10.0.0.1', T0)).to.equal(true);
    for (const bad of [{ newSwarmsPerSecond: 0 }, { newSwarmBurst: 0 }, { maxSources: 0.5 }]) {
      expect(() => new SwarmCreationLimit(bad)).to.throw(TrackerError).with.property('code', 'ERR_TRACKER_BAD_CONFIG');
    }
  });
});
