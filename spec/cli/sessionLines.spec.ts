import { expect } from 'chai';
import { join } from 'node:path';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { filesIdentical } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { runCli } from './run.js';
import { leecherArgs, makeSeededTorrent, PAYLOAD_BYTES } from './swarmFixture.js';

const SIZE = String.raw`\d+(?:\.\d)? (?:B|KiB|MiB|GiB)`;
/**
 * A plain (non-TTY) state line: name, percentage, status, bytes, rates, peers, ETA, pieces,
 * uploaded bytes and the trackers' word.
 */
const PLAIN_LINE = new RegExp(
  String.raw`^(?<name>\S+) (?<percent>\d+\.\d)% (?<status>starting|downloading|seeding|done) (?<have>${SIZE})/(?<length>${SIZE}) ` +
    String.raw`(?<down>${SIZE})/s↓ (?<up>${SIZE})/s↑ (?<peers>\d+) peers?(?: ETA (?<eta>\S+))? · (?<pieces>\d+)/(?<pieceCount>\d+) pieces · ` +
    String.raw`uploaded (?<uploaded>${SIZE})(?: · tracker (?<tracker>ok.*|failing: .*))?$`,
);

describe('rxtorrent download: the state lines (non-TTY and --json)', function () {
  this.timeout(90_000);
  const tmp = useTempDir({ prefix: 'rxt-lines-' });
  stopAllAfterEach();

  it('prints plain lines on a pipe (name, %, rates, peers, ETA, pieces, tracker), then "done"', async () => {
    const fixture = await makeSeededTorrent(tmp.path);
    const run = await runCli(leecherArgs(fixture, join(tmp.path, 'out')), { timeoutMs: 60_000 });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('');
    const all = run.stderr.trim().split('\n');
    expect(all.at(-1)).to.equal('done');
    // One line says where the finished download is.
    const saved = all.filter((l) => l.startsWith('a.bin: complete, saved to '));
    expect(saved).to.deep.equal([`a.bin: complete, saved to ${join(tmp.path, 'out', 'a.bin')}`]);
    const lines = all.filter((l) => !saved.includes(l));
    const states = lines.slice(0, -1).map((line) => {
      const match = PLAIN_LINE.exec(line);
      expect(match, `unparsed line: ${line}`).not.to.equal(null);
      return match?.groups as Record<string, string | undefined>;
    });
    expect(states.length).to.be.at.least(3);
    expect(states.every((s) => s['name'] === 'a.bin' && s['length'] === '3.0 MiB' && s['pieceCount'] === '96')).to.equal(true);
    const downloading = states.filter((s) => s['status'] === 'downloading');
    expect(downloading.length, 'lines while downloading').to.be.at.least(1);
    expect(downloading.every((s) => s['eta'] !== undefined && s['peers'] === '1' && s['down'] !== '0 B')).to.equal(true);
    const percents = states.map((s) => Number(s['percent']));
    expect(percents).to.deep.equal([...percents].sort((a, b) => a - b));
    expect(states.at(-1)).to.include({ status: 'done', percent: '100.0', have: '3.0 MiB', pieces: '96' });
    expect(states.at(-1)?.['tracker']).to.match(/^failing: .*ECONNREFUSED/);
    expect(await filesIdentical(fixture.payload, join(tmp.path, 'out', 'a.bin'))).to.equal(true);
  });

  it('--quiet prints only the line that says where the finished download is', async () => {
    const fixture = await makeSeededTorrent(tmp.path);
    const run = await runCli([...leecherArgs(fixture, join(tmp.path, 'out')), '--quiet'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('');
    expect(run.stderr.trim()).to.equal(`a.bin: complete, saved to ${join(tmp.path, 'out', 'a.bin')}`);
  });

  it('prints one JSON SessionState per line with --json on stdout, the last one done', async () => {
    const fixture = await makeSeededTorrent(tmp.path);
    const run = await runCli([...leecherArgs(fixture, join(tmp.path, 'out')), '--json'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr.trim()).to.equal('done');
    const states = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as SessionState);
    expect(states.length).to.be.at.least(3);
    for (const s of states) {
      expect(s).to.include.keys('infoHash', 'name', 'status', 'progress', 'length', 'left', 'downloaded', 'uploaded',
        'downloadRate', 'uploadRate', 'peers', 'trackers', 'pieceMap', 'pieceCount', 'piecesHave');
      expect(s.name).to.equal('a.bin');
      expect(s.length).to.equal(PAYLOAD_BYTES);
      expect(s.pieceMap).to.match(/^[hdpm]{96}$/);
    }
    const mid = states.find((s) => s.status === 'downloading' && s.progress > 0 && s.progress < 1);
    expect(mid, 'a state while downloading').not.to.equal(undefined);
    expect(mid?.eta).to.be.a('number');
    expect(mid?.downloadRate).to.be.above(0);
    // Rates in whole bytes/s, the ETA in tenths of a second: no float noise.
    expect(states.every((x) => Number.isInteger(x.downloadRate) && Number.isInteger(x.uploadRate) && (x.eta === undefined || Number.isInteger(x.eta * 10)))).to.equal(true);
    expect(mid?.peers[0]).to.include({ address: fixture.peer, client: 'rxtorrent 0.1.0', direction: 'outbound', amInterested: true });
    expect(mid?.pieceMap).to.match(/h/).and.to.match(/[mdp]/);
    const last = states.at(-1) as SessionState;
    expect(last).to.include({ status: 'done', progress: 1, left: 0, piecesHave: 96, downloaded: PAYLOAD_BYTES });
    expect(last.pieceMap).to.equal('h'.repeat(96));
    expect(last.trackers[0]).to.include({ url: 'http://127.0.0.1:1/announce', ok: false });
  });
});
