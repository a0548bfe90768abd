import { expect } from 'chai';
import http from 'node:http';
import { UiError } from '../../../src/errors.js';
import type { Torrent } from '../../../src/protocol/metainfo/index.js';
import type { TorrentHandle } from '../../../src/streams/client/torrentHandle.js';
import { createStreamApp, createStreamServer, type StreamServer } from '../../../src/ui/index.js';
import { until } from '../../helpers/until.js';
import { gatedDownload, PIECE, seedingHandle, streamTorrent } from './streamFixture.js';

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request over node:http (fetch cannot set Host or send raw headers). */
function request(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createStreamServer (HTTP with Range over a torrent handle)', function () {
  this.timeout(20_000);
  let torrent: Torrent;
  let data: Uint8Array;
  let seeding: TorrentHandle;
  let server: StreamServer;
  const fileBytes = (index: number, start = 0, end?: number): Buffer => {
    const f = torrent.files[index]!;
    return Buffer.from(data.subarray(f.offset + start, f.offset + (end ?? f.length)));
  };

  before(async () => {
    ({ torrent, data } = streamTorrent());
    seeding = await seedingHandle(torrent, data);
    server = await createStreamServer(seeding);
  });
  after(async () => {
    await server.close();
    seeding.stop();
  });

  it('listens on 127.0.0.1; the index lists every file with its URL (HTML and JSON)', async () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const json = JSON.parse((await request(new URL('index.json', server.url).href)).body.toString());
    expect(json.torrents).to.have.length(1);
    expect(json.torrents[0]).to.include({ infoHash: torrent.infoHash, name: 'films' });
    expect(json.torrents[0].files.map((f: { index: number; path: string; length: number }) => [f.index, f.path, f.length])).to.deep.equal([
      [0, 'films/film.webm', 20 * PIECE + PIECE / 2], [1, 'films/notes.txt', 1000], [2, 'films/empty.bin', 0], [3, 'films/page.html', 300],
    ]);
    const html = await request(server.url);
    expect(html.headers['content-type']).to.match(/^text\/html/);
    expect(html.body.toString()).to.include(`href="/${torrent.infoHash}/0/film.webm"`);
  });

  it('a whole file: 200, Accept-Ranges, Content-Type from the extension, the exact bytes', async () => {
    const whole = await request(server.fileUrl(torrent.infoHash, 0, 'film.webm'));
    expect(whole.status).to.equal(200);
    expect(whole.headers).to.include({ 'accept-ranges': 'bytes', 'content-type': 'video/webm', 'content-length': String(fileBytes(0).length) });
    expect(whole.body.equals(fileBytes(0))).to.equal(true);
    const notes = await request(server.fileUrl(torrent.infoHash, 1));
    expect(notes.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(notes.body.equals(fileBytes(1))).to.equal(true);
    const page = await request(server.fileUrl(torrent.infoHash, 3));
    expect(page.headers, 'a torrent\'s HTML never runs as our page').to.include({ 'content-type': 'application/octet-stream', 'content-security-policy': 'sandbox', 'x-content-type-options': 'nosniff' });
    const empty = await request(server.fileUrl(torrent.infoHash, 2));
    expect([empty.status, empty.body.length]).to.deep.equal([200, 0]);
  });

  it('ranges: first-last across pieces, open-ended, suffix, clamped last byte → 206 with Content-Range', async () => {
    const length = fileBytes(0).length;
    const cases: [string, number, number][] = [
      ['bytes=100-199', 100, 200],
      [`bytes=${PIECE - 10}-${3 * PIECE + 9}`, PIECE - 10, 3 * PIECE + 10],
      [`bytes=${length - 5}-`, length - 5, length],
      ['bytes=-300', length - 300, length],
      [`bytes=-${length * 4}`, 0, length],
      [`bytes=10-${length * 1000}`, 10, length],
      ['bytes=0-0', 0, 1],
    ];
    for (const [range, start, end] of cases) {
      const reply = await request(server.fileUrl(torrent.infoHash, 0), { headers: { Range: range } });
      expect(reply.status, range).to.equal(206);
      expect(reply.headers['content-range'], range).to.equal(`bytes ${start}-${end - 1}/${length}`);
      expect(reply.headers['content-length'], range).to.equal(String(end - start));
      expect(reply.body.equals(fileBytes(0, start, end)), range).to.equal(true);
    }
  });

  it('unsatisfiable and malformed ranges → 416 with Content-Range: bytes */length; another unit or several ranges → 200', async () => {
    const length = fileBytes(0).length;
    for (const range of [`bytes=${length}-`, `bytes=${length + 5}-${length + 9}`, 'bytes=-0', 'bytes=9-3', 'bytes=abc', 'bytes=1-2-3', 'bytes=--1', `bytes=0-${'9'.repeat(30)}`, `bytes=${'1'.repeat(300)}-`, 'bytes 0-1']) {
      const reply = await request(server.fileUrl(torrent.infoHash, 0), { headers: { Range: range } });
      expect(reply.status, range).to.equal(416);
      expect(reply.headers['content-range'], range).to.equal(`bytes */${length}`);
    }
    const empty = await request(server.fileUrl(torrent.infoHash, 2), { headers: { Range: 'bytes=0-' } });
    expect(empty.status, 'nothing to send of an empty file').to.equal(416);
    for (const range of ['items=0-5', 'bytes=0-1,5-9']) {
      const reply = await request(server.fileUrl(torrent.infoHash, 1), { headers: { Range: range } });
      expect([reply.status, reply.body.length], range).to.deep.equal([200, 1000]);
    }
    const ifRange = await request(server.fileUrl(torrent.infoHash, 1), { headers: { Range: 'bytes=0-9', 'If-Range': '"x"' } });
    expect(ifRange.status, 'If-Range we cannot validate: the whole file').to.equal(200);
  });

  it('HEAD: the headers of a GET, no body; other methods 405; unknown torrents and files 404', async () => {
    const head = await request(server.fileUrl(torrent.infoHash, 0), { method: 'HEAD', headers: { Range: 'bytes=-100' } });
    expect(head.status).to.equal(206);
    expect(head.headers).to.include({ 'content-length': '100', 'accept-ranges': 'bytes' });
    expect(head.body.length).to.equal(0);
    const post = await request(server.fileUrl(torrent.infoHash, 0), { method: 'POST' });
    expect([post.status, post.headers.allow]).to.deep.equal([405, 'GET, HEAD']);
    for (const path of [`${torrent.infoHash}/9`, `${'0'.repeat(40)}/0`, `${torrent.infoHash}/-1`, `${torrent.infoHash}/99999999`, 'x/0', `${torrent.infoHash}/0/a/b`, '../etc/passwd']) {
      expect((await request(new URL(path, server.url).href)).status, path).to.equal(404);
    }
  });

  it('a Host that is not an IP or localhost is refused (DNS rebinding): 403', async () => {
    expect((await request(server.url, { headers: { Host: 'evil.example:80' } })).status).to.equal(403);
    expect((await request(server.url, { headers: { Host: `localhost:${server.port}` } })).status).to.equal(200);
  });

  it('refuses a maxStreams below 1 at once', () => {
    expect(() => createStreamApp(seeding, { maxStreams: 0 })).to.throw(UiError).with.property('code', 'ERR_UI_INVALID_ARGUMENT');
  });
});

