import { expect } from 'chai';
import { describeFields } from '../../src/cli/sessionView.js';
import { sessionStateOf } from '../ui/states.js';

describe('describeFields', () => {
  it('counts web seeds after the peers, and says how many were dropped', () => {
    const seed = { url: 'http://127.0.0.1:8080/', downloaded: 0, rate: 0, ignoresRange: false };
    expect(describeFields(sessionStateOf())).to.not.include.members(['0 web seeds']);
    const fields = describeFields(sessionStateOf({ webSeeds: [{ ...seed, status: 'active' }, { ...seed, status: 'dropped', reason: 'HTTP 404' }] }));
    expect(fields.slice(2, 4)).to.deep.equal(['1 peer', '2 web seeds (1 dropped)']);
  });
});
