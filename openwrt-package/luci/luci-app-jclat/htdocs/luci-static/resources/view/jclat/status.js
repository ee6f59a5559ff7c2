'use strict';
'require view';
'require rpc';
'require poll';
'require dom';

/*
 * Status -> CLAT: what every running jclat reports in its status file, read through the rpcd plugin
 * luci.jclat (getStatus), refreshed every POLL_SECONDS, with a graph of packets per second in each
 * direction computed from the growth of the packet counters between two polls.
 */

var POLL_SECONDS = 2;
var GRAPH_SAMPLES = 90;
/* The daemon rewrites its file every second; older than this, it has most likely died. */
var STALE_SECONDS = 5;
var SVG_NS = 'http://www.w3.org/2000/svg';
var GRAPH_W = 600, GRAPH_H = 150;

var callGetStatus = rpc.declare({
	object: 'luci.jclat',
	method: 'getStatus',
	expect: { '': {} }
});

function fmtBytes(n) {
	var units = [ 'B', 'KiB', 'MiB', 'GiB', 'TiB' ], i = 0;
	n = Number(n) || 0;
	while (n >= 1024 && i < units.length - 1) {
		n /= 1024;
		i++;
	}
	return (i == 0 ? String(n) : n.toFixed(2)) + ' ' + units[i];
}

function fmtDuration(seconds) {
	var s = Math.max(0, Math.floor(Number(seconds) || 0)),
	    d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
	    m = Math.floor(s % 3600 / 60), parts = [];
	if (d) parts.push(d + 'd');
	if (d || h) parts.push(h + 'h');
	if (d || h || m) parts.push(m + 'm');
	parts.push(s % 60 + 's');
	return parts.join(' ');
}

function fmtExpiry(seconds) {
	return seconds < 0 ? _('never') : _('in') + ' ' + fmtDuration(seconds);
}

function fmtRate(r) {
	return (r < 10 ? r.toFixed(1) : String(Math.round(r))) + ' ' + _('pkt/s');
}

/* A value cell the page and its tests can find: data-field names it, data-value holds the raw value. */
function cell(field, value, text) {
	return E('td', { 'class': 'td left', 'data-field': field, 'data-value': String(value) },
		[ text != null ? text : String(value) ]);
}

function keyValueTable(rows) {
	return E('table', { 'class': 'table' }, rows.map(function(r) {
		return E('tr', { 'class': 'tr' }, [
			E('td', { 'class': 'td left', 'width': '33%' }, [ r[0] ]),
			r[1]
		]);
	}));
}

function headerRow(titles) {
	return E('tr', { 'class': 'tr table-titles' }, titles.map(function(t) {
		return E('th', { 'class': 'th' }, [ t ]);
	}));
}

