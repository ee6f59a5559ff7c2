'use strict';
/*
 * STAND-IN for LuCI's "uci" and "form" modules (plus "tools.widgets" pickers as plain text fields), written
 * for the tests from what LuCI's public form.js/ui.js/uci.js do; it is not LuCI's code. It draws real
 * inputs, so a test types into them and presses Save, and it keeps the behaviour the jclat pages rely on:
 *
 *  - every widget gets a validator (luci-standin-validation.js) with the option's datatype (default
 *    "string") and the option's validate(section_id, value), on keyup and blur; a dynamic list checks
 *    the text in its add field and is invalid while that text is;
 *  - Save parses every option: an active option whose widget is invalid refuses the save with
 *    'Option "TITLE" contains an invalid input value. ERROR'; an empty one, or one at its default, is
 *    removed; a changed one is written; an option hidden by depends() is removed unless retain is set;
 *  - uci reads and writes go to the server as ubus "uci" get/set/delete, which the stand-in server
 *    allows only as far as the package's acl.d grants.
 */
(function() {
	var M = window.standInModules, validation = M.validation;

	/* ---- uci ---- */
	var uci = {
		state: {},
		pending: {},

		call: function(method, args) {
			return M.rpc.declare({ object: 'uci', method: method, params: Object.keys(args) })
				.apply(null, Object.keys(args).map(function(k) { return args[k]; }));
		},

		load: function(config) {
			return uci.call('get', { config: config }).then(function(reply) {
				uci.state[config] = (reply && reply.values) || {};
			});
		},

		get: function(config, sid, option) {
			var s = (uci.state[config] || {})[sid];
			return s == null ? null : option == null ? s : (s[option] != null ? s[option] : null);
		},

		sections: function(config, type) {
			var all = uci.state[config] || {};
			return Object.keys(all).map(function(k) { return all[k]; })
				.filter(function(s) { return type == null || s['.type'] == type; })
				.sort(function(a, b) { return (a['.index'] || 0) - (b['.index'] || 0); });
		},

		change: function(config, sid) {
			var p = uci.pending[config] || (uci.pending[config] = {});
			return p[sid] || (p[sid] = { set: {}, del: [] });
		},

		set: function(config, sid, option, value) {
			uci.state[config][sid][option] = value;
			uci.change(config, sid).set[option] = value;
		},

		unset: function(config, sid, option) {
			if (uci.get(config, sid, option) == null)
				return;
			delete uci.state[config][sid][option];
			uci.change(config, sid).del.push(option);
		},

		save: function() {
			var calls = [];
			Object.keys(uci.pending).forEach(function(config) {
				Object.keys(uci.pending[config]).forEach(function(sid) {
					var c = uci.pending[config][sid];
					if (Object.keys(c.set).length)
						calls.push(uci.call('set', { config: config, section: sid, values: c.set }));
					if (c.del.length)
						calls.push(uci.call('delete', { config: config, section: sid, options: c.del }));
				});
			});
			uci.pending = {};
			return Promise.all(calls);
		}
	};

	/* ---- widgets: a DOM node, its value, and whether its validator last passed ---- */
	function Widget(node) {
		this.node = node;
		this.valid = true;
		this.error = '';
		node.addEventListener('validation-success', (function() { this.valid = true; this.error = ''; }).bind(this));
		node.addEventListener('validation-failure', (function(ev) {
			this.valid = false;
			this.error = ev.detail.message;
		}).bind(this));
	}

	function textWidget(opt, sid, value) {
		var input = E('input', { 'type': 'text', 'class': 'cbi-input-text', 'id': 'widget.' + opt.cbid(sid),
			'placeholder': opt.placeholder }), w;
		input.value = value == null ? '' : (Array.isArray(value) ? value.join(' ') : value);
		w = new Widget(E('div', { 'id': opt.cbid(sid) }, [ input ]));
		w.getValue = function() { return input.value; };
		validation.attach(input, opt.datatype, opt.optional || opt.rmempty, opt.validate.bind(opt, sid),
			[ 'keyup', 'blur' ]);
		return w;
	}

	function listWidget(opt, sid, value) {
		var input = E('input', { 'type': 'text', 'class': 'cbi-input-text', 'id': 'widget.' + opt.cbid(sid),
			'placeholder': opt.placeholder }),
		    add = E('div', { 'class': 'add-item' }, [ input, E('button', { 'class': 'cbi-button-add' }, [ '+' ]) ]),
		    dl = E('div', { 'class': 'cbi-dynlist', 'id': opt.cbid(sid) }, [ add ]),
		    w = new Widget(dl);
		var addItem = function(v) {
			if (!v || w.items().indexOf(v) >= 0)
				return;
			dl.insertBefore(E('div', { 'class': 'item' }, [ E('span', [ v ]),
				E('input', { 'type': 'hidden', 'value': v }) ]), add);
		};
		w.items = function() {
			return Array.prototype.map.call(dl.querySelectorAll('.item > input'), function(i) { return i.value; });
		};
		w.getValue = function() {
			var v = w.items();
			if (/\S/.test(input.value) && !input.classList.contains('cbi-input-invalid') && v.indexOf(input.value) < 0)
				v.push(input.value);
			return v;
		};
		L.toArray(value).forEach(addItem);
		validation.attach(input, opt.datatype, true, opt.validate.bind(opt, sid), [ 'keyup', 'blur' ]);
		validation.attach(dl, opt.datatype, true, opt.validate.bind(opt, sid), [ 'standin-dynlist-change' ]);
		var commit = function() {
			if (input.value.length && !input.classList.contains('cbi-input-invalid')) {
				addItem(input.value);
				input.value = '';
				dl.dispatchEvent(new CustomEvent('standin-dynlist-change'));
			}
		};
		add.lastChild.addEventListener('click', function(ev) { ev.preventDefault(); commit(); });
		input.addEventListener('keydown', function(ev) { if (ev.keyCode == 13) { ev.preventDefault(); commit(); } });
		return w;
	}

	function selectWidget(opt, sid, value) {
		var select = E('select', { 'id': 'widget.' + opt.cbid(sid), 'class': 'cbi-input-select' },
			opt.keylist.map(function(k, i) { return E('option', { 'value': k }, [ opt.vallist[i] ]); }));
		select.value = value != null ? value : (opt.default != null ? opt.default : opt.keylist[0]);
		var w = new Widget(E('div', { 'id': opt.cbid(sid) }, [ select ]));
		w.getValue = function() { return select.value; };
		validation.attach(select, null, opt.optional || opt.rmempty, opt.validate.bind(opt, sid), [ 'change' ]);
		return w;
	}

	function flagWidget(opt, sid, value) {
		var box = E('input', { 'type': 'checkbox', 'id': 'widget.' + opt.cbid(sid) });
		box.checked = (value != null ? value : opt.default) == opt.enabled;
		var w = new Widget(E('div', { 'id': opt.cbid(sid) }, [ box ]));
		w.getValue = function() { return box.checked ? opt.enabled : opt.disabled; };
		return w;
	}

	/* ---- form ---- */
	function construct(Cls, args) {
		var o = Object.create(Cls.prototype);
		Cls.apply(o, args);
		return o;
	}

	function AbstractValue(section, option, title, description) {
		this.section = section;
		this.map = section.map;
		this.option = option;
		this.title = title;
		this.description = description;
		this.deps = [];
		this.rmempty = true;
		this.optional = false;
		this.widgets = {};
		this.keylist = [];
		this.vallist = [];
	}
	AbstractValue.prototype = {
		widget: textWidget,
		value: function(key, label) { this.keylist.push(String(key)); this.vallist.push(label != null ? label : key); },
		depends: function(field, value) {
			this.deps.push(typeof field == 'object' ? Object.assign({}, field) : { [field]: value });
		},
		validate: function(section_id, value) { return true; },
		cbid: function(sid) { return 'cbid.' + this.map.config + '.' + sid + '.' + this.option; },
		cfgvalue: function(sid) { return uci.get(this.map.config, sid, this.ucioption || this.option); },
		formvalue: function(sid) { return this.widgets[sid] ? this.widgets[sid].getValue() : null; },
		isActive: function(sid) {
			var section = this.section;
			return !this.deps.length || this.deps.some(function(d) {
				return Object.keys(d).every(function(k) {
					var other = section.getOption(k);
					return other != null && String(other.formvalue(sid)) == String(d[k]);
				});
			});
		},
		write: function(sid, v) { uci.set(this.map.config, sid, this.ucioption || this.option, v); },
		remove: function(sid) { uci.unset(this.map.config, sid, this.ucioption || this.option); },
		parse: function(sid) {
			var w = this.widgets[sid], active = this.isActive(sid);
			if (active && w && !w.valid)
				return Promise.reject(new TypeError('Option "' + (this.title || this.option)
					+ '" contains an invalid input value. ' + w.error));
			if (!active)
				return Promise.resolve(this.retain ? null : this.remove(sid));
			var fval = this.formvalue(sid), cval = this.cfgvalue(sid);
			if (fval == null || fval === '' || (Array.isArray(fval) && !fval.length)
					|| (fval == this.default && (this.optional || this.rmempty)))
				return Promise.resolve(this.remove(sid));
			if (JSON.stringify(L.toArray(fval)) != JSON.stringify(L.toArray(cval)))
				this.write(sid, fval);
			return Promise.resolve();
		},
		render: function(sid) {
			var w = this.widgets[sid] = this.widget(this, sid, this.cfgvalue(sid));
			return E('div', { 'class': 'cbi-value', 'data-name': this.option, 'data-field': this.cbid(sid) }, [
				E('label', { 'class': 'cbi-value-title', 'for': 'widget.' + this.cbid(sid) }, [ this.title || '' ]),
				E('div', { 'class': 'cbi-value-field' }, [ w.node,
					this.description ? E('div', { 'class': 'cbi-value-description' }, [ this.description ]) : '' ])
			]);
		}
	};

	function extend(base, proto) {
		var C = function() { base.apply(this, arguments); if (proto.init) proto.init.call(this); };
		C.prototype = Object.assign(Object.create(base.prototype), proto);
		return C;
	}

	var Value = extend(AbstractValue, {}),
	    DynamicList = extend(AbstractValue, { widget: listWidget }),
	    ListValue = extend(AbstractValue, { widget: selectWidget }),
	    Flag = extend(AbstractValue, {
		init: function() { this.enabled = '1'; this.disabled = '0'; this.default = this.disabled; },
		widget: flagWidget,
		parse: function(sid) {
			if (!this.isActive(sid))
				return Promise.resolve(this.retain ? null : this.remove(sid));
			var fval = this.formvalue(sid);
			if (fval == this.default && (this.optional || this.rmempty))
				return Promise.resolve(this.remove(sid));
			if (fval != this.cfgvalue(sid))
				this.write(sid, fval);
			return Promise.resolve();
		}
	});

	function TypedSection(map, type, title, description) {
		this.map = map;
		this.sectiontype = type;
		this.title = title;
		this.description = description;
		this.children = [];
		this.tabs = {};
		this.tab_names = [];
	}
	TypedSection.prototype = {
		filter: function() { return true; },
		cfgsections: function() {
			return uci.sections(this.map.config, this.sectiontype).map(function(s) { return s['.name']; })
				.filter(this.filter.bind(this));
		},
		tab: function(name, title) { this.tabs[name] = { title: title, children: [] }; this.tab_names.push(name); },
		taboption: function(tab, Cls, option, title, description) {
			var o = construct(Cls, [ this, option, title, description ]);
			o.tab = tab;
			this.children.push(o);
			if (tab != null)
				this.tabs[tab].children.push(o);
			return o;
		},
		option: function(Cls, option, title, description) {
			return this.taboption(null, Cls, option, title, description);
		},
		getOption: function(name) {
			return this.children.filter(function(o) { return o.option == name; })[0] || null;
		},
		render: function() {
			var sids = this.cfgsections(), self = this;
			var nodes = sids.map(function(sid) {
				var groups = self.tab_names.length ? self.tab_names.map(function(t) {
					return E('div', { 'class': 'cbi-tabcontainer', 'data-tab': t }, [ E('h5', [ self.tabs[t].title ]) ]
						.concat(self.tabs[t].children.map(function(o) { return o.render(sid); })));
				}) : self.children.map(function(o) { return o.render(sid); });
				return E('div', { 'class': 'cbi-section-node', 'data-section-id': sid },
					[ self.anonymous ? '' : E('h4', [ sid ]) ].concat(groups));
			});
			return E('div', { 'class': 'cbi-section', 'data-section-type': this.sectiontype }, [
				this.title ? E('h3', [ this.title ]) : '',
				this.description ? E('div', { 'class': 'cbi-section-descr' }, [ this.description ]) : ''
			].concat(nodes.length ? nodes : [ E('em', { 'class': 'cbi-section-placeholder' },
				[ 'This section contains no values yet' ]) ]));
		},
		parse: function() {
			var self = this;
			return Promise.all(this.cfgsections().map(function(sid) {
				return Promise.all(self.children.map(function(o) { return o.parse(sid); }));
			}));
		}
	};

	var NamedSection = extend(TypedSection, {});
	NamedSection.prototype.cfgsections = function() { return [ this.sid ]; };

	function Map(config, title, description) {
		this.config = config;
		this.title = title;
		this.description = description;
		this.children = [];
		this.data = uci;
	}
	Map.prototype = {
		section: function(Cls) {
			var rest = Array.prototype.slice.call(arguments, 1), s;
			if (Cls === NamedSection) {
				s = construct(Cls, [ this ].concat(rest.slice(1)));
				s.sid = rest[0];
			} else {
				s = construct(Cls, [ this ].concat(rest));
			}
			this.children.push(s);
			return s;
		},
		checkDepends: function() {
			this.children.forEach(function(s) {
				s.cfgsections().forEach(function(sid) {
					s.children.forEach(function(o) {
						var n = document.querySelector('[data-field="' + o.cbid(sid) + '"]');
						if (n)
							n.classList.toggle('hidden', !o.isActive(sid));
					});
				});
			});
		},
		render: function() {
			var self = this;
			return uci.load(this.config).then(function() {
				var node = E('div', { 'class': 'cbi-map' }, [
					self.title ? E('h2', [ self.title ]) : '',
					self.description ? E('div', { 'class': 'cbi-map-descr' }, [ self.description ]) : ''
				].concat(self.children.map(function(s) { return s.render(); })));
				node.standInMap = self;
				node.addEventListener('change', self.checkDepends.bind(self));
				setTimeout(self.checkDepends.bind(self), 0);
				return node;
			});
		},
		save: function() {
			return Promise.all(this.children.map(function(s) { return s.parse(); })).then(function() {
				return uci.save();
			});
		}
	};

	M.uci = uci;
	M.form = { Map: Map, TypedSection: TypedSection, NamedSection: NamedSection, Value: Value,
		DynamicList: DynamicList, ListValue: ListValue, Flag: Flag };
	/* The pickers of tools.widgets (zones, networks, devices) are plain text fields here. */
	M['tools.widgets'] = { ZoneSelect: Value, NetworkSelect: Value, DeviceSelect: Value };
})();
