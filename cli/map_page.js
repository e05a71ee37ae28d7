// SPDX-License-Identifier: GPL-2.0-only
// map_page.js - the HTML explorer of `memblock-cli map --format html`: address axis,
// tracks, zoom and pan, click for the owner, timeline, legend. Data: the globals
// written before this script (FRAMES, RUNS, OWNERS, COLORS, EV, OPS, FIRMWARE, ...).
(function () {
'use strict';
var $ = function (id) { return document.getElementById(id); };
var TRACK = { fw: [4, 12], node: [20, 10], zone: [34, 10], callout: [48, 42], mem: [94, 56] };
var HEIGHT = 154, MIN_HOLE = 0.025;
var ZONES = [[0, 16 * 1048576, 'DMA', '#e8d8a8'], [16 * 1048576, 4 * 1073741824, 'DMA32', '#cfdcef'],
	[4 * 1073741824, Infinity, 'Normal', '#e4d4ec']];
var NODE_COL = ['#b9dcb9', '#a7cfe0', '#e2c9a0', '#d4b6d9', '#bfd8a0', '#e0b0b0', '#a9d1c6', '#cbc3a2'];
var FW_COL = { 1: '#b9dcb9', 2: '#d9a0a0', 3: '#a0b8d9', 4: '#c8a0d9', 5: '#e0c080', 7: '#a0d9d0' };

function hex(v) { return '0x' + Math.floor(v).toString(16); }
function human(b) {
	var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'], i = 0;
	while (b >= 1024 && i < 6) { b /= 1024; i++; }
	if (i > 0 && i < 6 && b >= 1023.95) { b /= 1024; i++; }
	return (i === 0 || b === Math.floor(b) ? b.toFixed(0) : b.toFixed(1)) + ' ' + u[i];
}
function incl(b, e) { return '[' + hex(b) + '-' + hex(e - 1) + ']'; }
function el(t, c, txt) {
	var e = document.createElement(t);
	if (c) e.className = c;
	if (txt !== undefined) e.textContent = txt;
	return e;
}
function color(o) { return COLORS[o] || '#888'; }

/* ---- frames ---- */
var cache = {};
function decode(k) {
	if (cache[k]) return cache[k];
	var f = FRAMES[k], mem = [], rsv = [], p = 0, i, cur = null;
	for (i = 0; i < f.m.length; i += 3) {
		p += f.m[i]; mem.push([p, p + f.m[i + 1], f.m[i + 2]]); p += f.m[i + 1];
	}
	p = 0;
	for (i = 0; i < f.r.length; i += 3) {
		p += f.r[i];
		var e = p + f.r[i + 1], o = f.r[i + 2] >> 1;
		if (f.r[i + 2] & 1 || !cur) { cur = { b: p, e: e, pc: [] }; rsv.push(cur); }
		cur.e = e; cur.pc.push([p, e, o]); p = e;
	}
	var d = { at: f.at, exact: f.x, desc: f.e, mem: mem, rsv: rsv };
	cache[k] = d;
	return d;
}
function frameFor(n) {
	var lo = 0, hi = FRAMES.length - 1;
	while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (FRAMES[mid].at <= n) lo = mid; else hi = mid - 1; }
	return lo;
}

/* ---- the display scale: addresses <-> display units, holes collapsed ---- */
var LOG = SCALE_LOG, A = [], D = [], HOLES = [], TOTAL = 1;
function buildScale() {
	var total = 0, r, i, pts;
	A = []; D = []; HOLES = [];
	RUNS.forEach(function (run) { total += run[1] - run[0]; });
	var hole = MIN_HOLE * (LOG ? 1 : total), d = 0;
	if (LOG) {	/* every stretch between boundaries: 1 + log2(size) units */
		var last = decode(FRAMES.length - 1), bset = {};
		RUNS.forEach(function (run) { bset[run[0]] = 1; bset[run[1]] = 1; });
		last.mem.forEach(function (g) { bset[g[0]] = 1; bset[g[1]] = 1; });
		last.rsv.forEach(function (g) { bset[g.b] = 1; bset[g.e] = 1; });
		pts = Object.keys(bset).map(Number).sort(function (a, b) { return a - b; });
		var units = 0;
		for (r = 0; r < RUNS.length; r++) {
			var q = pts.filter(function (a) { return a >= RUNS[r][0] && a <= RUNS[r][1]; });
			for (i = 1; i < q.length; i++) units += 1 + Math.log2(q[i] - q[i - 1]);
		}
		hole = MIN_HOLE * units;
	}
	for (r = 0; r < RUNS.length; r++) {
		if (r > 0) { HOLES.push([RUNS[r - 1][1], RUNS[r][0], d, d + hole]); d += hole; }
		if (!LOG) {
			A.push(RUNS[r][0]); D.push(d); d += RUNS[r][1] - RUNS[r][0]; A.push(RUNS[r][1]); D.push(d);
		} else {
			var qq = pts.filter(function (a) { return a >= RUNS[r][0] && a <= RUNS[r][1]; });
			for (i = 0; i < qq.length; i++) {
				if (i > 0) d += 1 + Math.log2(qq[i] - qq[i - 1]);
				A.push(qq[i]); D.push(d);
			}
		}
	}
	TOTAL = d || 1;
}
function seg(arr, v) {	/* last k with arr[k] <= v */
	var lo = 0, hi = arr.length - 1;
	if (v <= arr[0]) return 0;
	while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (arr[mid] <= v) lo = mid; else hi = mid - 1; }
	return Math.min(lo, arr.length - 2);
}
function a2d(a) {
	if (A.length < 2) return 0;
	var k = seg(A, a), a0 = A[k], a1 = A[k + 1];
	var f = a1 > a0 ? (a - a0) / (a1 - a0) : 0;
	return D[k] + (D[k + 1] - D[k]) * Math.min(1, Math.max(0, f));
}
function d2a(d) {
	if (A.length < 2) return 0;
	var k = seg(D, d), d0 = D[k], d1 = D[k + 1];
	var f = d1 > d0 ? (d - d0) / (d1 - d0) : 0;
	return A[k] + (A[k + 1] - A[k]) * Math.min(1, Math.max(0, f));
}
function inHole(a) {
	for (var i = 0; i < HOLES.length; i++) if (a >= HOLES[i][0] && a < HOLES[i][1]) return HOLES[i];
	return null;
}

