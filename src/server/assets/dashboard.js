// The dashboard's script (served as a file: script-src 'self'). Reads /api/status and
// /api/records, draws nothing itself (the charts are SVG from the server), and inserts every
// value with textContent, never as HTML.
/* global document, fetch, URLSearchParams, setTimeout, clearTimeout, setInterval */
'use strict';

const $ = (id) => document.getElementById(id);
const ACTION_HEADER = 'x-icsync-action';
const PAGE_SIZE = 25;
const state = { range: '24h', offset: 0, total: 0, records: [], selected: new Set() };

const utc = (iso) => (iso ? iso.slice(0, 16).replace('T', ' ') : '–');
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}
function age(seconds) {
  if (seconds === undefined || seconds === null) return '–';
  if (seconds < 90) return seconds + ' s';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return minutes + ' min';
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + ' h ' + (minutes % 60) + ' min';
  return Math.floor(hours / 24) + ' d ' + (hours % 24) + ' h';
}
function until(iso) {
  if (!iso) return '–';
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  return seconds <= 0 ? 'due now' : 'in ' + age(seconds);
}
// A sentence that quotes a request URL shows it without its query (searchCriteria can run to
// hundreds of characters); the whole sentence stays available under "full text".
function shorten(text) {
  return String(text || '').replace(/((?:https?:\/\/[^\s?]+)|(?:\/[\w./-]*V1\/[^\s?]*))\?[^\s)]+/g, '$1?…');
}
function counts(c) {
  const parts = Object.entries(c || {}).filter(([, v]) => v).map(([k, v]) => k + ' ' + v);
  return parts.length ? parts.join(', ') : 'nothing to do';
}
function sentence(parent, text, className) {
  const short = shorten(text);
  const p = el('p', short, className);
  parent.appendChild(p);
  if (short !== text) {
    const details = el('details');
    details.appendChild(el('summary', 'full text'));
    details.appendChild(el('p', text, className));
    parent.appendChild(details);
  }
}

async function getJson(url, init) {
  const res = await fetch(url, init);
  let body = {};
  try { body = await res.json(); } catch { /* empty or not JSON */ }
  if (!res.ok) throw new Error(body.error || url + ' answered ' + res.status);
  return body;
}

function renderFlows(flows) {
  const cards = flows.map((f) => {
    const status = !f.enabled ? 'off' : f.stopped ? 'stopped' : f.lastRun ? f.lastRun.status : 'never run';
    const card = el('article', undefined, 'card state-' + status.replace(' ', '-'));
    card.dataset.flow = f.name;
    const h = el('h3');
    h.appendChild(el('span', f.name));
    h.appendChild(el('span', status, 'badge'));
    card.appendChild(h);
    const dl = el('dl');
    const row = (term, value) => { dl.appendChild(el('dt', term)); dl.appendChild(el('dd', value)); };
    row('schedule', f.schedule);
    row('last run', f.lastRun ? utc(f.lastRun.startedAt) + ' UTC' : '–');
    row('counts', f.lastRun ? counts(f.lastRun.counts) : '–');
    row('lag', age(f.lagSeconds));
    row('next run', f.nextRunAt ? utc(f.nextRunAt) + ' UTC (' + until(f.nextRunAt) + ')' : '–');
    card.appendChild(dl);
    const why = f.stopped || (f.lastRun && f.lastRun.error);
    if (why) sentence(card, why, 'why');
    return card;
  });
  $('flows').replaceChildren(...cards);
}

function renderCounts(rows) {
  const body = $('counts').querySelector('tbody');
  body.replaceChildren(...rows.map((c) => {
    const tr = el('tr');
    tr.appendChild(el('td', c.kind));
    tr.appendChild(el('td', c.state));
    tr.appendChild(el('td', c.count));
    return tr;
  }));
}

function chartUrl(name) {
  return '/api/charts/' + name + '.svg?range=' + encodeURIComponent(state.range) + '&t=' + Date.now();
}
function refreshCharts() {
  $('chart-throughput').src = chartUrl('throughput');
  $('chart-lag').src = chartUrl('lag');
}