return view.extend({
	/* Per instance: the last counters seen and the packet rates derived from them. */
	history: {},

	load: function() {
		return this.fetch();
	},

	fetch: function() {
		return callGetStatus().then(function(instances) {
			return { instances: instances };
		}, function(err) {
			return { error: String(err && err.message || err) };
		});
	},

	/* Appends one rate sample per direction; a counter that went back means the daemon restarted. */
	sample: function(name, st) {
		var c = st.counters || {}, now = Date.now() / 1000,
		    h = this.history[name] || (this.history[name] = { rates4to6: [], rates6to4: [] });
		if (h.last != null && now > h.t) {
			var d4 = c.ipv4_in_packets - h.last.ipv4_in_packets,
			    d6 = c.ipv6_in_packets - h.last.ipv6_in_packets,
			    dt = now - h.t;
			h.rates4to6.push(d4 >= 0 ? d4 / dt : 0);
			h.rates6to4.push(d6 >= 0 ? d6 / dt : 0);
			if (h.rates4to6.length > GRAPH_SAMPLES) {
				h.rates4to6.shift();
				h.rates6to4.shift();
			}
		}
		h.last = { ipv4_in_packets: c.ipv4_in_packets || 0, ipv6_in_packets: c.ipv6_in_packets || 0 };
		h.t = now;
		return h;
	},

	svg: function(tag, attrs) {
		var n = document.createElementNS(SVG_NS, tag);
		for (var k in attrs)
			n.setAttribute(k, attrs[k]);
		return n;
	},

	/* dash: a stroke-dasharray, so a line drawn over another with the same rates leaves it visible. */
	polyline: function(rates, max, cls, colour, width, dash) {
		var step = GRAPH_W / (GRAPH_SAMPLES - 1), x0 = GRAPH_W - (rates.length - 1) * step,
		    points = rates.map(function(r, i) {
			return (x0 + i * step).toFixed(1) + ',' + (GRAPH_H - r / max * (GRAPH_H - 10)).toFixed(1);
		    });
		return this.svg('polyline', {
			'class': cls, 'fill': 'none', 'stroke': colour, 'stroke-width': width,
			'stroke-dasharray': dash || 'none',
			'points': points.join(' '),
			'data-last-rate': rates.length ? rates[rates.length - 1].toFixed(2) : '0'
		});
	},

	graph: function(h) {
		var peak = Math.max.apply(null, [ 1 ].concat(h.rates4to6, h.rates6to4)),
		    max = Math.pow(10, Math.ceil(Math.log10(peak * 1.1))),
		    g = this.svg('svg', {
			'class': 'jclat-graph', 'viewBox': '0 0 ' + GRAPH_W + ' ' + GRAPH_H,
			'width': '100%', 'height': GRAPH_H, 'preserveAspectRatio': 'none',
			'data-samples': String(h.rates4to6.length)
		    });
		if (max / 2 >= peak * 1.1)
			max /= 2;
		for (var i = 1; i < 4; i++) {
			var y = (GRAPH_H - i * (GRAPH_H - 10) / 4).toFixed(1);
			g.appendChild(this.svg('line', { 'x1': 0, 'x2': GRAPH_W, 'y1': y, 'y2': y,
				'stroke': '#ccc', 'stroke-dasharray': '3,3' }));
		}
		/* Equal rates in both directions draw the same line twice: the one on top is dashed (and the one
		   below wider), so both stay visible; the legend gives both values. */
		g.appendChild(this.polyline(h.rates4to6, max, 'jclat-graph-4to6', '#1f77b4', '3'));
		g.appendChild(this.polyline(h.rates6to4, max, 'jclat-graph-6to4', '#2ca02c', '2', '8,6'));
		var last = function(a) { return a.length ? a[a.length - 1] : 0; };
		return E('div', {}, [
			g,
			E('div', { 'class': 'jclat-graph-legend' }, [
				E('span', { 'style': 'color:#1f77b4' }, [ '\u25a0 ' + _('IPv4 \u2192 IPv6') + ': ' + fmtRate(last(h.rates4to6)) ]),
				' \u00a0 ',
				E('span', { 'style': 'color:#2ca02c' }, [ '\u2504 ' + _('IPv6 \u2192 IPv4') + ': ' + fmtRate(last(h.rates6to4)) ]),
				' \u00a0 ',
				E('small', { 'class': 'jclat-graph-scale', 'data-value': String(max) }, [
					_('scale 0 to %s, dashed lines at quarters; a sample every %d s, the last %d shown').replace('%s', fmtRate(max))
						.replace('%d', POLL_SECONDS).replace('%d', GRAPH_SAMPLES) ])
			])
		]);
	},

	/* The state as a badge holding only the state word, and what it means as plain text beside it: themes
	   style a badge (bootstrap upper-cases it), which suits a word, not a sentence. */
	stateCell: function(st) {
		var age = st.status_age_seconds || 0, stale = age > STALE_SECONDS,
		    word = stale ? 'stale' : st.state,
		    detail = stale ? _('no update for %s; is jclat still running?').replace('%s', fmtDuration(age))
			: (st.error || '');
		return cell('state', word, E('span', {}, [
			E('span', { 'class': 'label jclat-state ' + (stale || st.state == 'error' ? 'warning'
				: st.state == 'running' ? 'success' : 'notice') }, [ stale ? _('stale') : st.state ]),
			detail ? ' ' : '',
			detail ? E('span', { 'class': 'jclat-state-detail' }, [ detail ]) : ''
		]));
	},

	overview: function(st) {
		return keyValueTable([
			[ _('State'), this.stateCell(st) ],
			[ _('Mode'), cell('mode', st.mode) ],
			[ _('NAT64 prefix'), cell('pref64', st.pref64 || '',
				st.pref64 ? st.pref64 + ' (' + st.pref64_source + ', ' + _('expires') + ' ' +
					fmtExpiry(st.pref64_expires_in) + ')' : _('none yet')) ],
			[ _('CLAT IPv4'), cell('clat_ipv4', st.clat_ipv4 || '', st.clat_ipv4 || '-') ],
			[ _('CLAT IPv6'), cell('clat_ipv6', st.clat_ipv6 || '', st.clat_ipv6 || '-') ],
			[ _('TUN'), cell('tun', st.tun, st.tun + ' (MTU ' + st.tun_mtu + ', ' + _('IPv4 MTU') + ' ' + st.ipv4_mtu + ')') ],
			[ _('Uplink'), cell('uplink', st.uplink) ],
			[ _('Native IPv4'), cell('native_ipv4', !!st.native_ipv4, st.native_ipv4 ? _('yes: standing by') : _('no')) ],
			[ _('Workers'), cell('workers', st.workers) ],
		].concat(st.fast_path ? [ [ _('Fast path'), this.fastPathCell(st.fast_path) ] ] : []).concat([
			[ _('Uptime'), cell('uptime_seconds', st.uptime_seconds, fmtDuration(st.uptime_seconds)) ]
		]));
	},

	/* The kernel fast path: its state and how many packets it translated; the rest of the traffic table's
	   totals took the TUN path. */
	fastPathCell: function(fp) {
		var text = fp.state + (fp.hook ? ' (' + fp.hook + ')' : '') + (fp.reason ? ': ' + fp.reason : '');
		if (fp.state != 'off')
			text += '; ' + _('in the kernel') + ' ' + (fp.packets_4to6 || 0) + ' IPv4 \u2192 IPv6, ' +
				(fp.packets_6to4 || 0) + ' IPv6 \u2192 IPv4 ' + _('packets') + '; ' + _('passed to the TUN path') +
				' ' + (fp.passed_4to6 || 0) + ', ' + (fp.passed_6to4 || 0);
		return cell('fast_path', fp.state, text);
	},

	traffic: function(st, h) {
		var c = st.counters || {}, last = function(a) { return a.length ? a[a.length - 1] : 0; };
		var row = function(title, inP, inB, outP, outB, tr, rate, rateField) {
			return E('tr', { 'class': 'tr' }, [
				E('td', { 'class': 'td left' }, [ title ]),
				cell(inP, c[inP] || 0), cell(inB, c[inB] || 0, fmtBytes(c[inB])),
				cell(outP, c[outP] || 0), cell(outB, c[outB] || 0, fmtBytes(c[outB])),
				cell(tr, c[tr] || 0), cell(rateField, rate.toFixed(2), fmtRate(rate))
			]);
		};
		return E('table', { 'class': 'table' }, [
			headerRow([ _('Direction'), _('Packets in'), _('Bytes in'), _('Packets out'), _('Bytes out'),
				_('Translated'), _('Rate') ]),
			row(_('IPv4 \u2192 IPv6'), 'ipv4_in_packets', 'ipv4_in_bytes', 'ipv6_out_packets',
				'ipv6_out_bytes', 'translated_4to6', last(h.rates4to6), 'rate_4to6'),
			row(_('IPv6 \u2192 IPv4'), 'ipv6_in_packets', 'ipv6_in_bytes', 'ipv4_out_packets',
				'ipv4_out_bytes', 'translated_6to4', last(h.rates6to4), 'rate_6to4')
		]);
	},

	icmp: function(st) {
		var c = st.counters || {};
		return keyValueTable([
			[ _('ICMPv4 errors sent'), cell('icmp4_errors_sent', c.icmp4_errors_sent || 0) ],
			[ _('ICMPv6 errors sent'), cell('icmp6_errors_sent', c.icmp6_errors_sent || 0) ],
			[ _('ICMP errors rate-limited'), cell('icmp_errors_rate_limited', c.icmp_errors_rate_limited || 0) ],
			[ _('Fragments made'), cell('fragments_made', c.fragments_made || 0) ],
			[ _('Hairpinned'), cell('hairpinned', c.hairpinned || 0) ]
		]);
	},

	drops: function(st) {
		var d = st.drops || {}, reasons = Object.keys(d).sort(function(a, b) { return d[b] - d[a]; });
		if (!reasons.length)
			return E('p', { 'data-field': 'drops-none' }, [ _('No packet dropped.') ]);
		return E('table', { 'class': 'table' }, [ headerRow([ _('Reason'), _('Packets') ]) ].concat(
			reasons.map(function(r) {
				return E('tr', { 'class': 'tr' }, [
					E('td', { 'class': 'td left' }, [ r ]),
					cell('drop:' + r, d[r])
				]);
			})));
	},

	plat: function(st) {
		var list = st.prefixes || [];
		var rows = list.map(function(p) {
			return E('tr', { 'class': 'tr', 'data-prefix': p.prefix }, [
				cell('candidate-prefix', p.prefix, p.prefix + (p.active ? ' \u2714' : '')),
				cell('candidate-source', p.source, p.source + (p.origin ? ' (' + p.origin + ')' : '')),
				cell('candidate-expires', p.expires_in, fmtExpiry(p.expires_in)),
				cell('candidate-health', p.health)
			]);
		});
		return E('div', {}, [
			list.length ? E('table', { 'class': 'table' },
				[ headerRow([ _('Prefix'), _('Source'), _('Expires'), _('PLAT health') ]) ].concat(rows))
				: E('p', {}, [ _('No NAT64 prefix known.') ]),
			keyValueTable([
				[ _('DNS discovery (RFC 7050)'), cell('dns', st.dns || '', st.dns || '-') ],
				[ _('Router Advertisements (RFC 8781)'), cell('ra', st.ra || '', st.ra || '-') ]
			])
		]);
	},

	instance: function(name, st) {
		var h = this.sample(name, st);
		return E('div', { 'class': 'cbi-section', 'data-instance': name }, [
			E('h3', {}, [ _('Instance') + ' ' + name ]),
			this.overview(st),
			E('h4', {}, [ _('Packets per second') ]),
			this.graph(h),
			E('h4', {}, [ _('Traffic') ]),
			this.traffic(st, h),
			E('h4', {}, [ _('ICMP errors and more') ]),
			this.icmp(st),
			E('h4', {}, [ _('Drops by reason') ]),
			this.drops(st),
			E('h4', {}, [ _('NAT64 prefixes and PLAT health') ]),
			this.plat(st)
		]);
	},

	update: function(container, data) {
		var nodes;
		if (data.error != null) {
			nodes = [ E('p', { 'class': 'alert-message warning', 'data-field': 'error' },
				[ _('Cannot read the CLAT status: %s').replace('%s', data.error) ]) ];
		} else {
			var names = Object.keys(data.instances || {}).sort();
			nodes = names.length ? names.map(L.bind(function(n) {
				return this.instance(n, data.instances[n]);
			}, this)) : [ E('p', { 'class': 'alert-message', 'data-field': 'none' },
				[ _('No jclat is running: there is no status file in /var/run/jclat.') ]) ];
		}
		dom.content(container, nodes);
	},

	render: function(data) {
		var container = E('div', { 'id': 'jclat-instances' });
		this.update(container, data);
		poll.add(L.bind(function() {
			return this.fetch().then(L.bind(this.update, this, container));
		}, this), POLL_SECONDS);
		return E('div', { 'class': 'cbi-map' }, [
			E('h2', {}, [ _('CLAT') ]),
			E('div', { 'class': 'cbi-map-descr' }, [
				_('The 464XLAT customer-side translator (jclat): its NAT64 prefix, addresses and traffic.') ]),
			container
		]);
	},

	handleSave: null,
	handleSaveApply: null,
	handleReset: null
});