/* ---- view state ---- */
var canvas = $('map'), ctx = canvas.getContext('2d'), view = $('view'), axis = $('axis');
var W = 1000, v0 = 0, v1 = 1, K = 0, hidden = {}, hilite = -1, selected = null;
function xOf(a) { return (a2d(a) - v0) / (v1 - v0) * W; }
function aOf(x) { return d2a(v0 + x / W * (v1 - v0)); }
function resetView() { v0 = -TOTAL * 0.005; v1 = TOTAL * 1.005; }

function niceStep(span) {	/* the smallest power of two >= span */
	var s = 1;
	while (s < span) s *= 2;
	return s;
}
function ticks() {
	var out = [], r, px, lo, hi, step, t, n;
	if (LOG) {
		var lastx = -1e9;
		for (var i = 0; i < A.length; i++) {
			px = xOf(A[i]);
			if (px < 0 || px > W || px - lastx < 120) continue;
			out.push([A[i], px]); lastx = px;
		}
		return out;
	}
	for (r = 0; r < RUNS.length; r++) {
		lo = Math.max(RUNS[r][0], aOf(0)); hi = Math.min(RUNS[r][1], aOf(W));
		if (hi <= lo) continue;
		px = xOf(hi) - xOf(lo);
		n = Math.max(1, Math.floor(px / 120));
		step = niceStep((hi - lo) / n);
		for (t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push([t, xOf(t)]);
		if (!out.length || out[out.length - 1][0] < lo) out.push([lo, xOf(lo)]);
	}
	return out;
}
function drawAxis() {
	axis.textContent = '';
	ticks().forEach(function (t) {
		var d = el('div', 'tick'), s = el('span', 'lbl', hex(t[0]));
		d.style.left = t[1].toFixed(1) + 'px';
		d.setAttribute('data-addr', hex(t[0]));
		d.appendChild(s); axis.appendChild(d);
	});
	HOLES.forEach(function (h) {
		var x0 = (h[2] - v0) / (v1 - v0) * W, x1 = (h[3] - v0) / (v1 - v0) * W;
		if (x1 < 0 || x0 > W) return;
		var d = el('div', 'hole', '\u2307 ' + human(h[1] - h[0]) + ' hole');
		d.style.left = ((x0 + x1) / 2).toFixed(1) + 'px';
		d.title = 'collapsed: no memory ' + incl(h[0], h[1]);
		axis.appendChild(d);
	});
}

function fillRange(b, e, y, h, col) {
	var x0 = xOf(b), x1 = xOf(e);
	if (x1 < 0 || x0 > W) return;
	x0 = Math.max(-1, x0); x1 = Math.min(W + 1, x1);
	ctx.fillStyle = col;
	ctx.fillRect(x0, y, Math.max(1, x1 - x0), h);
}
function draw() {
	var d = decode(K), y, h, lastx = -1;
	canvas.width = W; canvas.height = HEIGHT;
	ctx.clearRect(0, 0, W, HEIGHT);
	/* collapsed holes: hatched */
	HOLES.forEach(function (hl) {
		var x0 = (hl[2] - v0) / (v1 - v0) * W, x1 = (hl[3] - v0) / (v1 - v0) * W;
		if (x1 < 0 || x0 > W) return;
		ctx.fillStyle = '#fff'; ctx.fillRect(x0, 0, x1 - x0, HEIGHT);
		ctx.strokeStyle = '#c33'; ctx.lineWidth = 1; ctx.beginPath();
		for (var x = x0 - HEIGHT; x < x1; x += 6) { ctx.moveTo(Math.max(x, x0), x < x0 ? HEIGHT - (x0 - x) : HEIGHT); ctx.lineTo(Math.min(x + HEIGHT, x1), x + HEIGHT > x1 ? HEIGHT - (x1 - x) : 0); }
		ctx.stroke();
	});
	/* firmware map */
	y = TRACK.fw[0]; h = TRACK.fw[1];
	FIRMWARE.forEach(function (f) { fillRange(f[0], f[1], y, h, FW_COL[f[2]] || '#ccc'); });
	/* NUMA nodes */
	y = TRACK.node[0]; h = TRACK.node[1];
	d.mem.forEach(function (g) { fillRange(g[0], g[1], y, h, NODE_COL[(g[2] < 0 ? 0 : g[2]) % NODE_COL.length]); });
	/* zones, over the memory there is */
	y = TRACK.zone[0]; h = TRACK.zone[1];
	d.mem.forEach(function (g) {
		ZONES.forEach(function (z) {
			var b = Math.max(g[0], z[0]), e = Math.min(g[1], z[1]);
			if (e > b) fillRange(b, e, y, h, z[3]);
		});
	});
	/* memory and reserved by caller */
	y = TRACK.mem[0]; h = TRACK.mem[1];
	d.mem.forEach(function (g) { fillRange(g[0], g[1], y, h, '#cfe8cf'); });
	d.rsv.forEach(function (g) {
		g.pc.forEach(function (pc) {
			if (hidden[pc[2]]) return;
			var x0 = xOf(pc[0]), x1 = xOf(pc[1]);
			if (x1 < 0 || x0 > W) return;
			if (x1 - x0 < 1 && Math.floor(x0) === lastx) return;	/* one piece per pixel */
			lastx = Math.floor(x0);
			ctx.globalAlpha = hilite >= 0 && hilite !== pc[2] ? 0.2 : 1;
			fillRange(pc[0], pc[1], y + 4, h - 8, color(pc[2]));
		});
	});
	ctx.globalAlpha = 1;
	/* region edges */
	ctx.fillStyle = 'rgba(0,0,0,.55)';
	d.rsv.forEach(function (g) {
		var x = xOf(g.b);
		if (x >= 0 && x <= W) ctx.fillRect(x, y + 2, 1, h - 4);
	});
	callouts(d);
	if (selected !== null) {
		var sx = xOf(selected);
		ctx.fillStyle = '#000'; ctx.fillRect(sx - 1, 0, 2, HEIGHT);
	}
	drawAxis();
}

/* Name the biggest callers on the map, over their largest visible piece. */
function callouts(d) {
	var best = {}, y = TRACK.callout[0], rows = [[], [], []];
	d.rsv.forEach(function (g) {
		g.pc.forEach(function (pc) {
			var o = pc[2], x0 = Math.max(0, xOf(pc[0])), x1 = Math.min(W, xOf(pc[1]));
			if (hidden[o] || x1 < 0 || x0 > W) return;
			var b = best[o] || (best[o] = { o: o, bytes: 0, big: 0, x: 0 });
			b.bytes += pc[1] - pc[0];
			if (pc[1] - pc[0] > b.big) { b.big = pc[1] - pc[0]; b.x = (x0 + x1) / 2; }
		});
	});
	ctx.font = '11px monospace';
	Object.keys(best).map(function (k) { return best[k]; })
		.sort(function (a, b) { return b.bytes - a.bytes; }).slice(0, 16)
		.forEach(function (b) {
			var txt = OWNERS[b.o], w = ctx.measureText(txt).width + 6;
			var lx = Math.min(Math.max(2, b.x - w / 2), W - w - 2);
			for (var r = 0; r < rows.length; r++) {
				var free = rows[r].every(function (s) { return lx + w < s[0] || lx > s[1]; });
				if (!free) continue;
				rows[r].push([lx, lx + w]);
				var ty = y + r * 14;
				ctx.fillStyle = color(b.o); ctx.fillRect(lx, ty, w, 13);
				ctx.fillStyle = FG[b.o] ? '#000' : '#fff'; ctx.fillText(txt, lx + 3, ty + 10);
				ctx.fillStyle = color(b.o); ctx.fillRect(b.x, ty + 13, 1, TRACK.mem[0] - ty - 9);
				return;
			}
		});
}

/* ---- who holds an address ---- */
function zoneOf(a) { for (var i = 0; i < ZONES.length; i++) if (a >= ZONES[i][0] && a < ZONES[i][1]) return ZONES[i][2]; return '?'; }
function evHistory(a, upto) {
	var out = [];
	for (var i = 0; i < EV.length && EV[i][0] < upto; i++) {
		var e = EV[i];
		if (a >= e[2] && a - e[2] < e[3]) out.push(e);
	}
	return out;
}
function evText(e) {
	var r = e[3] ? incl(e[2], e[2] + e[3]) : '';
	return '#' + e[6] + ' ' + OPS[e[1]] + ' ' + r + ' by ' + OWNERS[e[4]] + (e[5] ? '+0x' + e[5].toString(16) : '');
}
function whois(a) {
	var d = decode(K), t = [], i, hole = inHole(a);
	t.push('address ' + hex(a) + ' after event ' + d.at + ' of ' + NEVENTS + (hole ? ' (in a collapsed hole)' : ''));
	FIRMWARE.forEach(function (f) { if (a >= f[0] && a < f[1]) t.push('firmware: ' + incl(f[0], f[1]) + ' ' + (FW_NAMES[f[2]] || 'type ' + f[2])); });
	var mem = d.mem.filter(function (g) { return a >= g[0] && a < g[1]; })[0];
	t.push(mem ? 'memory ' + incl(mem[0], mem[1]) + ' node ' + mem[2] + ', zone ' + zoneOf(a) : 'not memory');
	var owner = -1;
	d.rsv.forEach(function (g) {
		if (a < g.b || a >= g.e) return;
		t.push('reserved region ' + incl(g.b, g.e) + ' (' + human(g.e - g.b) + ')');
		g.pc.forEach(function (pc) {
			if (a >= pc[0] && a < pc[1]) {
				owner = pc[2];
				t.push('owner: ' + OWNERS[pc[2]] + ' ' + incl(pc[0], pc[1]) + ' (' + human(pc[1] - pc[0]) + ')');
			}
		});
	});
	if (owner < 0) t.push(mem ? 'free' : '');
	PRELOG.forEach(function (p) { if (a >= p[0] && a < p[1]) t.push('what it is: ' + p[2]); });
	if (EV_COMPLETE) {
		var h = evHistory(a, d.at);
		if (h.length) {
			t.push('history (' + h.length + ' events):');
			h.slice(-12).forEach(function (e) { t.push('  ' + evText(e)); });
		} else {
			t.push('history: no event touched it' + (owner === 0 ? ' (reserved before the log started)' : ''));
		}
	} else {
		t.push('history: `memblock-cli whois ' + hex(a) + '` (too many events to embed)');
	}
	document.body.setAttribute('data-owner', owner >= 0 ? OWNERS[owner] : '');
	$('info').textContent = t.join('\n');
	return t.join('\n');
}

/* ---- legend, regions list, status ---- */
function legend(d) {
	var tot = {}, lg = $('legend');
	d.rsv.forEach(function (g) { g.pc.forEach(function (pc) { tot[pc[2]] = (tot[pc[2]] || 0) + pc[1] - pc[0]; }); });
	lg.textContent = '';
	Object.keys(tot).map(Number).sort(function (a, b) { return tot[b] - tot[a] || (OWNERS[a] < OWNERS[b] ? -1 : 1); })
		.forEach(function (o) {
			var r = el('div', hidden[o] ? 'lg hidden' : 'lg'), s = el('span', 'sw');
			s.style.background = color(o); r.appendChild(s);
			r.appendChild(document.createTextNode(OWNERS[o] + ' - ' + human(tot[o])));
			r.setAttribute('data-caller', OWNERS[o]);
			r.onclick = function () { if (hidden[o]) delete hidden[o]; else hidden[o] = 1; render(K); };
			r.onmouseenter = function () { hilite = o; draw(); };
			r.onmouseleave = function () { hilite = -1; draw(); };
			lg.appendChild(r);
		});
}
function regionsList(d) {
	var box = $('regions'), n = Math.min(d.rsv.length, 3000);
	box.textContent = '';
	for (var i = 0; i < n; i++) {
		var g = d.rsv[i], who = {};
		g.pc.forEach(function (pc) { who[OWNERS[pc[2]]] = 1; });
		var row = el('div', 'rsv', incl(g.b, g.e) + ' ' + human(g.e - g.b) + '  ' + Object.keys(who).join(', '));
		row.setAttribute('data-base', hex(g.b));
		row.setAttribute('data-end', hex(g.e));
		box.appendChild(row);
	}
	if (d.rsv.length > n) box.appendChild(el('div', '', '... ' + (d.rsv.length - n) + ' more'));
}
function render(k) {
	K = k;
	var d = decode(k), mb = 0, rb = 0;
	d.mem.forEach(function (g) { mb += g[1] - g[0]; });
	d.rsv.forEach(function (g) { rb += g.e - g.b; });
	$('status').textContent = 'after event ' + d.at + ' of ' + NEVENTS + ' (snapshot ' + (k + 1) + '/' +
		FRAMES.length + '): memory ' + human(mb) + ' in ' + d.mem.length + ' regions, reserved ' +
		human(rb) + ' in ' + d.rsv.length + ' regions' + (d.exact ? '' : ' (regions from coverage)') +
		(d.desc ? '\nlast event: ' + d.desc : '');
	document.body.setAttribute('data-at', d.at);
	document.body.setAttribute('data-regions', d.rsv.length);
	document.body.setAttribute('data-memory-regions', d.mem.length);
	if (LOG) buildScale();
	draw(); legend(d); regionsList(d); drawTimeline();
	if (selected !== null) whois(selected);
}

/* ---- timeline: reserved bytes by caller over the events ---- */
var tl = $('timeline'), tctx = tl.getContext('2d'), SERIES = null, TOP = [];
function series() {
	var maxb = {}, per = [], i;
	for (i = 0; i < FRAMES.length; i++) {
		var d = decode(i), t = {};
		d.rsv.forEach(function (g) { g.pc.forEach(function (pc) { t[pc[2]] = (t[pc[2]] || 0) + pc[1] - pc[0]; }); });
		Object.keys(t).forEach(function (o) { maxb[o] = Math.max(maxb[o] || 0, t[o]); });
		per.push(t);
		if (FRAMES.length > 60) delete cache[i];	/* keep memory flat on big captures */
	}
	TOP = Object.keys(maxb).map(Number).sort(function (a, b) { return maxb[b] - maxb[a]; }).slice(0, 14);
	SERIES = per;
}
function tx(at) { return NEVENTS ? at / NEVENTS * (tl.width - 2) + 1 : 1; }
function drawTimeline() {
	if (!SERIES) series();
	var w = tl.width, h = tl.height, max = 1, i, j;
	tctx.clearRect(0, 0, w, h);
	SERIES.forEach(function (t) { var s = 0; Object.keys(t).forEach(function (o) { s += t[o]; }); max = Math.max(max, s); });
	var layers = TOP.concat([-1]);
	var base = SERIES.map(function () { return 0; });
	layers.forEach(function (o) {
		tctx.fillStyle = o < 0 ? '#bbb' : color(o);
		tctx.globalAlpha = hilite >= 0 && hilite !== o ? 0.25 : 1;
		tctx.beginPath();
		for (i = 0; i < SERIES.length; i++) {
			var v = o < 0 ? Object.keys(SERIES[i]).reduce(function (s, k) { return TOP.indexOf(+k) < 0 ? s + SERIES[i][k] : s; }, 0) : (SERIES[i][o] || 0);
			var x = tx(FRAMES[i].at), y0 = h - base[i] / max * (h - 14), y1 = h - (base[i] + v) / max * (h - 14);
			if (i === 0) tctx.moveTo(x, y0);
			tctx.lineTo(x, y1);
			base[i] += v;
			SERIES[i]['_top' + o] = y0;
		}
		for (j = SERIES.length - 1; j >= 0; j--) tctx.lineTo(tx(FRAMES[j].at), SERIES[j]['_top' + o]);
		tctx.closePath(); tctx.fill();
	});
	tctx.globalAlpha = 1;
	tctx.fillStyle = '#000';
	tctx.fillRect(tx(FRAMES[K].at) - 1, 0, 2, h);
	tctx.font = '11px monospace';
	tctx.fillText('reserved ' + human(max) + ' max; event ' + FRAMES[K].at, 4, 11);
}
function scrub(ev) {
	var r = tl.getBoundingClientRect(), x = ev.clientX - r.left;
	var at = Math.round((x - 1) / (tl.width - 2) * NEVENTS);
	var k = frameFor(Math.max(0, Math.min(NEVENTS, at)));
	if (k !== K) render(k);
	try { history.replaceState(null, '', '#at=' + FRAMES[k].at); } catch (e) { /* file: */ }
}
var scrubbing = false;
tl.addEventListener('mousedown', function (ev) { scrubbing = true; scrub(ev); });
window.addEventListener('mousemove', function (ev) { if (scrubbing) scrub(ev); });
window.addEventListener('mouseup', function () { scrubbing = false; });

/* ---- zoom, pan, keys, click, search ---- */
function zoom(f, x) {
	var c = v0 + x / W * (v1 - v0);
	v0 = c - (c - v0) * f; v1 = c + (v1 - c) * f;
	var minspan = 64 / W * (LOG ? 1 : 1);
	if (v1 - v0 < minspan) { v0 = c - minspan / 2; v1 = c + minspan / 2; }
	draw();
}
view.addEventListener('wheel', function (ev) {
	ev.preventDefault();
	var r = canvas.getBoundingClientRect();
	zoom(ev.deltaY > 0 ? 1.25 : 0.8, ev.clientX - r.left);
}, { passive: false });
var drag = null;
view.addEventListener('mousedown', function (ev) {
	drag = { x: ev.clientX, v0: v0, v1: v1, moved: false };
	view.classList.add('dragging');
});
window.addEventListener('mousemove', function (ev) {
	if (!drag) return;
	var dx = ev.clientX - drag.x;
	if (Math.abs(dx) > 3) drag.moved = true;
	var dd = dx / W * (drag.v1 - drag.v0);
	v0 = drag.v0 - dd; v1 = drag.v1 - dd; draw();
});
window.addEventListener('mouseup', function (ev) {
	if (!drag) return;
	var moved = drag.moved;
	drag = null; view.classList.remove('dragging');
	if (!moved) {
		var r = canvas.getBoundingClientRect();
		if (ev.clientX >= r.left && ev.clientX <= r.right) {
			selected = Math.floor(aOf(ev.clientX - r.left)); draw(); whois(selected);
		}
	}
});
document.addEventListener('keydown', function (ev) {
	if (ev.target && ev.target.tagName === 'INPUT') return;
	var span = v1 - v0;
	if (ev.key === '+' || ev.key === '=') zoom(0.8, W / 2);
	else if (ev.key === '-') zoom(1.25, W / 2);
	else if (ev.key === 'ArrowLeft') { v0 -= span / 10; v1 -= span / 10; draw(); }
	else if (ev.key === 'ArrowRight') { v0 += span / 10; v1 += span / 10; draw(); }
	else if (ev.key === '0' || ev.key === 'Home') { resetView(); draw(); }
	else if (ev.key === '[' && K > 0) render(K - 1);
	else if (ev.key === ']' && K < FRAMES.length - 1) render(K + 1);
});
function zoomTo(b, e) {
	var d0 = a2d(b), d1 = a2d(e), pad = Math.max((d1 - d0) * 0.25, TOTAL * 1e-6);
	v0 = d0 - pad; v1 = d1 + pad; draw();
}
$('search').addEventListener('keydown', function (ev) {
	if (ev.key !== 'Enter') return;
	var q = this.value.trim(), d = decode(K);
	if (/^(0x)?[0-9a-f]+$/i.test(q)) {
		var a = parseInt(q.replace(/^0x/i, ''), 16);
		selected = a; zoomTo(a - 2048, a + 2048); whois(a);
		return;
	}
	var lo = Infinity, hi = -Infinity, who = -1;
	d.rsv.forEach(function (g) {
		g.pc.forEach(function (pc) {
			if (OWNERS[pc[2]].indexOf(q) >= 0) { lo = Math.min(lo, pc[0]); hi = Math.max(hi, pc[1]); who = pc[2]; }
		});
	});
	if (who < 0) { $('info').textContent = 'no caller matches "' + q + '" at this event'; return; }
	hilite = who; zoomTo(lo, hi);
	$('info').textContent = 'caller ' + OWNERS[who] + ': ' + incl(lo, hi) + ' (extent)';
});
$('scale').onchange = function () { LOG = this.value === 'log'; buildScale(); resetView(); render(K); };
$('reset').onclick = function () { resetView(); draw(); };

function fit() { W = Math.max(300, view.clientWidth - 2); tl.width = W; }
window.addEventListener('resize', function () { fit(); draw(); drawTimeline(); });
function fromHash() {
	var m = /at=(\d+)/.exec(location.hash);
	$('scale').value = LOG ? 'log' : 'linear';
	render(frameFor(m ? parseInt(m[1], 10) : START));
}
window.addEventListener('hashchange', fromHash);

/* for tests and the console */
window.mb = {
	render: render, frameFor: frameFor, whois: whois, zoomTo: zoomTo,
	xOf: function (a) { return xOf(a) + canvas.getBoundingClientRect().left; },
	y: function (track) { return canvas.getBoundingClientRect().top + TRACK[track][0] + TRACK[track][1] / 2; },
	ticks: function () { return ticks().map(function (t) { return [hex(t[0]), t[1]]; }); },
	visible: function () { return [aOf(0), aOf(W)]; },
	regions: function () { return decode(K).rsv.map(function (g) { return [g.b, g.e]; }); },
	at: function () { return FRAMES[K].at; },
	timelineX: function (at) { return tl.getBoundingClientRect().left + tx(at); }
};
window.mbRender = render; window.mbFrameFor = frameFor;
fit();
if (/scale=log/.test(location.hash)) LOG = true;
if (/scale=linear/.test(location.hash)) LOG = false;
buildScale(); resetView(); fromHash();
})();