function filterQuery() {
  const q = new URLSearchParams();
  if ($('f-kind').value) q.set('kind', $('f-kind').value);
  if ($('f-state').value) q.set('state', $('f-state').value);
  if ($('f-class').value) q.set('errorClass', $('f-class').value);
  if ($('f-q').value.trim()) q.set('q', $('f-q').value.trim());
  q.set('offset', String(state.offset));
  q.set('limit', String(PAGE_SIZE));
  return q.toString();
}

async function refreshInbox() {
  const body = await getJson('/api/records?' + filterQuery());
  state.total = body.total;
  state.records = body.records;
  const ids = new Set(body.records.map(id));
  for (const selected of [...state.selected]) if (!ids.has(selected)) state.selected.delete(selected);
  renderInbox();
}

const id = (r) => r.kind + '\u0000' + r.key;

function renderInbox() {
  const list = $('inbox');
  if (state.records.length === 0) {
    list.replaceChildren(el('li', state.total === 0 ? 'Nothing waits for a person.' : 'No record on this page.', 'empty'));
  } else {
    list.replaceChildren(...state.records.map((r) => {
      const li = el('li');
      li.dataset.kind = r.kind;
      li.dataset.key = r.key;
      const box = el('input');
      box.type = 'checkbox';
      box.checked = state.selected.has(id(r));
      box.setAttribute('aria-label', 'select ' + r.kind + ' ' + r.key);
      box.addEventListener('change', () => { if (box.checked) state.selected.add(id(r)); else state.selected.delete(id(r)); renderSelection(); });
      li.appendChild(box);
      const key = el('div', undefined, 'key');
      const open = el('button', r.kind + ' ' + r.key);
      open.type = 'button';
      open.addEventListener('click', () => showTimeline(r.kind, r.key));
      key.appendChild(open);
      key.appendChild(el('div', r.state + (r.errorClass ? ' · ' + r.errorClass : '') + ' · ' + utc(r.updatedAt) + ' UTC', 'meta'));
      li.appendChild(key);
      const reason = el('div', undefined, 'reason');
      sentence(reason, r.reason);
      li.appendChild(reason);
      const acts = el('div', undefined, 'acts');
      for (const action of ['retry', 'skip']) {
        const b = el('button', action);
        b.type = 'button';
        b.addEventListener('click', () => act(action, [{ kind: r.kind, key: r.key }]));
        acts.appendChild(b);
      }
      li.appendChild(acts);
      return li;
    }));
  }
  const count = $('inbox-count');
  count.textContent = String(state.total);
  count.className = 'count' + (state.total === 0 ? ' zero' : '');
  const last = Math.min(state.offset + PAGE_SIZE, state.total);
  $('page').textContent = state.total === 0 ? '' : (state.offset + 1) + '–' + last + ' of ' + state.total;
  $('prev').disabled = state.offset === 0;
  $('next').disabled = last >= state.total;
  renderSelection();
}

function renderSelection() {
  const n = state.selected.size;
  $('bulk-retry').disabled = n === 0;
  $('bulk-skip').disabled = n === 0;
  $('bulk-retry').textContent = 'Retry selected' + (n ? ' (' + n + ')' : '');
  $('bulk-skip').textContent = 'Skip selected' + (n ? ' (' + n + ')' : '');
  $('select-all').checked = state.records.length > 0 && state.records.every((r) => state.selected.has(id(r)));
}

async function act(action, records) {
  try {
    const body = await getJson('/api/records/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ACTION_HEADER]: action },
      body: JSON.stringify({ action, records }),
    });
    const failed = body.results.filter((r) => !r.ok);
    $('bulk-result').textContent = action + ': ' + body.done + ' of ' + records.length + ' done' + (failed.length ? '; ' + failed.map((r) => r.kind + ' ' + r.key + ': ' + r.error).join('; ') : '');
    for (const r of records) state.selected.delete(id(r));
    await refresh();
    if (records.length === 1) await showTimeline(records[0].kind, records[0].key);
  } catch (e) {
    $('bulk-result').textContent = action + ' failed: ' + e.message;
  }
}

