/**
 * The dashboard page's drawing code (browser JavaScript kept as text, shipped in the package, no
 * CDN): number formats, the canvas piece map and the rates-over-time chart. Concatenated before
 * {@link DASHBOARD_APP_SCRIPT}; plain ES2020, no backticks.
 *
 * @module
 */

/** Formatting and canvas helpers the page's script uses. */
export const DASHBOARD_CANVAS_SCRIPT = String.raw`
var PIECE_COLORS = { h: '#2f9e44', p: '#8ce99a', d: '#f59f00', m: '#dee2e6' };
var PIECE_MAP_COLUMNS = 128;
var DOWN_COLOR = '#1c7ed6';
var UP_COLOR = '#2f9e44';

function formatBytes(n) {
  var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  var i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? Math.round(n) + ' B' : n.toFixed(1) + ' ' + units[i];
}
function formatRate(n) { return formatBytes(n) + '/s'; }
function formatPercent(f) { return (f * 100).toFixed(1) + ' %'; }
function formatDuration(s) {
  if (s === undefined || s === null || !isFinite(s)) return '∞';
  s = Math.max(0, Math.round(s));
  var pad = function (n) { return String(n).padStart(2, '0'); };
  if (s >= 3600) return Math.floor(s / 3600) + 'h' + pad(Math.floor(s / 60) % 60) + 'm';
  if (s >= 60) return Math.floor(s / 60) + 'm' + pad(s % 60) + 's';
  return s + 's';
}

/** Draws a piece map string (h/d/p/m cells) as a grid; records what it drew in data attributes. */
function drawPieceMap(canvas, map) {
  var n = map.length;
  var cols = Math.max(1, Math.min(n, PIECE_MAP_COLUMNS));
  var size = Math.max(2, Math.min(24, Math.floor(canvas.width / cols)));
  var rows = Math.max(1, Math.ceil(n / cols));
  if (canvas.height !== rows * size) canvas.height = rows * size;
  var ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  var have = 0;
  for (var i = 0; i < n; i++) {
    var cell = map.charAt(i);
    if (cell === 'h') have++;
    ctx.fillStyle = PIECE_COLORS[cell] || PIECE_COLORS.m;
    ctx.fillRect((i % cols) * size, Math.floor(i / cols) * size, size - 1, size - 1);
  }
  canvas.dataset.cells = String(n);
  canvas.dataset.have = String(have);
}

/** Draws the total download and upload rates over the last samples as two lines. */
function drawRates(canvas, history) {
  var ctx = canvas.getContext('2d');
  var w = canvas.width, h = canvas.height, top = 18;
  ctx.clearRect(0, 0, w, h);
  var max = 1;
  history.forEach(function (p) { max = Math.max(max, p.down, p.up); });
  ctx.strokeStyle = '#e9ecef';
  ctx.lineWidth = 1;
  for (var g = 0; g <= 4; g++) {
    var y = top + Math.round(((h - top - 1) * g) / 4) + 0.5;
    ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(w, y); ctx.stroke();
  }
  var line = function (key, color) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    history.forEach(function (p, i) {
      var x = history.length < 2 ? w : (i * w) / (RATE_HISTORY - 1) + (w * (RATE_HISTORY - history.length)) / (RATE_HISTORY - 1);
      var y = h - 1 - ((h - top - 1) * p[key]) / max;
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  };
  line('down', DOWN_COLOR);
  line('up', UP_COLOR);
  ctx.fillStyle = '#495057';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText('max ' + formatRate(max), 4, 12);
  canvas.dataset.samples = String(history.length);
}
`;
