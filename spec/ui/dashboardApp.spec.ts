import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Script } from 'node:vm';
import type Koa from 'koa';
import { defer, ReplaySubject, Subject } from 'rxjs';
import { UiError } from '../../src/errors.js';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { createTrackerApp } from '../../src/tracker/server/createTrackerApp.js';
import { createDashboardApp, DASHBOARD_RATE_SAMPLES, pollTrackerStats, type DashboardState } from '../../src/ui/index.js';
import { openSse } from './sseClient.js';
import { sessionStateOf } from './states.js';

async function listen(app: Koa): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

describe('createDashboardApp (koa app: page + event stream)', function () {
  this.timeout(20_000);

  it('serves the page, its script and style from the package, under a strict CSP', async () => {
    const server = await listen(createDashboardApp(new Subject<SessionState>(), { title: 'my <swarm>' }));
    try {
      const page = await fetch(server.url);
      const html = await page.text();
      expect(page.headers.get('content-type')).to.match(/^text\/html/);
      expect(page.headers.get('content-security-policy')).to.include("default-src 'none'").and.include("connect-src 'self'");
      expect(html).to.include('<title>my &#60;swarm&#62;</title>').and.include('src="dashboard.js"').and.include('id="rates"');
      expect(html, 'nothing from elsewhere').not.to.match(/(src|href)="(https?:)?\/\//);
      const script = await (await fetch(new URL('dashboard.js', server.url))).text();
      expect(() => new Script(script, { filename: 'dashboard.js' })).not.to.throw();
      expect(script).to.include("new EventSource('events')");
      expect((await fetch(new URL('dashboard.css', server.url))).headers.get('content-type')).to.match(/^text\/css/);
      expect((await fetch(new URL('nope', server.url))).status).to.equal(404);
    } finally {
      await server.close();
    }
  });

  it('streams one session\'s states as client states; every page shares one subscription and a late page gets the latest at once', async () => {
    const states = new ReplaySubject<SessionState>(1);
    let subscriptions = 0;
    const server = await listen(createDashboardApp(defer(() => (subscriptions++, states))));
    try {
      const first = await openSse(new URL('events', server.url).href);
      states.next(sessionStateOf({ progress: 0.25 }));
      const a = await first.waitFor((s: DashboardState) => s.sessions.length === 1);
      expect(a).to.include({ progress: 0.25, downloadRate: 50, peers: 1 });
      expect(a.sessions[0]?.pieceMap).to.equal('hhdm');
      expect(a.tracker).to.equal(undefined);
      states.next(sessionStateOf({ progress: 0.75 }));
      const late = await openSse(new URL('events', server.url).href);
      await late.waitFor((s: DashboardState) => s.progress === 0.75, 2000);
      await first.waitFor((s: DashboardState) => s.progress === 0.75, 2000);
      expect(subscriptions).to.equal(1);
      first.close();
      late.close();
    } finally {
      await server.close();
    }
  });

  it('keeps the rates of the last states from its creation: a page opened late gets them in its first message', async () => {
    const states = new ReplaySubject<SessionState>(1);
    const server = await listen(createDashboardApp(states));
    try {
      for (let i = 1; i <= DASHBOARD_RATE_SAMPLES + 10; i++) states.next(sessionStateOf({ downloadRate: i }));
      const page = await openSse(new URL('events', server.url).href);
      const first = await page.waitFor((s: DashboardState) => s.sessions.length === 1);
      expect(first.rateHistory).to.have.length(DASHBOARD_RATE_SAMPLES);
      expect(first.rateHistory![0]!.down).to.equal(11);
      expect(first.rateHistory!.at(-1)!.down).to.equal(DASHBOARD_RATE_SAMPLES + 10);
      states.next(sessionStateOf({ downloadRate: 7 }));
      const next = await page.waitFor((s: DashboardState) => s.downloadRate === 7, 2000);
      expect(next.rateHistory, 'only the first message carries it').to.equal(undefined);
      page.close();
    } finally {
      await server.close();
    }
  });

  it('keeps the final state for a page that opens after the source completed', async () => {
    const states = new Subject<SessionState>();
    const server = await listen(createDashboardApp(states));
    try {
      const first = await openSse(new URL('events', server.url).href);
      states.next(sessionStateOf({ status: 'done', progress: 1, left: 0 }));
      states.complete();
      await first.ended;
      const late = await openSse(new URL('events', server.url).href);
      await late.ended;
      expect(late.events.map((e) => (JSON.parse(e) as DashboardState).sessions[0]?.status)).to.deep.equal(['done']);
    } finally {
      await server.close();
    }
  });

  it('shows a tracker\'s /stats beside the sessions (pollTrackerStats)', async () => {
    const tracker = await listen(createTrackerApp());
    const states = new ReplaySubject<SessionState>(1);
    states.next(sessionStateOf());
    const server = await listen(createDashboardApp(states, { tracker$: pollTrackerStats(new URL('stats', tracker.url).href, { intervalMs: 100 }) }));
    try {
      const stream = await openSse(new URL('events', server.url).href);
      const s = await stream.waitFor((x: DashboardState) => x.tracker !== undefined);
      expect(s.tracker).to.include({ swarms: 0, seeders: 0, leechers: 0 });
      expect(s.sessions).to.have.length(1);
      stream.close();
    } finally {
      await server.close();
      await tracker.close();
    }
  });

  it('pollTrackerStats skips failed requests instead of erroring, and refuses a bad URL', async () => {
    const tracker = await listen(createTrackerApp());
    const url = new URL('stats', tracker.url).href;
    await tracker.close();
    const got: unknown[] = [];
    const polling = pollTrackerStats(url, { intervalMs: 50 }).subscribe({ next: (x) => got.push(x), error: (e: unknown) => got.push(e) });
    await new Promise((r) => setTimeout(r, 400));
    polling.unsubscribe();
    expect(got).to.deep.equal([]);
    expect(() => pollTrackerStats('ftp://x/stats')).to.throw(UiError);
  });
});