async function showTimeline(kind, key) {
  const box = $('timeline');
  box.hidden = false;
  box.replaceChildren();
  let body;
  try {
    body = await getJson('/api/records/' + encodeURIComponent(kind) + '/' + encodeURIComponent(key));
  } catch (e) {
    box.appendChild(el('p', e.message, 'failed'));
    return;
  }
  box.appendChild(el('h3', body.kind + ' ' + (body.shopKey || body.erpKey)));
  box.appendChild(el('p', 'State ' + body.state + ' · shop key ' + (body.shopKey || '–') + ' · ERP key ' + (body.erpKey || '–') + ' · attempts ' + body.attempts + (body.nextAttemptAt ? ' · next attempt ' + utc(body.nextAttemptAt) + ' UTC' : ''), 'muted'));
  if (body.lastError) sentence(box, 'Last error (' + (body.lastErrorClass || 'unclassified') + '): ' + body.lastError, 'failed');
  const acts = el('div', undefined, 'acts');
  for (const action of ['retry', 'skip']) {
    const b = el('button', action);
    b.type = 'button';
    b.addEventListener('click', () => act(action, [{ kind: body.kind, key: body.shopKey || body.erpKey }]));
    acts.appendChild(b);
  }
  box.appendChild(acts);
  const ol = el('ol');
  for (const e of body.events) {
    const li = el('li', undefined, /attention|retry|warning|fail/.test(e.type) ? 'bad' : '');
    li.appendChild(el('time', utc(e.at) + ' UTC · ' + e.type + (e.state ? ' → ' + e.state : '')));
    sentence(li, e.message);
    ol.appendChild(li);
  }
  box.appendChild(ol);
  box.scrollIntoView({ block: 'nearest' });
}

async function refresh() {
  try {
    const s = await getJson('/api/status');
    $('store').textContent = s.store;
    $('generated').textContent = utc(s.generatedAt);
    renderFlows(s.flows);
    renderCounts(s.counts);
    await refreshInbox();
    $('error').textContent = '';
  } catch (e) {
    $('error').textContent = 'Cannot read the status: ' + e.message;
  }
}

function start() {
  for (const button of document.querySelectorAll('[data-range]')) {
    button.addEventListener('click', () => {
      state.range = button.dataset.range;
      for (const b of document.querySelectorAll('[data-range]')) b.setAttribute('aria-pressed', String(b === button));
      refreshCharts();
    });
  }
  const refilter = () => { state.offset = 0; refreshInbox().catch((e) => { $('error').textContent = e.message; }); };
  for (const name of ['f-kind', 'f-state', 'f-class']) $(name).addEventListener('change', refilter);
  let typing;
  $('f-q').addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(refilter, 250); });
  $('filters').addEventListener('submit', (event) => { event.preventDefault(); refilter(); });
  $('select-all').addEventListener('change', () => {
    for (const r of state.records) if ($('select-all').checked) state.selected.add(id(r)); else state.selected.delete(id(r));
    renderInbox();
  });
  const selectedRecords = () => [...state.selected].map((s) => { const [kind, key] = s.split('\u0000'); return { kind, key }; });
  $('bulk-retry').addEventListener('click', () => act('retry', selectedRecords()));
  $('bulk-skip').addEventListener('click', () => act('skip', selectedRecords()));
  $('prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); refreshInbox(); });
  $('next').addEventListener('click', () => { state.offset += PAGE_SIZE; refreshInbox(); });
  $('lookup').addEventListener('submit', (event) => { event.preventDefault(); showTimeline($('t-kind').value, $('t-key').value.trim()); });
  refreshCharts();
  refresh();
  setInterval(refresh, 10_000);
  setInterval(refreshCharts, 60_000);
}

document.addEventListener('DOMContentLoaded', start);
