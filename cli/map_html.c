// SPDX-License-Identifier: GPL-2.0-only
/* map_html.c - the map as one self-contained HTML page with a timeline slider. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/mb_evlog.h>
#include "map.h"

#define HTML_MAX_RUNS	24
#define HTML_MAX_FRAMES	400
#define HTML_EXACT_STEPS	2000000

/* A JSON string that is also safe inside <script>. */
static void js_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Ranges an event may have touched, for the page's fixed layout. */
static int extent_add_event(struct mba_imap *ext, const struct mb_event *ev)
{
	uint64_t b = ev->base, sz = ev->size;

	switch (ev->op) {
	case MB_OP_ADD:
	case MB_OP_ADD_NODE:
	case MB_OP_RESERVE:
		break;
	case MB_OP_DOUBLE_ARRAY:
		if ((ev->rflags & MB_REC_FAILED) || !b)
			return 0;
		break;
	default:
		if (!map_is_alloc_op(ev->op) || (ev->rflags & MB_REC_FAILED) || !ev->result)
			return 0;
		b = ev->result;
	}
	if (!sz)
		return 0;
	return mba_imap_paint(ext, b, sz > UINT64_MAX - b ? UINT64_MAX : b + sz, 0, 0);
}

static int extent_add_array(struct mba_imap *ext, const struct mb_array *a)
{
	uint64_t r;

	for (r = 0; a->regions && r < a->cnt; r++) {
		uint64_t b = a->regions[r].base, sz = a->regions[r].size;

		if (sz && mba_imap_paint(ext, b, sz > UINT64_MAX - b ? UINT64_MAX : b + sz, 0, 0))
			return -1;
	}
	return 0;
}

/* One line about the event a snapshot ends with: op, range/result, caller. */
static void describe_event(const struct mb_capture *c, size_t at, char *buf, size_t len)
{
	const struct mb_event *ev;
	const char *op, *sym;
	char off[24] = "";
	int n;

	buf[0] = 0;
	if (!at || at > c->nevents)
		return;
	ev = &c->events[at - 1];
	op = mb_op_name(ev->op);
	sym = mb_event_sym(c, ev);
	if (sym && ev->caller_off)
		snprintf(off, sizeof(off), "+0x%x", ev->caller_off);
	if (map_is_alloc_op(ev->op))
		n = snprintf(buf, len, "%s size 0x%" PRIx64 " -> 0x%" PRIx64, op ? op : "?",
			     ev->size, ev->result);
	else if (ev->size)
		n = snprintf(buf, len, "%s [0x%" PRIx64 "-0x%" PRIx64 "]", op ? op : "?",
			     ev->base, ev->base + ev->size - 1);
	else
		n = snprintf(buf, len, "%s", op ? op : "?");
	if (n < 0 || (size_t)n >= len)
		return;
	if (sym)
		snprintf(buf + n, len - n, "%s by %s%s%s", ev->rflags & MB_REC_FAILED ?
			 " (failed)" : "", sym, off, ev->depth ? " (nested)" : "");
	else
		snprintf(buf + n, len - n, "%s by 0x%" PRIx64, ev->rflags & MB_REC_FAILED ?
			 " (failed)" : "", ev->caller);
}

static void emit_frame(FILE *out, const struct mb_capture *c, const struct map_snapshot *s,
		       bool first)
{
	uint64_t prev = 0;
	size_t i, p;
	char desc[320];

	describe_event(c, s->at, desc, sizeof(desc));
	fprintf(out, "%s\n{\"at\":%zu,\"x\":%d,\"e\":", first ? "" : ",", s->at, s->exact);
	js_string(out, desc);
	fprintf(out, ",\"m\":[");
	for (i = 0; i < s->nmemory; i++) {
		fprintf(out, "%s%" PRIu64 ",%" PRIu64, i ? "," : "", s->memory[i].base - prev,
			s->memory[i].end - s->memory[i].base);
		prev = s->memory[i].end;
	}
	fprintf(out, "],\"r\":[");
	prev = 0;
	for (i = 0; i < s->nreserved; i++) {
		const struct map_region *g = &s->reserved[i];

		for (p = 0; p < g->npieces; p++) {
			const struct map_seg *pc = &s->pieces[g->first + p];

			fprintf(out, "%s%" PRIu64 ",%" PRIu64 ",%" PRIu64, i || p ? "," : "",
				pc->base - prev, pc->end - pc->base,
				(uint64_t)pc->owner * 2 + (p == 0));
			prev = pc->end;
		}
	}
	fprintf(out, "]}");
}

