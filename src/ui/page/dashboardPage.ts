/**
 * The dashboard page's markup and style, kept as text so the package ships them in `dist/`
 * without a copy step and the page loads nothing from elsewhere.
 *
 * @module
 */

/** Escapes text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page's HTML.
 *
 * @param title - shown in the header and the tab
 * @example
 * ```ts
 * declare const ctx: import('koa').Context;
 * ctx.body = dashboardHtml('rxtorrent');
 * ```
 */
export function dashboardHtml(title: string): string {
  const t = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="dashboard.css">
</head>
<body data-connection="connecting">
<header class="top">
  <h1>${t}</h1>
  <span id="connection" class="badge">connecting…</span>
</header>
<section id="overview">
  <div class="progress"><div class="bar"><div id="total-bar" class="fill"></div></div><span id="total-progress" class="pct">–</span></div>
  <dl class="totals">
    <div><dt>download</dt><dd id="total-down">–</dd></div>
    <div><dt>upload</dt><dd id="total-up">–</dd></div>
    <div><dt>peers</dt><dd id="total-peers">–</dd></div>
    <div><dt>ETA</dt><dd id="total-eta">–</dd></div>
  </dl>
</section>
<section id="chart">
  <h2>Rates <span class="legend down">download</span> <span class="legend up">upload</span></h2>
  <canvas id="rates" width="960" height="160"></canvas>
</section>
<section id="tracker" hidden>
  <h2>Tracker</h2>
  <dl id="tracker-stats" class="totals"></dl>
</section>
<main id="sessions"></main>
<script src="dashboard.js"></script>
</body>
</html>
`;
}

/** The page's style sheet. */
export const DASHBOARD_CSS = `
:root { font: 14px/1.4 system-ui, sans-serif; color: #212529; background: #f8f9fa; }
body { margin: 0 auto; max-width: 1000px; padding: 12px 20px 40px; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 6px; }
section, main > section { background: #fff; border: 1px solid #dee2e6; border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
.top { display: flex; align-items: center; justify-content: space-between; }
.badge { padding: 2px 8px; border-radius: 10px; background: #adb5bd; color: #fff; font-size: 12px; }
body[data-connection="live"] .badge { background: #2f9e44; }
body[data-connection="reconnecting"] .badge { background: #e8590c; }
.progress { display: flex; align-items: center; gap: 10px; }
.bar { flex: 1; height: 14px; background: #e9ecef; border-radius: 7px; overflow: hidden; }
.fill { height: 100%; width: 0; background: #2f9e44; transition: width 0.2s; }
.pct { min-width: 5em; text-align: right; font-variant-numeric: tabular-nums; }
.totals { display: flex; flex-wrap: wrap; gap: 18px; margin: 8px 0 0; }
.totals dt { font-size: 11px; color: #868e96; text-transform: uppercase; }
.totals dd { margin: 0; font-variant-numeric: tabular-nums; }
canvas { display: block; max-width: 100%; }
.legend::before { content: ''; display: inline-block; width: 10px; height: 3px; margin: 0 4px 3px 8px; }
.legend { font-weight: normal; font-size: 12px; }
.legend.down::before { background: #1c7ed6; }
.legend.up::before { background: #2f9e44; }
.session header { display: flex; gap: 10px; align-items: baseline; }
.status { font-size: 12px; color: #495057; background: #e9ecef; border-radius: 4px; padding: 0 6px; }
.stats, .trackers { color: #495057; margin: 4px 0; font-variant-numeric: tabular-nums; }
.trackers { font-size: 12px; }
.pieces { margin: 6px 0; }
table.peers { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
.peers th, .peers td { text-align: left; padding: 2px 8px 2px 0; border-bottom: 1px solid #f1f3f5; }
.peers th { color: #868e96; font-weight: normal; }
`;
