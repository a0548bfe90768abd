/**
 * The dashboard page's script (browser JavaScript kept as text, shipped in the package): follows
 * the `events` stream with an `EventSource`, reconnects when it drops, and renders each
 * `DashboardState` — overall progress, rates chart, tracker stats, and per session a progress
 * bar, a canvas piece map and a peers table. Everything from the stream is set as text, never
 * as HTML (peer client names and torrent names are untrusted).
 *
 * @module
 */
import { DASHBOARD_RATE_SAMPLES } from '../dashboardState.js';
import { DASHBOARD_CANVAS_SCRIPT } from './dashboardCanvas.js';

const APP_SCRIPT = String.raw`
var RATE_HISTORY = ${DASHBOARD_RATE_SAMPLES};
var history = [];
var cards = [];

function byId(id) { return document.getElementById(id); }
function el(tag, className, text) {
  var e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
function peerFlags(p) {
  var f = '';
  if (p.amInterested) f += p.peerChoking ? 'd' : 'D';
  if (p.peerInterested) f += p.amChoking ? 'u' : 'U';
  if (p.direction === 'inbound') f += 'I';
  if (p.encrypted) f += 'E';
  return f || '-';
}

function makeCard() {
  var c = { root: el('section', 'session') };
  var head = el('header');
  c.title = el('h2');
  c.status = el('span', 'status');
  head.append(c.title, c.status);
  var progress = el('div', 'progress');
  var bar = el('div', 'bar');
  c.bar = el('div', 'fill');
  bar.append(c.bar);
  c.percent = el('span', 'pct');
  progress.append(bar, c.percent);
  c.stats = el('div', 'stats');
  c.trackers = el('div', 'trackers');
  c.canvas = el('canvas', 'pieces');
  c.canvas.width = 960;
  c.canvas.height = 16;
  var table = el('table', 'peers');
  var headRow = el('tr');
  ['Address', 'Client', 'Down', 'Up', 'Has', 'Flags'].forEach(function (h) { headRow.append(el('th', '', h)); });
  var thead = el('thead');
  thead.append(headRow);
  c.peers = el('tbody');
  table.append(thead, c.peers);
  c.files = el('table', 'files');
  c.readers = el('div', 'readers');
  c.root.append(head, progress, c.stats, c.trackers, c.canvas, table, c.files, c.readers);
  byId('sessions').append(c.root);
  return c;
}

function renderSession(c, s) {
  c.root.dataset.infoHash = s.infoHash;
  c.root.dataset.status = s.status;
  c.root.dataset.progress = String(s.progress);
  c.title.textContent = s.name;
  c.status.textContent = s.status;
  var fraction = s.status === 'checking' ? s.checked : s.progress;
  c.bar.style.width = (fraction * 100).toFixed(2) + '%';
  c.percent.textContent = formatPercent(fraction);
  c.stats.textContent = formatBytes(s.length - s.left) + ' of ' + formatBytes(s.length) +
    ' · ' + s.piecesHave + '/' + s.pieceCount + ' pieces · ↓ ' + formatRate(s.downloadRate) +
    ' · ↑ ' + formatRate(s.uploadRate) + ' · uploaded ' + formatBytes(s.uploaded) +
    ' · ' + s.peers.length + (s.peers.length === 1 ? ' peer' : ' peers') +
    (s.status === 'downloading' ? ' · ETA ' + formatDuration(s.eta) : '');
  c.trackers.textContent = s.trackers.map(function (t) {
    return t.ok ? 'tracker ' + t.url + ': ok' + (t.seeders !== undefined ? ', ' + count(t.seeders, 'seeder') + ', ' + count(t.leechers, 'leecher') : '')
      : 'tracker ' + t.url + ': ' + (t.message || 'failing');
  }).concat(s.dht ? [dhtLine(s.dht)] : []).join(' · ');
  drawPieceMap(c.canvas, s.pieceMap);
  var rows = s.peers.map(function (p) {
    var tr = el('tr');
    [p.address, p.client || '?', formatRate(p.downloadRate), formatRate(p.uploadRate), formatPercent(p.progress), peerFlags(p)]
      .forEach(function (v) { tr.append(el('td', '', v)); });
    return tr;
  });
  // Web seeds (BEP 19) are rows of the same table: the URL, then what became of the server.
  (s.webSeeds || []).forEach(function (w) {
    var tr = el('tr', 'webseed');
    tr.dataset.status = w.status;
    [w.url, 'web seed: ' + w.status + (w.reason ? ' (' + w.reason + ')' : ''), formatRate(w.rate), '–', '100.0 %', w.ignoresRange ? 'no Range' : '']
      .forEach(function (v) { tr.append(el('td', '', v)); });
    rows.push(tr);
  });
  c.peers.replaceChildren.apply(c.peers, rows);
  renderFiles(c, s);
}

function dhtLine(d) {
  if (d.error) return 'DHT failed: ' + d.error;
  return 'DHT: ' + count(d.nodes, 'node') + ', ' + count(d.lookups, 'lookup') + (d.searching ? ' (searching)' : '') +
    ', ' + count(d.peersFound, 'peer') + ' found, announced to ' + count(d.announcedTo, 'node');
}

function count(n, word) {
  return n + ' ' + word + (n === 1 ? '' : 's');
}

function renderFiles(c, s) {
  var files = s.files || [];
  c.files.hidden = files.length < 2;
  var headRow = el('tr');
  ['#', 'File', 'Size', 'Priority', 'Done'].forEach(function (h) { headRow.append(el('th', '', h)); });
  var rows = files.map(function (f) {
    var tr = el('tr');
    tr.dataset.priority = f.priority;
    [String(f.index), f.path, formatBytes(f.length), f.priority, formatPercent(f.progress)].forEach(function (v) { tr.append(el('td', '', v)); });
    return tr;
  });
  c.files.replaceChildren.apply(c.files, [headRow].concat(rows));
  var readers = s.readers || [];
  c.readers.hidden = readers.length === 0;
  c.readers.textContent = readers.map(function (r) {
    return 'streaming file ' + r.file + ' at ' + formatBytes(r.position) + ' of ' + formatBytes(r.end) + ', ' + formatRate(r.rate);
  }).join(' · ');
}

function renderTracker(t) {
  var box = byId('tracker');
  box.hidden = !t;
  if (!t) return;
  var items = [['swarms', t.swarms], ['seeders', t.seeders], ['leechers', t.leechers], ['announces', t.announces],
    ['scrapes', t.scrapes], ['failures', t.failures], ['uptime', formatDuration(t.uptimeSeconds)]];
  var list = byId('tracker-stats');
  list.replaceChildren.apply(list, items.map(function (kv) {
    var d = el('div');
    d.append(el('dt', '', kv[0]), el('dd', '', String(kv[1])));
    return d;
  }));
}

function render(state) {
  byId('total-progress').textContent = formatPercent(state.progress);
  byId('total-bar').style.width = (state.progress * 100).toFixed(2) + '%';
  byId('total-down').textContent = formatRate(state.downloadRate);
  byId('total-up').textContent = formatRate(state.uploadRate);
  byId('total-peers').textContent = String(state.peers);
  byId('total-eta').textContent = state.left === 0 ? 'done' : formatDuration(state.eta);
  document.body.dataset.progress = String(state.progress);
  document.title = formatPercent(state.progress) + ' · ' + TITLE;
  // A connection's first state carries the app's history (this state last); later ones add to it.
  if (state.rateHistory) history = state.rateHistory.slice(-RATE_HISTORY);
  else history.push({ down: state.downloadRate, up: state.uploadRate });
  if (history.length > RATE_HISTORY) history.shift();
  drawRates(byId('rates'), history);
  renderTracker(state.tracker);
  while (cards.length > state.sessions.length) cards.pop().root.remove();
  state.sessions.forEach(function (s, i) { renderSession(cards[i] || (cards[i] = makeCard()), s); });
}

var TITLE = document.title;
var source = null;
var delay = 500;
function setConnection(state, text) {
  document.body.dataset.connection = state;
  byId('connection').textContent = text;
}
function connect() {
  source = new EventSource('events');
  source.onopen = function () { delay = 500; setConnection('live', 'live'); };
  source.onmessage = function (e) {
    try { render(JSON.parse(e.data)); } catch (err) { console.error('dashboard: bad state', err); }
  };
  source.onerror = function () {
    setConnection('reconnecting', 'reconnecting…');
    // The browser retries by itself after a dropped stream; after a refused one it gives up (CLOSED).
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    }
  };
}
connect();
`;

/** The whole script served as `dashboard.js`. */
export const DASHBOARD_APP_SCRIPT = `'use strict';\n(function () {\n${DASHBOARD_CANVAS_SCRIPT}\n${APP_SCRIPT}\n})();\n`;
