/**
 * The dashboard: one self-contained page (no build step, no external assets) that reads
 * /api/status every few seconds, shows flows, lag and the records waiting for a person, opens
 * a record's timeline, and sends retry/skip. All data is inserted as text, never as HTML.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>icsync</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
  body { margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 3rem; }
  h1 { font-size: 1.4rem; margin: .5rem 0 0; }
  h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
  .muted { color: #667; font-size: .85rem; }
  table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px #0001; }
  th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #e4e6ea; vertical-align: top; font-size: .9rem; overflow-wrap: anywhere; }
  th { background: #eceef2; font-weight: 600; }
  .ok { color: #17703a; font-weight: 600; }
  .failed, .stopped { color: #b3261e; font-weight: 600; }
  .skipped, .running { color: #8a6d00; font-weight: 600; }
  button { font: inherit; font-size: .85rem; padding: .2rem .6rem; margin-right: .3rem; cursor: pointer; border: 1px solid #99a; border-radius: 4px; background: #fff; }
  button:hover { background: #eef; }
  a { color: #2450a8; cursor: pointer; }
  #timeline { background: #fff; padding: .8rem 1rem; box-shadow: 0 1px 2px #0001; }
  #error { color: #b3261e; }
  code { font-size: .85rem; }
</style>
</head>
<body>
<h1>icsync</h1>
<div class="muted">Store <span id="store"></span> · updated <span id="generated"></span> (UTC) · <a href="/metrics">metrics</a></div>
<div id="error"></div>

<h2>Flows</h2>
<table id="flows"><thead><tr><th>Flow</th><th>Schedule</th><th>Last run (UTC)</th><th>Result</th><th>Counts</th><th>Lag</th><th>Next run (UTC)</th></tr></thead><tbody></tbody></table>

<div id="events" class="muted"></div>

<h2>Records that need a person <span class="muted" id="attention-count"></span></h2>
<table id="attention"><thead><tr><th>Record</th><th>State</th><th>Reason</th><th>Updated (UTC)</th><th></th></tr></thead><tbody></tbody></table>

<h2>Ledger</h2>
<table id="counts"><thead><tr><th>Kind</th><th>State</th><th>Records</th></tr></thead><tbody></tbody></table>

<h2>Record timeline</h2>
<form id="lookup"><select id="kind"><option>order</option><option>partner</option><option>invoice</option><option>product</option><option>stock</option></select>
<input id="key" placeholder="shop or ERP key"> <button type="submit">Show</button></form>
<div id="timeline" hidden></div>

<script>
const $ = (id) => document.getElementById(id);
const utc = (iso) => (iso ? iso.slice(0, 19).replace('T', ' ') : '-');
function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}
function age(seconds) {
  if (seconds == null) return '-';
  if (seconds < 90) return seconds + ' s';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return minutes + ' min';
  return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
}
function counts(c) {
  const parts = Object.entries(c || {}).filter(([, v]) => v).map(([k, v]) => k + ' ' + v);
  return parts.length ? parts.join(', ') : '-';
}
function fill(id, rows) {
  const body = $(id).querySelector('tbody');
  body.replaceChildren(...rows);
}
async function act(kind, key, action) {
  const res = await fetch('/api/records/' + encodeURIComponent(kind) + '/' + encodeURIComponent(key) + '/' + action, { method: 'POST', headers: { 'x-icsync-action': action } });
  const body = await res.json();
  $('error').textContent = res.ok ? '' : body.error;
  await refresh();
  if (res.ok) await showTimeline(kind, key);
}
async function showTimeline(kind, key) {
  const res = await fetch('/api/records/' + encodeURIComponent(kind) + '/' + encodeURIComponent(key));
  const body = await res.json();
  const box = $('timeline');
  box.hidden = false;
  box.replaceChildren();
  const line = (text, tag) => { const el = document.createElement(tag || 'div'); el.textContent = text; box.appendChild(el); return el; };
  if (!res.ok) { line(body.error); return; }
  line(body.kind + ' ' + (body.shopKey || body.erpKey), 'h3');
  line('State: ' + body.state + ' · shop key ' + (body.shopKey || '-') + ' · ERP key ' + (body.erpKey || '-') + ' · attempts ' + body.attempts);
  if (body.lastError) line('Last error (' + (body.lastErrorClass || 'unclassified') + '): ' + body.lastError).className = 'failed';
  const buttons = document.createElement('div');
  for (const action of ['retry', 'skip']) {
    const b = document.createElement('button');
    b.textContent = action;
    b.onclick = () => act(body.kind, body.shopKey || body.erpKey, action);
    buttons.appendChild(b);
  }
  box.appendChild(buttons);
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of ['Time (UTC)', 'Event', 'State', 'Message']) { const th = document.createElement('th'); th.textContent = h; head.appendChild(th); }
  const tbody = table.createTBody();
  for (const e of body.events) { const r = tbody.insertRow(); cell(r, utc(e.at)); cell(r, e.type); cell(r, e.state); cell(r, e.message); }
  box.appendChild(table);
}
async function refresh() {
  try {
    const res = await fetch('/api/status');
    if (!res.ok) throw new Error('status answered ' + res.status);
    const s = await res.json();
    $('store').textContent = s.store;
    $('generated').textContent = utc(s.generatedAt);
    fill('flows', s.flows.map((f) => {
      const r = document.createElement('tr');
      cell(r, f.name + (f.enabled ? '' : ' (off)'));
      cell(r, f.schedule);
      cell(r, utc(f.lastRun && f.lastRun.startedAt));
      const status = f.stopped ? 'stopped' : f.lastRun ? f.lastRun.status : 'never run';
      const result = cell(r, status, status);
      if (f.stopped || (f.lastRun && f.lastRun.error)) result.title = f.stopped || f.lastRun.error;
      if (f.stopped || (f.lastRun && f.lastRun.error)) { const d = document.createElement('div'); d.className = 'muted'; d.textContent = f.stopped || f.lastRun.error; result.appendChild(d); }
      cell(r, f.lastRun ? counts(f.lastRun.counts) : '-');
      cell(r, age(f.lagSeconds));
      cell(r, utc(f.nextRunAt));
      return r;
    }));
    $('events').textContent = s.events
      ? 'Events: intake ' + s.events.intake + ', ' + s.events.received + ' received (' + s.events.recorded + ' new orders); reconciliation found ' + s.events.missedByEvents + ' order(s) no event announced' + (s.events.publish === 'off' ? '' : '; publishing to ' + s.events.publish + ', ' + s.events.outboxBacklog + ' waiting in the outbox')
      : '';
    $('attention-count').textContent = '(' + s.attention.length + ')';
    fill('attention', s.attention.length === 0
      ? [(() => { const r = document.createElement('tr'); cell(r, 'None.').colSpan = 5; return r; })()]
      : s.attention.map((a) => {
        const r = document.createElement('tr');
        const link = document.createElement('a');
        link.textContent = a.kind + ' ' + a.key;
        link.onclick = () => showTimeline(a.kind, a.key);
        cell(r, '').appendChild(link);
        cell(r, a.state, 'failed');
        cell(r, a.reason);
        cell(r, utc(a.updatedAt));
        const actions = cell(r, '');
        for (const action of ['retry', 'skip']) {
          const b = document.createElement('button');
          b.textContent = action;
          b.onclick = () => act(a.kind, a.key, action);
          actions.appendChild(b);
        }
        return r;
      }));
    fill('counts', s.counts.map((c) => { const r = document.createElement('tr'); cell(r, c.kind); cell(r, c.state); cell(r, c.count); return r; }));
    $('error').textContent = '';
  } catch (e) {
    $('error').textContent = 'Cannot read the status: ' + e.message;
  }
}
$('lookup').onsubmit = (event) => { event.preventDefault(); showTimeline($('kind').value, $('key').value.trim()); };
refresh();
setInterval(refresh, 5000);
</script>
</body>
</html>
`;
