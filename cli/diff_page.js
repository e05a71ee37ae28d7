// SPDX-License-Identifier: GPL-2.0-only
// diff_page.js - the diff page of `memblock-cli diff --format html`: both captures' reserved
// memory on one address axis, changed allocations marked, bytes by caller compared.
// Data: RUNS, OWNERS, COLORS, SIDE_A, SIDE_B ([base, end, owner]), CHANGES, DELTAS.
(function () {
'use strict';
var $ = function (id) { return document.getElementById(id); };
var LANE = { a: [26, 40], b: [100, 40] }, HEIGHT = 150;
var MARK = { moved: '#1d4ed8', grown: '#b45309', shrunk: '#7c3aed', new: '#15803d', removed: '#b91c1c' };
function hex(v) { return '0x' + Math.floor(v).toString(16); }
function human(b) {
	var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'], i = 0, neg = b < 0;
	b = Math.abs(b);
	while (b >= 1024 && i < 6) { b /= 1024; i++; }
	return (neg ? '-' : '') + (i === 0 || b === Math.floor(b) ? b.toFixed(0) : b.toFixed(1)) + ' ' + u[i];
}
function incl(b, e) { return '[' + hex(b) + '-' + hex(e - 1) + ']'; }
function el(t, c, txt) { var e = document.createElement(t); if (c) e.className = c; if (txt !== undefined) e.textContent = txt; return e; }

/* linear scale, holes between runs collapsed to a fixed share */
var A = [], D = [], HOLES = [], TOTAL = 1;
(function () {
	var total = 0, d = 0;
	RUNS.forEach(function (r) { total += r[1] - r[0]; });
	RUNS.forEach(function (r, i) {
		if (i) { HOLES.push([RUNS[i - 1][1], r[0], d, d + total * 0.03]); d += total * 0.03; }
		A.push(r[0]); D.push(d); d += r[1] - r[0]; A.push(r[1]); D.push(d);
	});
	TOTAL = d || 1;
})();
function seg(arr, v) {
	var lo = 0, hi = arr.length - 1;
	while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (arr[mid] <= v) lo = mid; else hi = mid - 1; }
	return Math.min(lo, arr.length - 2);
}
function a2d(a) { if (A.length < 2) return 0; var k = seg(A, a), f = A[k + 1] > A[k] ? (a - A[k]) / (A[k + 1] - A[k]) : 0; return D[k] + (D[k + 1] - D[k]) * Math.min(1, Math.max(0, f)); }
function d2a(d) { if (A.length < 2) return 0; var k = seg(D, d), f = D[k + 1] > D[k] ? (d - D[k]) / (D[k + 1] - D[k]) : 0; return A[k] + (A[k + 1] - A[k]) * Math.min(1, Math.max(0, f)); }

var canvas = $('diffmap'), ctx = canvas.getContext('2d'), W = 1000, v0 = 0, v1 = 1;
function xOf(a) { return (a2d(a) - v0) / (v1 - v0) * W; }
function reset() { v0 = -TOTAL * 0.005; v1 = TOTAL * 1.005; }
function box(s, lane, stroke) {
	var x0 = xOf(s[0]), x1 = xOf(s[1]), y = LANE[lane][0], h = LANE[lane][1];
	if (x1 < 0 || x0 > W) return;
	ctx.fillStyle = COLORS[s[2]] || '#888';
	ctx.fillRect(x0, y, Math.max(1, x1 - x0), h);
	if (stroke) {
		ctx.strokeStyle = stroke; ctx.lineWidth = 2;
		ctx.strokeRect(x0 - 1, y - 1, Math.max(2, x1 - x0 + 2), h + 2);
	}
}
function draw() {
	canvas.width = W; canvas.height = HEIGHT;
	ctx.font = '11px monospace'; ctx.fillStyle = '#333';
	ctx.fillText('A: ' + NAME_A, 4, 20); ctx.fillText('B: ' + NAME_B, 4, 94);
	HOLES.forEach(function (h) {
		var x0 = (h[2] - v0) / (v1 - v0) * W, x1 = (h[3] - v0) / (v1 - v0) * W;
		ctx.fillStyle = '#f3f3f3'; ctx.fillRect(x0, 0, x1 - x0, HEIGHT);
		ctx.fillStyle = '#a00'; ctx.fillText('\u2307', (x0 + x1) / 2 - 3, 82);
	});
	SIDE_A.forEach(function (s) { box(s, 'a'); });
	SIDE_B.forEach(function (s) { box(s, 'b'); });
	CHANGES.forEach(function (c) {
		var a = c[1] >= 0 ? SIDE_A[c[1]] : null, b = c[2] >= 0 ? SIDE_B[c[2]] : null;
		if (a) box(a, 'a', MARK[c[0]]);
		if (b) box(b, 'b', MARK[c[0]]);
		if (a && b && a[0] !== b[0]) {	/* where it went */
			ctx.strokeStyle = MARK.moved; ctx.lineWidth = 1; ctx.beginPath();
			ctx.moveTo((xOf(a[0]) + xOf(a[1])) / 2, LANE.a[0] + LANE.a[1] + 1);
			ctx.lineTo((xOf(b[0]) + xOf(b[1])) / 2, LANE.b[0] - 1); ctx.stroke();
		}
	});
	var ax = $('axis'); ax.textContent = '';
	RUNS.forEach(function (r) {
		[r[0], r[1]].forEach(function (a) {
			var x = xOf(a);
			if (x < 0 || x > W) return;
			var t = el('div', 'tick', hex(a)); t.style.left = x.toFixed(1) + 'px'; ax.appendChild(t);
		});
	});
}
function list() {
	var box = $('changes');
	box.textContent = '';
	CHANGES.forEach(function (c, i) {
		var a = c[1] >= 0 ? SIDE_A[c[1]] : null, b = c[2] >= 0 ? SIDE_B[c[2]] : null, s = b || a;
		var txt = c[0] + ' ' + (a ? incl(a[0], a[1]) : '') + (a && b ? ' -> ' : '') + (b ? incl(b[0], b[1]) : '') +
			' ' + human(s[1] - s[0]) + '  ' + OWNERS[s[2]];
		var row = el('div', 'chg ' + c[0], txt);
		row.setAttribute('data-kind', c[0]);
		row.setAttribute('data-caller', OWNERS[s[2]]);
		if (a) row.setAttribute('data-a', hex(a[0]));
		if (b) row.setAttribute('data-b', hex(b[0]));
		row.style.borderLeft = '4px solid ' + MARK[c[0]];
		row.onclick = function () { var lo = Math.min(a ? a[0] : b[0], b ? b[0] : a[0]), hi = Math.max(a ? a[1] : 0, b ? b[1] : 0); v0 = a2d(lo) - (a2d(hi) - a2d(lo)) * 0.3; v1 = a2d(hi) + (a2d(hi) - a2d(lo)) * 0.3; draw(); };
		box.appendChild(row);
	});
}
function deltas() {
	var c = $('deltas'), g = c.getContext('2d'), max = 1, rowh = 16;
	c.height = DELTAS.length * rowh + 6; c.width = W;
	DELTAS.forEach(function (d) { max = Math.max(max, Math.abs(d[2] - d[1])); });
	g.font = '11px monospace';
	DELTAS.forEach(function (d, i) {
		var v = d[2] - d[1], mid = W * 0.55, w = Math.abs(v) / max * (W * 0.4), y = 3 + i * rowh;
		g.fillStyle = COLORS[d[0]] || '#888';
		g.fillRect(v < 0 ? mid - w : mid, y, Math.max(1, w), rowh - 4);
		g.fillStyle = '#222';
		g.fillText(OWNERS[d[0]], 4, y + 10);
		g.fillText((v > 0 ? '+' : '') + human(v), v < 0 ? mid + 4 : mid - 90, y + 10);
	});
}
canvas.addEventListener('wheel', function (ev) {
	ev.preventDefault();
	var x = ev.clientX - canvas.getBoundingClientRect().left, c = v0 + x / W * (v1 - v0), f = ev.deltaY > 0 ? 1.25 : 0.8;
	v0 = c - (c - v0) * f; v1 = c + (v1 - c) * f; draw();
}, { passive: false });
document.addEventListener('keydown', function (ev) { if (ev.key === '0') { reset(); draw(); } });
W = Math.max(300, $('view').clientWidth - 2);
reset(); draw(); list(); deltas();
document.body.setAttribute('data-changes', CHANGES.length);
window.mbDiff = { xOf: function (a) { return xOf(a) + canvas.getBoundingClientRect().left; } };
})();