static const char page_head[] =
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width\">\n";

static const char page_style[] =
"<style>\n"
"body{font:13px/1.4 monospace;margin:12px;color:#222;background:#fff}\n"
"h1{font-size:16px;margin:0 0 6px}\n"
"#controls{display:flex;gap:10px;align-items:center;margin:8px 0}\n"
"#slider{flex:1}\n"
".run{margin:4px 0 10px}\n"
".bar{position:relative;height:26px;background:#f4f4f4;border:1px solid #ccc}\n"
".mem{position:absolute;top:0;height:26px;background:#cfe8cf}\n"
".rsv{position:absolute;top:3px;height:20px;min-width:2px;display:flex;"
"outline:1px solid rgba(0,0,0,.35)}\n"
".seg{height:20px;min-width:1px}\n"
".rsv:hover{outline:2px solid #000;z-index:2}\n"
".hole{color:#888;font-style:italic;margin:2px 0}\n"
"#legend div{margin:2px 0}\n"
".sw{display:inline-block;width:12px;height:12px;vertical-align:middle;margin-right:6px}\n"
"#status{white-space:pre}\n"
"#info{min-height:3em;white-space:pre;background:#fafafa;border:1px solid #ddd;"
"padding:4px;margin:6px 0}\n"
"</style>\n";