describe('createStreamServer over a torrent still downloading', function () {
  this.timeout(20_000);
  let server: StreamServer | undefined;
  let stop: (() => void) | undefined;
  afterEach(async () => {
    await server?.close();
    stop?.();
  });

  it('streams each piece as soon as it is verified, the read position\'s pieces asked for first', async () => {
    const { torrent, data } = streamTorrent();
    const download = gatedDownload(torrent, data);
    stop = () => download.handle.stop();
    server = await createStreamServer(download.handle);
    const start = 10 * PIECE + 5;
    const got: Buffer[] = [];
    let status = 0;
    let ended = false;
    http.get(server.fileUrl(torrent.infoHash, 0), { headers: { Range: `bytes=${start}-${13 * PIECE - 1}` } }, (res) => {
      status = res.statusCode!;
      res.on('data', (c: Buffer) => got.push(c));
      res.on('end', () => (ended = true));
    }).on('error', () => undefined);
    await until(() => download.control.readers.length === 1);
    download.unchoke();
    await until(() => download.requested().length > 0);
    // Ahead of the read go first: piece 10 (where it starts), then 11, 12.
    expect(download.requested()[0]).to.equal(10);
    download.release([10]);
    await until(() => Buffer.concat(got).length === PIECE - 5);
    expect(status).to.equal(206);
    download.release([12]);
    await new Promise((r) => setTimeout(r, 100));
    expect(Buffer.concat(got).length, 'piece 12 waits for piece 11: bytes go out in order').to.equal(PIECE - 5);
    download.release([11]);
    await until(() => ended);
    expect(Buffer.concat(got).equals(Buffer.from(data.subarray(start, 13 * PIECE)))).to.equal(true);
  });

  it('a client that hangs up mid-wait ends its read at once (no reader left steering the download)', async () => {
    const { torrent, data } = streamTorrent();
    const download = gatedDownload(torrent, data);
    stop = () => download.handle.stop();
    server = await createStreamServer(download.handle);
    const req = http.get(server.fileUrl(torrent.infoHash, 0), { headers: { Range: `bytes=${5 * PIECE}-` } }, (res) => res.resume());
    req.on('error', () => undefined);
    await until(() => download.control.readers.length === 1);
    expect(download.control.readers[0]!.position).to.equal(5 * PIECE);
    req.destroy();
    await until(() => download.control.readers.length === 0, 2000);
  });

  it('more than maxStreams requests at once → 503 with Retry-After; room again once one ends', async () => {
    const { torrent, data } = streamTorrent();
    const download = gatedDownload(torrent, data);
    stop = () => download.handle.stop();
    server = await createStreamServer(download.handle, { maxStreams: 2 });
    const waiting = [0, 1].map((i) => {
      const req = http.get(server!.fileUrl(torrent.infoHash, 0), { headers: { Range: `bytes=${(i + 2) * PIECE}-` } }, (res) => res.resume());
      req.on('error', () => undefined);
      return req;
    });
    await until(() => download.control.readers.length === 2);
    const third = await request(server.fileUrl(torrent.infoHash, 1));
    expect([third.status, third.headers['retry-after']]).to.deep.equal([503, '1']);
    waiting[0]!.destroy();
    await until(() => download.control.readers.length === 1);
    download.unchoke();
    download.release(Array.from({ length: torrent.pieceCount }, (_, i) => i));
    const fourth = await request(server.fileUrl(torrent.infoHash, 1));
    expect(fourth.status).to.equal(200);
    waiting[1]!.destroy();
  });
});
