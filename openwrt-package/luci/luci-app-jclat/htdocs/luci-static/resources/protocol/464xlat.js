'use strict';
'require form';
'require network';
'require tools.widgets as widgets';

/*
 * The 464XLAT interface protocol as jclat's netifd handler (/lib/netifd/proto/464xlat.sh) runs it: the
 * options OpenWrt's 464xlat takes (ip6prefix, tunlink, zone, mtu) plus jclat's own. Option names are
 * the UCI names the handler reads; empty options leave jclat's defaults (docs/running.md).
 */

network.registerPatternVirtual(/^464-.+$/);

function validPrefixLength(len) {
	/* RFC 6052 section 2.2: the NAT64 prefix is /32, /40, /48, /56, /64 or /96. */
	return [ 32, 40, 48, 56, 64, 96 ].indexOf(+len) >= 0;
}

return network.registerProtocol('464xlat', {
	getI18n: function() {
		return _('464XLAT (CLAT, jclat)');
	},

	getIfname: function() {
		return this._ubus('l3_device') || '464-%s'.format(this.sid);
	},

	getPackageName: function() {
		return 'jclat';
	},

	isFloating: function() {
		return true;
	},

	isVirtual: function() {
		return true;
	},

	getDevices: function() {
		return null;
	},

	containsDevice: function(ifname) {
		return (network.getIfnameOf(ifname) == this.getIfname());
	},

	renderFormOptions: function(s) {
		var o;

		o = s.taboption('general', form.Value, 'ip6prefix', _('NAT64 prefix'),
			_('Leave empty to learn it from the network (Router Advertisements, RFC 8781; DNS, RFC 7050).'));
		o.datatype = 'cidr6';
		o.validate = function(section_id, value) {
			if (value == null || value == '')
				return true;
			var len = value.split('/')[1];
			return (len != null && validPrefixLength(len)) ||
				_('A NAT64 prefix is /32, /40, /48, /56, /64 or /96 (RFC 6052)');
		};

		o = s.taboption('general', form.DynamicList, 'pref64', _('Failover NAT64 prefixes'),
			_('More static prefixes, in order of preference; jclat switches to the next when a PLAT fails its probes.'));
		o.datatype = 'cidr6';

		o = s.taboption('general', form.Value, 'pref64_source', _('Prefix sources'),
			_('Where the prefix may come from, in priority order: static, ra, dns (comma-separated).'));
		o.placeholder = 'static,ra,dns';
		o.validate = function(section_id, value) {
			if (value == null || value == '')
				return true;
			var seen = {}, parts = value.split(',');
			for (var i = 0; i < parts.length; i++) {
				var p = parts[i].trim();
				if ([ 'static', 'ra', 'dns' ].indexOf(p) < 0)
					return _('Only static, ra and dns');
				if (seen[p])
					return _('Each source at most once');
				seen[p] = true;
			}
			return true;
		};

		o = s.taboption('general', form.DynamicList, 'dns', _('DNS servers for prefix discovery'),
			_('Default: the servers the uplink got. IPv6 with a port as [address]:port.'));
		o.validate = function(section_id, value) {
			if (value == null || value == '')
				return true;
			return /^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|[0-9A-Fa-f:]+|\[[0-9A-Fa-f:]+\]:\d{1,5})$/.test(value) ||
				_('An IPv4 or IPv6 address, optionally with a port');
		};

		o = s.taboption('general', form.ListValue, 'mode', _('Mode'));
		o.value('nat44', _('nat44: the LAN shares the CLAT address (usual CPE)'));
		o.value('prefix', _('prefix: a dedicated IPv6 prefix per IPv4 subnet (RFC 6877 section 6.3)'));
		o.value('siit', _('siit: stateless translator (RFC 7915)'));
		o.default = 'nat44';

		o = s.taboption('advanced', widgets.NetworkSelect, 'tunlink', _('Tunnel link'),
			_('The IPv6 uplink interface.'));
		o.nocreate = true;
		o.exclude = s.section;

		o = s.taboption('advanced', widgets.ZoneSelect, 'zone', _('Firewall zone'),
			_('Zone of the CLAT interface; default: the zone of the tunnel link.'));
		o.nocreate = true;

		o = s.taboption('advanced', form.Value, 'mtu', _('Use MTU on tunnel interface'),
			_('Default: the uplink MTU; IPv4 routes get 20 bytes less (RFC 7756 section 4.2).'));
		o.placeholder = '1500';
		o.datatype = 'range(1280,9200)';

		o = s.taboption('advanced', form.DynamicList, 'eam', _('Explicit address mappings'),
			_('IPv4 prefix = IPv6 prefix of the same size (RFC 7757), e.g. 192.0.2.0/24=2001:db8:a::/120.'));
		o.validate = function(section_id, value) {
			if (value == null || value == '')
				return true;
			return /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?=[0-9A-Fa-f:]+(\/\d{1,3})?$/.test(value) ||
				_('Expected IPV4PREFIX=IPV6PREFIX');
		};

		o = s.taboption('advanced', form.Value, 'workers', _('Worker threads'),
			_('One per TUN queue; default: one per CPU core.'));
		o.datatype = 'range(1,64)';
		o.placeholder = _('one per core');
	}
});