/* The page script: decodes a frame, lays it out on the fixed runs. */
static const char page_script[] =
"<script>\n"
"(function(){\n"
"function color(o){return COLORS[o]||'#888';}\n"
"function hex(v){return '0x'+v.toString(16);}\n"
"function human(b){var u=['B','KiB','MiB','GiB','TiB','PiB'],i=0;"
"while(b>=1024&&i<5){b/=1024;i++;}"
"return (i===0||b===Math.floor(b)?b.toFixed(0):b.toFixed(1))+' '+u[i];}\n"
"function el(t,c,txt){var e=document.createElement(t);if(c)e.className=c;"
"if(txt!==undefined)e.textContent=txt;return e;}\n"
"var bars=[],map=document.getElementById('map');\n"
"RUNS.forEach(function(r,i){\n"
"  if(i>0){var hb=RUNS[i-1][1];map.appendChild(el('div','hole','~ hole '+hex(hb)+'-'"
"+hex(r[0]-1)+' ('+human(r[0]-hb)+') ~'));}\n"
"  var d=el('div','run');d.appendChild(el('div','lbl',hex(r[0])+'-'+hex(r[1]-1)+' ('"
"+human(r[1]-r[0])+')'));\n"
"  var b=el('div','bar');d.appendChild(b);map.appendChild(d);bars.push(b);});\n"
"function runOf(a){var lo=0,hi=RUNS.length-1;while(lo<hi){var mid=(lo+hi+1)>>1;"
"if(RUNS[mid][0]<=a)lo=mid;else hi=mid-1;}return lo;}\n"
"var LOG=/scale=log/.test(location.hash)||(SCALE_LOG&&!/scale=linear/.test(location.hash)),"
"X=[];\n"
"function scaleFor(d){X=RUNS.map(function(r){return [r[0],r[1]];});\n"
"  if(!LOG)return;function add(g0,g1){var ri=runOf(g0);X[ri].push(g0,g1);}\n"
"  d.mem.forEach(function(g){add(g[0],g[1]);});d.rsv.forEach(function(g){add(g.b,g.e);});\n"
"  X=X.map(function(p,ri){var r=RUNS[ri],q=p.filter(function(a){return a>=r[0]&&a<=r[1];})"
".sort(function(a,b){return a-b;}).filter(function(a,i,v){return i===0||a!==v[i-1];}),"
"cum=[0],i;for(i=1;i<q.length;i++)cum.push(cum[i-1]+1+Math.log2(q[i]-q[i-1]));"
"return {p:q,c:cum};});}\n"
"function xpos(ri,a){var r=RUNS[ri],m=X[ri];if(!LOG||!m.p)return (a-r[0])/(r[1]-r[0])*100;\n"
"  var p=m.p,c=m.c,lo=0,hi=p.length-2;while(lo<hi){var mid=(lo+hi+1)>>1;"
"if(p[mid]<=a)lo=mid;else hi=mid-1;}\n"
"  var w=c[lo+1]-c[lo],f=p[lo+1]>p[lo]?(a-p[lo])/(p[lo+1]-p[lo]):0;"
"return (c[lo]+w*Math.min(1,Math.max(0,f)))/c[c.length-1]*100;}\n"
"function place(e,ri,a,b){var x=xpos(ri,a);e.style.left=x.toFixed(4)+'%';"
"e.style.width=(xpos(ri,b)-x).toFixed(4)+'%';}\n"
"function decode(f){var mem=[],rsv=[],p=0,i,cur=null;\n"
"  for(i=0;i<f.m.length;i+=2){p+=f.m[i];mem.push([p,p+f.m[i+1]]);p+=f.m[i+1];}\n"
"  p=0;for(i=0;i<f.r.length;i+=3){p+=f.r[i];var e=p+f.r[i+1],o=f.r[i+2]>>1;\n"
"    if(f.r[i+2]&1||!cur){cur={b:p,e:e,pc:[]};rsv.push(cur);}\n"
"    cur.e=e;cur.pc.push([p,e,o]);p=e;}\n"
"  return {mem:mem,rsv:rsv};}\n"
"var slider=document.getElementById('slider'),status=document.getElementById('status'),"
"info=document.getElementById('info'),legend=document.getElementById('legend');\n"
"slider.max=FRAMES.length-1;\n"
"function render(k){var f=FRAMES[k],d=decode(f),tot={},i,mb=0,rb=0;scaleFor(d);\n"
"  bars.forEach(function(b){b.textContent='';});\n"
"  d.mem.forEach(function(g){var ri=runOf(g[0]),r=RUNS[ri],e=el('div','mem');"
"place(e,ri,g[0],g[1]);"
"e.title='memory '+hex(g[0])+'-'+hex(g[1]-1)+' ('+human(g[1]-g[0])+')';"
"bars[ri].appendChild(e);mb+=g[1]-g[0];});\n"
"  d.rsv.forEach(function(g){var ri=runOf(g.b),r=RUNS[ri],e=el('div','rsv'),"
"t='reserved '+hex(g.b)+'-'+hex(g.e-1)+' ('+human(g.e-g.b)+')';\n"
"    place(e,ri,g.b,g.e);\n"
"    g.pc.forEach(function(pc){var n=pc[1]-pc[0],s=el('div','seg');"
"s.style.flexGrow=n;s.style.background=color(pc[2]);e.appendChild(s);"
"t+='\\n'+OWNERS[pc[2]]+': '+human(n)+' at '+hex(pc[0]);"
"tot[pc[2]]=(tot[pc[2]]||0)+n;});\n"
"    e.title=t;e.setAttribute('data-caller',OWNERS[g.pc[0][2]]);"
"e.onmouseenter=function(){info.textContent=t;};"
"bars[ri].appendChild(e);rb+=g.e-g.b;});\n"
"  legend.textContent='';Object.keys(tot).map(Number).sort(function(a,b){"
"return tot[b]-tot[a]||(OWNERS[a]<OWNERS[b]?-1:1);}).forEach(function(o){"
"var r=el('div','lg'),s=el('span','sw');s.style.background=color(o);r.appendChild(s);"
"r.appendChild(document.createTextNode(OWNERS[o]+' - '+human(tot[o])));"
"legend.appendChild(r);});\n"
"  status.textContent='after event '+f.at+' of '+NEVENTS+' (snapshot '+(k+1)+'/'"
"+FRAMES.length+'): memory '+human(mb)+' in '+d.mem.length+' regions, reserved '"
"+human(rb)+' in '+d.rsv.length+' regions'+(f.x?'':' (regions from coverage)')"
"+(f.e?'\\nlast event: '+f.e:'');\n"
"  slider.value=k;document.body.setAttribute('data-at',f.at);"
"document.body.setAttribute('data-regions',d.rsv.length);"
"document.body.setAttribute('data-memory-regions',d.mem.length);}\n"
"function frameFor(n){var lo=0,hi=FRAMES.length-1;while(lo<hi){var mid=(lo+hi+1)>>1;"
"if(FRAMES[mid].at<=n)lo=mid;else hi=mid-1;}return lo;}\n"
"var scl=document.getElementById('scale');scl.value=LOG?'log':'linear';\n"
"scl.onchange=function(){LOG=scl.value==='log';render(+slider.value);};\n"
"function fromHash(){var m=/at=(\\d+)/.exec(location.hash);"
"render(frameFor(m?parseInt(m[1],10):START));}\n"
"slider.oninput=function(){var k=+slider.value;render(k);"
"try{history.replaceState(null,'','#at='+FRAMES[k].at);}catch(e){}};\n"
"var timer=null,play=document.getElementById('play');\n"
"play.onclick=function(){if(timer){clearInterval(timer);timer=null;play.textContent='play';"
"return;}if(+slider.value>=FRAMES.length-1)render(0);play.textContent='pause';"
"timer=setInterval(function(){var k=+slider.value+1;if(k>=FRAMES.length){"
"clearInterval(timer);timer=null;play.textContent='play';return;}render(k);},60);};\n"
"window.addEventListener('hashchange',fromHash);\n"
"window.mbRender=render;window.mbFrameFor=frameFor;\n"
"fromHash();\n"
"})();\n"
"</script>\n";

