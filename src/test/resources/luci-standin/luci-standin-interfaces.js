'use strict';
/*
 * STAND-IN for the part of LuCI's Network -> Interfaces view (luci-mod-network) that edits one interface,
 * and for the "network" module's protocol registry; written for the tests, not LuCI's code. As the real
 * view does (read in openwrt/luci, modules/luci-mod-network/.../view/network/interfaces.js):
 *
 *  1. the protocol's form, protocol/PROTO.js, declares its options (renderFormOptions);
 *  2. then the view puts its own common options in, REPLACING any protocol option of the same name
 *     (tools/network.js replaceOption): among them "dns" ("Use custom DNS servers", datatype ipaddr,
 *     shown only when "peerdns" is off), "peerdns", "defaultroute", "dns_search", "dns_metric", "metric";
 *  3. every option gets depends('proto', PROTO), merged into the depends it already has.
 *
 * An option hidden by its depends is removed on save (form.js parse without retain), so a protocol option
 * named "dns" is dropped from UCI whenever "Use DNS servers advertised by peer" stays on.
 *
 * When the package serves no protocol/464xlat.js (luci-app-jclat no longer ships one), the form used is
 * a STAND-IN for luci-proto-ipv6's stock 464XLAT form: the options that public file declares (ip6prefix
 * with datatype cidr6, tunlink, mtu with datatype max(9200)), written here from reading it, not copied.
 */
(function() {
	var M = window.standInModules, form = M.form, widgets = M['tools.widgets'];
	var registered = {};

	M.network = {
		registerPatternVirtual: function() {},
		registerErrorCode: function() {},
		registerProtocol: function(name, methods) {
			registered[name] = methods;
			return methods;
		},
		getIfnameOf: function(x) { return String(x); }
	};

	var stock464xlat = {
		getI18n: function() { return '464XLAT (CLAT)'; },
		renderFormOptions: function(s) {
			var o = s.taboption('general', form.Value, 'ip6prefix', 'NAT64 Prefix', 'Leave empty to autodetect');
			o.datatype = 'cidr6';
			o = s.taboption('advanced', widgets.NetworkSelect, 'tunlink', 'Tunnel Link');
			o = s.taboption('advanced', form.Value, 'mtu', 'Use MTU on tunnel interface');
			o.placeholder = '1280';
			o.datatype = 'max(9200)';
		}
	};

	function replaceOption(s, tab, Cls, name, title) {
		var old = s.getOption(name);
		if (old) {
			s.children = s.children.filter(function(o) { return o.option != name; });
			if (old.tab)
				s.tabs[old.tab].children = s.tabs[old.tab].children.filter(function(o) { return o.option != name; });
		}
		return s.taboption(tab, Cls, name, title);
	}

	/* The protocol form's source: the package's protocol/PROTO.js, else the stand-in of the stock one. */
	function protocolForm(proto) {
		return fetch('/luci-static/resources/protocol/' + proto + '.js').then(function(r) {
			if (r.ok)
				return r.text().then(function(source) {
					window.standIn.run(source);
					return { methods: registered[proto], from: 'package' };
				});
			if (proto == '464xlat')
				return { methods: stock464xlat, from: 'stand-in of luci-proto-ipv6' };
			throw new Error('no form for protocol ' + proto);
		});
	}

	window.standIn.loadInterface = function(sid) {
		var m = new form.Map('network'), s = m.section(form.NamedSection, sid, 'interface'), proto;
		return M.uci.load('network').then(function() {
			proto = M.uci.get('network', sid, 'proto');
			return protocolForm(proto);
		}).then(function(pf) {
			s.tab('general', 'General Settings');
			s.tab('advanced', 'Advanced Settings');
			var o = s.taboption('general', form.ListValue, 'proto', 'Protocol');
			o.value(proto, pf.methods.getI18n());
			pf.methods.renderFormOptions.call(Object.assign({ sid: sid }, pf.methods), s);

			o = replaceOption(s, 'advanced', form.Flag, 'defaultroute', 'Use default gateway');
			o.default = o.enabled;
			o = replaceOption(s, 'advanced', form.Flag, 'peerdns', 'Use DNS servers advertised by peer');
			o.default = o.enabled;
			o = replaceOption(s, 'advanced', form.DynamicList, 'dns', 'Use custom DNS servers');
			o.depends('peerdns', '0');
			o.datatype = 'ipaddr';
			o = replaceOption(s, 'advanced', form.DynamicList, 'dns_search', 'DNS search domains');
			o.depends('peerdns', '0');
			o.datatype = 'hostname';
			o = replaceOption(s, 'advanced', form.Value, 'dns_metric', 'DNS weight');
			o.datatype = 'uinteger';
			o = replaceOption(s, 'advanced', form.Value, 'metric', 'Use gateway metric');
			o.datatype = 'uinteger';

			s.children.forEach(function(c) {
				if (c.option == 'proto')
					return;
				if (c.deps.length)
					c.deps.forEach(function(d) { d.proto = proto; });
				else
					c.depends('proto', proto);
			});
			window.standInForm = { from: pf.from, options: s.children.map(function(c) {
				return { option: c.option, tab: c.tab, title: c.title, datatype: c.datatype || '' };
			}) };
			return m.render();
		}).then(function(node) {
			window.standIn.show(node, M.view.extend({ render: function() {} }).prototype);
		}).catch(window.standInReport);
	};
})();
