'use strict';
/*
 * A STAND-IN for the parts of LuCI's browser runtime the jclat pages use: the globals E(), _() and L (bind,
 * isObject, toArray, resolveDefault), and the modules view (extend; its default handleSave saves the
 * page's form maps), rpc (declare), poll (add) and dom (content). luci-standin-validation.js,
 * luci-standin-form.js and luci-standin-interfaces.js add validation, uci, form, tools.widgets, network
 * and the interface editor of Network -> Interfaces. LuCI's real runtime needs uhttpd, rpcd sessions and
 * ubus, which cannot run here, so the tests load the REAL view files with this instead. Written for the
 * tests from LuCI's public source and documented API; it is not LuCI's code. rpc.declare speaks
 * ubus-over-HTTP JSON-RPC to /ubus, where the test server runs the real rpcd plugin and keeps the UCI
 * state. Anything a view asks for that is not here fails loudly (window.standInErrors).
 */
(function() {
	var errors = window.standInErrors = [];

	function report(err) {
		var msg = String(err && err.stack || err);
		errors.push(msg);
		var box = document.getElementById('standin-error');
		if (box)
			box.textContent += msg + '\n';
	}

	window.addEventListener('error', function(ev) { report(ev.error || ev.message); });
	window.addEventListener('unhandledrejection', function(ev) { report(ev.reason); });

	function isObject(o) {
		return o != null && typeof o == 'object' && !Array.isArray(o);
	}

	function append(node, children) {
		if (children == null || children === false)
			return;
		if (Array.isArray(children))
			children.forEach(function(c) { append(node, c); });
		else if (children instanceof Node)
			node.appendChild(children);
		else
			node.appendChild(document.createTextNode(String(children)));
	}

	/* E(tag, attrs?, children?): attrs may be left out; functions become event listeners. */
	window.E = function(tag, attrs, children) {
		if (!isObject(attrs) || attrs instanceof Node) {
			children = attrs;
			attrs = null;
		}
		var el = document.createElement(tag);
		for (var k in (attrs || {})) {
			var v = attrs[k];
			if (typeof v == 'function')
				el.addEventListener(k, v);
			else if (v != null)
				el.setAttribute(k, isObject(v) ? JSON.stringify(v) : v);
		}
		append(el, children);
		return el;
	};

	/* No translation catalogue: the source strings are shown. */
	window._ = function(s) { return s; };

	window.L = {
		bind: function(fn, self) {
			var bound = Array.prototype.slice.call(arguments, 2);
			return function() {
				return fn.apply(self, bound.concat(Array.prototype.slice.call(arguments)));
			};
		},
		isObject: isObject,
		/* null -> [], an array as it is, anything else split on white space, as LuCI's L.toArray. */
		toArray: function(v) {
			if (v == null)
				return [];
			if (Array.isArray(v))
				return v;
			var t = String(v).trim();
			return t === '' ? [] : t.split(/\s+/);
		},
		resolveDefault: function(p, def) {
			return Promise.resolve(p).catch(function() { return def; });
		}
	};

	var dom = {
		content: function(node, children) {
			while (node.firstChild)
				node.removeChild(node.firstChild);
			append(node, children);
			return node;
		}
	};

	var ubusId = 0;

	/* The reply shaped by "expect": { key: default }, key '' meaning the whole reply; a reply of
	   another type than the default gives the default. */
	function applyExpect(expect, data) {
		if (!isObject(expect))
			return data;
		var key = Object.keys(expect)[0], def = expect[key],
		    v = key === '' ? data : (isObject(data) ? data[key] : undefined);
		if (def != null && (Array.isArray(def) != Array.isArray(v) || typeof def != typeof v || v == null))
			return def;
		return v;
	}

	var rpc = {
		declare: function(opts) {
			return function() {
				var args = {}, names = opts.params || [];
				for (var i = 0; i < names.length; i++)
					args[names[i]] = arguments[i];
				return fetch('/ubus', {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ jsonrpc: '2.0', id: ++ubusId, method: 'call',
						params: [ '00000000000000000000000000000000', opts.object, opts.method, args ] })
				}).then(function(r) { return r.json(); }).then(function(reply) {
					if (reply.error)
						throw new Error('ubus: ' + reply.error.message);
					if (reply.result[0] !== 0)
						throw new Error('ubus status ' + reply.result[0] + ' for ' + opts.object + '.' + opts.method);
					return applyExpect(opts.expect, reply.result[1]);
				});
			};
		}
	};

	/* poll.add(fn, seconds): fn returns a promise; the next run waits for it, as LuCI's poller does. */
	var poll = {
		add: function(fn, interval) {
			var tick = function() {
				Promise.resolve().then(fn).catch(report).then(function() {
					setTimeout(tick, (interval || 5) * 1000);
				});
			};
			setTimeout(tick, (interval || 5) * 1000);
		}
	};

	/* view.extend: load() then render(); the default handleSave saves every form map the view drew, as
	   LuCI's view does for the page's Save button. A view that sets handleSave to null has no button. */
	var view = {
		extend: function(proto) {
			var View = function() {};
			View.prototype = Object.assign({
				load: function() { return null; },
				handleSave: function() {
					var maps = Array.prototype.slice.call(document.querySelectorAll('#view .cbi-map'))
						.map(function(n) { return n.standInMap; }).filter(Boolean);
					return Promise.all(maps.map(function(m) { return m.save(); }));
				}
			}, proto);
			return View;
		}
	};

	/* The modules a view or protocol file may 'require'; luci-standin-form.js adds form, validation, uci,
	   network and tools.widgets. */
	var modules = window.standInModules = { view: view, rpc: rpc, poll: poll, dom: dom };
	window.standInReport = report;

	function run(source) {
		var names = [], values = [], re = /^\s*(['"])require\s+([\w.]+)(?:\s+as\s+(\w+))?\1\s*;?\s*$/gm, m;
		while ((m = re.exec(source)) != null) {
			if (!modules.hasOwnProperty(m[2]))
				throw new Error('the stand-in has no module "' + m[2] + '"');
			names.push(m[3] || m[2].split('.').pop());
			values.push(modules[m[2]]);
		}
		return Function.apply(null, names.concat([ source ])).apply(window.L, values);
	}

	function fetchText(url) {
		return fetch(url).then(function(r) {
			if (!r.ok)
				throw new Error(url + ': HTTP ' + r.status);
			return r.text();
		});
	}

	function show(node, v) {
		dom.content(document.getElementById('view'), node);
		var bar = document.getElementById('standin-actions');
		if (v && typeof v.handleSave == 'function' && bar)
			dom.content(bar, E('button', { 'id': 'standin-save', 'class': 'cbi-button cbi-button-save',
				'click': function() { standIn.save(v); } }, [ 'Save' ]));
	}

	window.standIn = {
		run: run,
		fetchText: fetchText,
		show: show,

		/* Loads a view the way LuCI does in principle: read its 'require' directives, hand it those
		   modules, run load(), then render() into #view. */
		loadView: function(path) {
			return fetchText('/luci-static/resources/view/' + path + '.js').then(function(source) {
				var View = run(source), v = new View();
				return Promise.resolve(v.load()).then(function(data) {
					return v.render(data);
				}).then(function(node) {
					show(node, v);
				});
			}).catch(report);
		},

		/* The page's Save button: what saving did lands in #standin-result ("saved" or the error LuCI
		   would show in its "Save error" dialog). */
		save: function(v) {
			var out = document.getElementById('standin-result');
			out.textContent = '';
			return Promise.resolve().then(function() { return v.handleSave(); }).then(function() {
				out.textContent = 'saved';
			}, function(err) {
				out.textContent = 'error: ' + String(err && err.message || err);
			});
		}
	};
})();