/**
 * map_render_html() - write the self-contained HTML page with a timeline
 * @out: stream
 * @m: model; reset and replayed (twice) by this function
 * @o: @width (pixels, for the page's max width) and @title
 * @budget_pieces: bound on the total reserved pieces over all embedded
 *   snapshots; fewer snapshots are embedded for busier captures
 *
 * The page embeds snapshots at evenly spaced event counts (every event for
 * small captures), always including the initial and the final state.
 * Region boundaries are memblock's (captured arrays, or a host replay per
 * snapshot for small captures); otherwise the merged coverage.
 *
 * Return: 0, or -1 when out of memory.
 */
int map_render_html(FILE *out, struct map_model *m, const struct map_opts *o,
		    size_t budget_pieces)
{
	const struct mb_capture *cap = m->cap;
	struct map_segs ext = { 0 };
	struct mba_imap eim;
	struct mba_seg *ev = NULL;
	size_t nev = 0;
	struct map_snapshot s;
	struct map_run *runs = NULL;
	size_t nruns = 0, maxsegs = 1, nframes, k, i, last = SIZE_MAX;
	size_t n = cap->nevents;
	char dropped[200] = "";
	bool exact;
	int ret = -1;

	/* Pass 1: the fixed layout and the busiest moment. */
	mba_imap_init(&eim);
	if (map_model_reset(m))
		goto out;
	if (cap->initial.valid && (extent_add_array(&eim, &cap->initial.memory) ||
				   extent_add_array(&eim, &cap->initial.reserved)))
		goto out;
	while (m->at < n) {
		if (extent_add_event(&eim, &cap->events[m->at]) || map_model_step(m))
			goto out;
		if (m->own.reserved.n + m->own.memory.n > maxsegs)
			maxsegs = m->own.reserved.n + m->own.memory.n;
	}
	if (cap->final.valid && (extent_add_array(&eim, &cap->final.memory) ||
				 extent_add_array(&eim, &cap->final.reserved)))
		goto out;
	if (mba_imap_flatten(&eim, &ev, &nev))
		goto out;
	ext.v = malloc((nev ? nev : 1) * sizeof(*ext.v));
	if (!ext.v)
		goto out;
	for (i = 0; i < nev; i++)
		ext.v[i] = (struct map_seg){ ev[i].base, ev[i].end, 0 };
	ext.n = ext.cap = nev;
	/* adjacent pieces painted by different events are one stretch */
	for (i = 1, k = 0; i < ext.n; i++) {
		if (ext.v[k].end == ext.v[i].base)
			ext.v[k].end = ext.v[i].end;
		else
			ext.v[++k] = ext.v[i];
	}
	if (ext.n)
		ext.n = k + 1;
	if (map_layout_runs(&ext, HTML_MAX_RUNS, &runs, &nruns))
		goto out;
	nframes = budget_pieces / maxsegs;
	if (nframes > HTML_MAX_FRAMES)
		nframes = HTML_MAX_FRAMES;
	if (nframes < 2)
		nframes = 2;
	if (nframes > n + 1)
		nframes = n + 1;

	if (cap->log_dropped)
		snprintf(dropped, sizeof(dropped), "<div id=\"dropped\" style=\"color:#c00000\">"
			 "INCOMPLETE: the log dropped %" PRIu64 " calls (it was full); the map misses "
			 "them</div>\n", cap->log_dropped);
	/* memblock's own regions (a replay per snapshot) while that is cheap */
	exact = (unsigned __int128)nframes * n <= HTML_EXACT_STEPS;
	fputs(page_head, out);
	fputs("<title>", out);
	map_xml_escape(out, o->title ? o->title : "memblock map");
	fputs("</title>\n", out);
	fputs(page_style, out);
	fprintf(out, "</head><body style=\"max-width:%dpx\">\n<h1>", o->width);
	map_xml_escape(out, o->title ? o->title : "memblock map");
	fprintf(out, "</h1>\n<div>physical address space: memory (green), reserved (coloured by "
		"caller; hover for details), holes collapsed; log scale: every stretch "
		"visible, widths by log2 of its size</div>\n"
		"<div id=\"controls\"><button id=\"play\">play</button>"
		"<select id=\"scale\" title=\"bar scale\"><option value=\"log\">log scale"
		"</option><option value=\"linear\">linear scale</option></select>"
		"<input id=\"slider\" type=\"range\" min=\"0\" max=\"0\" value=\"0\">"
		"</div>\n%s<div id=\"status\"></div>\n"
		"<div id=\"info\">hover a reserved range for its callers</div>\n"
		"<div id=\"map\"></div>\n<h2 style=\"font-size:14px\">reserved, by caller</h2>"
		"<div id=\"legend\"></div>\n", dropped);

	/* Pass 2: the snapshots. */
	fprintf(out, "<script>\nvar NEVENTS=%zu;\nvar START=%zu;\nvar SCALE_LOG=%s;\nvar FRAMES=[",
		n, o->start_at < n ? o->start_at : n, o->log_scale ? "true" : "false");
	if (map_model_reset(m))
		goto out;
	for (k = 0; k < nframes; k++) {
		size_t at = nframes == 1 ? n :
			(size_t)((unsigned __int128)n * k / (nframes - 1));

		if (at == last)
			continue;
		last = at;
		if (map_model_seek(m, at) ||
		    (exact ? map_snapshot_exact(m, &s) : map_model_snapshot(m, &s)))
			goto out;
		emit_frame(out, cap, &s, k == 0);
		map_snapshot_free(&s);
	}
	fprintf(out, "];\nvar RUNS=[");
	for (i = 0; i < nruns; i++)
		fprintf(out, "%s[%" PRIu64 ",%" PRIu64 "]", i ? "," : "", runs[i].base,
			runs[i].end);
	if (!nruns)
		fprintf(out, "[0,4096]");
	fprintf(out, "];\nvar OWNERS=[");
	for (i = 0; i < m->nowners; i++) {
		if (i)
			fputc(',', out);
		js_string(out, m->owners[i]);
	}
	fprintf(out, "];\nvar COLORS=[");
	for (i = 0; i < m->nowners; i++) {
		char col[8];

		fprintf(out, "%s\"%s\"", i ? "," : "", map_color(m, (uint32_t)i, col));
	}
	fprintf(out, "];\n</script>\n");
	fputs(page_script, out);
	fputs("</body></html>\n", out);
	ret = 0;
out:
	mba_imap_free(&eim);
	free(ev);
	map_segs_free(&ext);
	free(runs);
	return ret;
}
