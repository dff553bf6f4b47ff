// SPDX-License-Identifier: GPL-2.0
// Runs a flame graph's own script (llctl report --svg) under node on a small
// stand-in for the SVG DOM, then zooms and searches as a reader would and
// checks the outcome against what the test knows by construction.
// Usage: node svg_flame.js FRAMES.json; svg_check.py --flame writes the
// JSON: {width, script, frames: [{cls, title, x, y, w, fill, text}],
// search: [REGEX, PERCENT], zoom: NAME}.
'use strict';
const fs = require('fs');
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let failed = 0;

function check(ok, msg) {
  console.log((ok ? 'ok: ' : 'FAIL: ') + msg);
  if (!ok)
    failed = 1;
}

// An element: attributes, children, text, style; what the script uses.
class El {
  constructor(tag, attrs, text) {
    this.tagName = tag;
    this.attrs = Object.assign({}, attrs || {});
    this.children = [];
    this.parentNode = null;
    this.textContent = text || '';
    this.style = {};
    this.id = this.attrs.id || '';
  }
  getAttribute(k) { return k in this.attrs ? String(this.attrs[k]) : null; }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  appendChild(c) { c.parentNode = this; this.children.push(c); return c; }
  getElementsByTagName(tag) {
    const out = [];
    const walk = (n) => n.children.forEach((c) => {
      if (c.tagName === tag)
        out.push(c);
      walk(c);
    });
    walk(this);
    return out;
  }
}

const root = new El('svg', { width: spec.width });
const byId = {};
['unzoom', 'search', 'matched'].forEach((id) => {
  byId[id] = root.appendChild(new El('text', { id: id }));
});
const frames = spec.frames.map((f) => {
  const g = root.appendChild(new El('g', { class: f.cls }));
  g.appendChild(new El('title', {}, f.title));
  g.appendChild(new El('rect', { x: f.x, y: f.y, width: f.w, fill: f.fill }));
  if (f.text !== null)
    g.appendChild(new El('text', { x: f.x + 3, y: f.y + 12 }, f.text));
  return g;
});
const listeners = {};
global.document = {
  documentElement: root,
  getElementById: (id) => byId[id] || null,
  createElementNS: (ns, tag) => new El(tag),
};
root.addEventListener = (ev, fn) => { listeners[ev] = fn; };
global.window = { addEventListener: (ev, fn) => { listeners['w' + ev] = fn; } };
global.alert = (m) => check(false, 'alert: ' + m);
let answer = null;
global.prompt = () => answer;

// The script, as the SVG carries it, then its onload.
new Function(spec.script + '\nglobal.__flame = { init, zoom, unzoom, search };')();
global.__flame.init();

const name = (g) => g.children[0].textContent.replace(/ \(.*$/, '').replace(/: .*$/, '');
const rect = (g) => g.children[1];
const W = spec.width;

// Search: Ctrl-F, a regex; the share matched is the test's.
answer = spec.search[0];
let prevented = false;
listeners.wkeydown({ ctrlKey: true, key: 'f', keyCode: 70, preventDefault: () => { prevented = true; } });
check(prevented, 'Ctrl-F is taken from the browser');
const want = 'Matched: ' + spec.search[1].toFixed(1) + '%';
check(byId.matched.textContent === want,
      `search /${spec.search[0]}/ says '${byId.matched.textContent}', the samples say '${want}'`);
const hits = frames.filter((g) => new RegExp(spec.search[0]).test(name(g)));
check(hits.length > 0 && hits.every((g) => rect(g).getAttribute('fill') === 'rgb(230,0,230)'),
      `the ${hits.length} matching frames are highlighted`);
check(frames.filter((g) => !hits.includes(g)).every((g) => rect(g).getAttribute('fill') !== 'rgb(230,0,230)'),
      'no other frame is');
// Ctrl-F again resets the search.
listeners.wkeydown({ ctrlKey: true, key: 'f', keyCode: 70, preventDefault: () => {} });
check(byId.matched.textContent === '' && hits.every((g) => rect(g).getAttribute('fill') !== 'rgb(230,0,230)'),
      'Ctrl-F again resets the search');

// Zoom: a click on a frame's rect.
const t = frames.find((g) => name(g) === spec.zoom);
const ox = parseFloat(rect(t).getAttribute('x')), ow = parseFloat(rect(t).getAttribute('width'));
const oy = parseFloat(rect(t).getAttribute('y'));
const before = frames.map((g) => [parseFloat(rect(g).getAttribute('x')), parseFloat(rect(g).getAttribute('width')),
                                  parseFloat(rect(g).getAttribute('y'))]);
listeners.click({ target: rect(t) });
const tw = parseFloat(rect(t).getAttribute('width'));
check(Math.abs(tw - (W - 20)) < 0.2, `${spec.zoom} fills the width after a click (${tw} px)`);
let scaled = true, hidden = true;
frames.forEach((g, i) => {
  const [x, w, y] = before[i];
  const inside = x >= ox - 0.05 && x + w <= ox + ow + 0.05 && y <= oy;
  if (inside) {
    const want = w * (W - 20) / ow;
    if (g.style.display === 'none' || Math.abs(parseFloat(rect(g).getAttribute('width')) - want) > 0.2)
      scaled = false;
  } else if (y < oy && g.style.display !== 'none') {
    hidden = false;
  }
});
check(scaled, 'its descendants keep their share of its width');
check(hidden, 'frames outside it are hidden');
check(byId.unzoom.style.opacity === '1', 'Reset Zoom shows');
listeners.click({ target: byId.unzoom });
check(frames.every((g, i) => g.style.display !== 'none' &&
      Math.abs(parseFloat(rect(g).getAttribute('width')) - before[i][1]) < 0.05),
      'Reset Zoom restores every frame');
process.exit(failed);
