'use strict';
/*
 * A STAND-IN for the few parts of LuCI's browser runtime the jclat status view uses: the globals E(), _()
 * and L (bind, isObject, resolveDefault), and the modules view (extend), rpc (declare), poll (add) and
 * dom (content). LuCI's real runtime needs uhttpd, rpcd sessions and ubus, which cannot run here, so the
 * tests load the REAL view file with this instead. Written for the tests from LuCI's documented API; it
 * is not LuCI's code. rpc.declare speaks ubus-over-HTTP JSON-RPC to /ubus, where the test server runs the
 * real rpcd plugin. Anything the view asks for that is not here fails loudly (window.standInErrors).
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

	var view = {
		extend: function(proto) {
			var View = function() {};
			View.prototype = Object.assign({ load: function() { return null; } }, proto);
			return View;
		}
	};

	/* For protocol forms: recording stand-ins of form, network and tools.widgets. They keep what the
	   form declares (window.standInForm) instead of drawing it; LuCI's form widgets are not here. */
	var recorded = window.standInForm = { options: [], virtual: [] };
	var form = {}, widgets = {};
	[ 'Value', 'DynamicList', 'ListValue', 'Flag', 'MultiValue' ].forEach(function(n) { form[n] = 'form.' + n; });
	[ 'NetworkSelect', 'ZoneSelect', 'DeviceSelect' ].forEach(function(n) { widgets[n] = 'widgets.' + n; });
	var network = {
		registerPatternVirtual: function(re) { recorded.virtual.push(String(re)); },
		registerProtocol: function(name, methods) {
			recorded.protocol = name;
			recorded.methods = methods;
			return methods;
		},
		getIfnameOf: function(x) { return String(x); }
	};

	var modules = { view: view, rpc: rpc, poll: poll, dom: dom, form: form, network: network,
		'tools.widgets': widgets };

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

	/* Loads a view the way LuCI does in principle: read its 'require' directives, hand it those modules,
	   run load(), then render() into #view. */
	window.standIn = {
		loadView: function(path) {
			return fetchText('/luci-static/resources/view/' + path + '.js').then(function(source) {
				var View = run(source), v = new View();
				return Promise.resolve(v.load()).then(function(data) {
					return v.render(data);
				}).then(function(node) {
					dom.content(document.getElementById('view'), node);
				});
			}).catch(report);
		},

		/* Loads protocol/NAME.js and lets it declare its form on a recording section. */
		loadProtocol: function(name) {
			return fetchText('/luci-static/resources/protocol/' + name + '.js').then(function(source) {
				run(source);
				var section = {
					section: 'wan6',
					taboption: function(tab, widget, option, title, description) {
						var o = { tab: tab, widget: widget, option: option, title: title,
							description: description, values: [] };
						o.value = function(key) { o.values.push(key); };
						recorded.options.push(o);
						return o;
					}
				};
				recorded.methods.renderFormOptions(section);
				recorded.i18n = recorded.methods.getI18n();
				recorded.packageName = recorded.methods.getPackageName();
				document.getElementById('view').textContent = 'protocol ' + recorded.protocol + ' declared';
			}).catch(report);
		}
	};
})();
