import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { MetainfoError } from '../../src/errors.js';
import { download, parseMetainfo, seed } from '../../src/index.js';
import { filesOf, v2Torrent } from '../protocol/metainfo/v2Fixtures.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(MetainfoError);
    return (err as MetainfoError).code;
  }
}

describe('download / seed of v2-only torrents (until the session verifies v2 pieces)', () => {
  const t = parseMetainfo(v2Torrent(filesOf([['a.bin', 1000]])));

  it('refuse a v2-only torrent or magnet at once, with a typed error and no socket', async () => {
    expect(await codeOf(firstValueFrom(download(t, { host: '127.0.0.1', port: 0 })))).to.equal('ERR_METAINFO_V2_ONLY');
    expect(await codeOf(firstValueFrom(seed(t, { host: '127.0.0.1', port: 0, path: '/nonexistent' })))).to.equal('ERR_METAINFO_V2_ONLY');
    expect(await codeOf(firstValueFrom(download(`magnet:?xt=urn:btmh:1220${t.infoHashV2!}`, { host: '127.0.0.1', port: 0 })))).to.equal('ERR_METAINFO_V2_ONLY');
  });
});
