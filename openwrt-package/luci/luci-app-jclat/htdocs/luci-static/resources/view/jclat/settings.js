'use strict';
'require view';
'require form';
'require validation';
'require tools.widgets as widgets';

/*
 * Network -> CLAT: jclat's own options on every interface with protocol 464xlat. The interface itself,
 * its uplink (tunlink) and MTU stay in the stock 464XLAT form of luci-proto-ipv6 (Network ->
 * Interfaces); this page only adds what jclat's netifd handler reads beyond OpenWrt's 464xlat, so it
 * ships no file another package owns. Option names are the UCI names the handler reads (docs/luci.md).
 *
 * No option here sets a `datatype` together with a custom `validate`: LuCI runs the datatype first and
 * then hands `validate` the value the datatype check left behind (for `cidr6` only the prefix length),
 * so each check below does all of its work on the value as typed.
 */

/* A logical interface name as netifd takes it (and jclat's ipv6-mostly: no ',' or blanks). */
function checkInterfaceName(value) {
	if (value == null || value === '' || /^[A-Za-z0-9_.@-]{1,15}$/.test(value))
		return true;
	return _('Expecting an interface name such as lan');
}

/* RFC 8925 section 3.4: a client takes any V6ONLY_WAIT under MIN_V6ONLY_WAIT (300 s) as 300 s. The
 * option holds 32 bits, but jclat run takes at most 2147483647: more would save and then stop jclat. */
function checkV6onlyWait(value) {
	if (value == null || value === '')
		return true;
	if (!/^\d{1,10}$/.test(value) || +value < 300)
		return _('Expecting seconds, at least 300 (RFC 8925)');
	if (+value > 2147483647)
		return _('Expecting seconds, at most 2147483647');
	return true;
}

/* RFC 6052 section 2.2: the prefix lengths an IPv4-embedded IPv6 address format exists for. */
var RFC6052_LENGTHS = [ 32, 40, 48, 56, 64, 96 ];

/* true, or why `value` is not a NAT64 prefix jclat accepts: an IPv6 prefix of an RFC 6052 length with no
   bit set past its length, and for a /96 the u octet (bits 64-71) zero (RFC 6052 section 2.2). */
function checkPref64(value) {
	if (value == null || value === '')
		return true;
	var m = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/.exec(value),
	    words = m ? validation.parseIPv6(m[1]) : null;
	if (!words)
		return _('Expecting an IPv6 prefix such as 64:ff9b::/96');
	var len = +m[2];
	if (RFC6052_LENGTHS.indexOf(len) < 0)
		return _('A NAT64 prefix is /32, /40, /48, /56, /64 or /96 (RFC 6052), not /%d').replace('%d', len);
	for (var bit = len; bit < 128; bit += 16 - bit % 16) {
		var mask = 0xffff >> (bit % 16);
		if (words[bit >> 4] & mask)
			return _('Bits after /%d must be zero').replace('%d', len);
	}
	if (len == 96 && (words[4] & 0xff00))
		return _('In a /96 the bits 64-71 (u octet) must be zero (RFC 6052)');
	return true;
}

/* An IPv4 or IPv6 address, optionally with a port; an IPv6 address with a port as [address]:port. */
function checkServer(value) {
	if (value == null || value === '')
		return true;
	var m4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(value),
	    m6 = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(value) || /^()([0-9A-Fa-f:.]+)$/.exec(value),
	    port = m4 ? m4[2] : (m6 && m6[1] ? m6[2] : null);
	var ok = m4 ? validation.parseIPv4(m4[1]) != null
		: m6 ? validation.parseIPv6(m6[1] || m6[2]) != null : false;
	if (ok && port != null && !(+port >= 1 && +port <= 65535))
		ok = false;
	return ok || _('An IPv4 or IPv6 address, optionally with a port; IPv6 with a port as [address]:port');
}

function checkSources(value) {
	if (value == null || value === '')
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
}

function checkEam(value) {
	if (value == null || value === '')
		return true;
	var m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?=([0-9A-Fa-f:.]+)(?:\/(\d{1,3}))?$/.exec(value);
	if (!m || !validation.parseIPv4(m[1]) || !validation.parseIPv6(m[3]))
		return _('Expected IPV4PREFIX=IPV6PREFIX');
	/* RFC 7757 section 3.2: the IPv4 suffix is copied into the IPv6 suffix, so it may not be longer. */
	var len4 = (m[2] != null) ? +m[2] : 32, len6 = (m[4] != null) ? +m[4] : 128;
	if (len4 > 32 || len6 > 128)
		return _('Expected IPV4PREFIX=IPV6PREFIX');
	if (32 - len4 > 128 - len6)
		return _('IPv4 suffix longer than the IPv6 suffix (RFC 7757)');
	return true;
}

function wrap(check) {
	return function(section_id, value) { return check(value); };
}

return view.extend({
	render: function() {
		var m, s, o;

		m = new form.Map('network', _('CLAT'),
			_('Settings of jclat (the 464XLAT customer-side translator) on each interface with protocol 464XLAT. '
				+ 'Create such an interface, and set its uplink and MTU, under Network \u2192 Interfaces.'));

		s = m.section(form.TypedSection, 'interface', _('464XLAT interfaces'));
		s.anonymous = false;
		s.addremove = false;
		s.filter = function(section_id) {
			return this.map.data.get('network', section_id, 'proto') == '464xlat';
		};
		s.tab('general', _('General Settings'));
		s.tab('advanced', _('Advanced Settings'));

		o = s.taboption('general', form.Value, 'ip6prefix', _('NAT64 prefix'),
			_('Leave empty to learn it from the network (Router Advertisements, RFC 8781; DNS, RFC 7050). '
				+ 'The same option as in the interface form.'));
		o.placeholder = '64:ff9b::/96';
		o.validate = wrap(checkPref64);

		o = s.taboption('general', form.DynamicList, 'pref64', _('Failover NAT64 prefixes'),
			_('More static prefixes, in order of preference; jclat switches to the next when a PLAT fails its probes.'));
		o.validate = wrap(checkPref64);

		o = s.taboption('general', form.Value, 'pref64_source', _('Prefix sources'),
			_('Where the prefix may come from, in priority order: static, ra, dns (comma-separated).'));
		o.placeholder = 'static,ra,dns';
		o.validate = wrap(checkSources);

		o = s.taboption('general', form.DynamicList, 'dns64_server', _('DNS64 servers for prefix discovery'),
			_('Asked for ipv4only.arpa (RFC 7050) only; not the router\'s resolvers. '
				+ 'Default: the servers the uplink got.'));
		o.validate = wrap(checkServer);

		o = s.taboption('general', form.ListValue, 'mode', _('Mode'),
			_('NAT44: the LAN shares the CLAT address (the usual CPE). Prefix: a dedicated IPv6 prefix per '
				+ 'IPv4 subnet (RFC 6877 section 6.3). SIIT: stateless translator (RFC 7915).'));
		o.value('nat44', _('NAT44 (default)'));
		o.value('prefix', _('Prefix'));
		o.value('siit', _('SIIT'));
		o.default = 'nat44';

		o = s.taboption('general', form.DynamicList, 'ipv6_mostly', _('IPv6-mostly LANs'),
			_('Logical interfaces (e.g. lan) whose hosts with their own CLAT hear the NAT64 prefix in the RAs '
				+ '(RFC 8781) and DHCPv4 option 108 (RFC 8925) while jclat has a healthy PLAT; set in '
				+ 'odhcpd and dnsmasq without saving to /etc/config/dhcp.'));
		o.placeholder = 'lan';
		o.validate = wrap(checkInterfaceName);

		o = s.taboption('general', form.ListValue, 'pref64_sender', _('PREF64 sent by'),
			_('odhcpd: in the LAN\'s own RAs, but a withdrawn prefix only disappears from them (hosts keep it '
				+ 'for up to odhcpd\'s RA lifetime). jclat: RAs of its own (Router Lifetime 0) with lifetimes '
				+ 'bounded by the prefix\'s validity and lifetime 0 on withdrawal (RFC 8781).'));
		o.value('odhcpd', _('odhcpd (default)'));
		o.value('jclat', _('jclat'));
		o.default = 'odhcpd';

		o = s.taboption('general', form.Value, 'v6only_wait', _('IPv6-only wait (option 108)'),
			_('Seconds a host that got option 108 waits before asking for IPv4 again; at least 300 (RFC 8925).'));
		o.placeholder = '1800';
		o.validate = wrap(checkV6onlyWait);

		o = s.taboption('advanced', widgets.ZoneSelect, 'zone', _('Firewall zone'),
			_('Zone of the CLAT interface; default: wan.'));
		o.nocreate = true;

		o = s.taboption('advanced', form.DynamicList, 'eam', _('Explicit address mappings'),
			_('IPv4 prefix = IPv6 prefix with an IPv6 suffix at least as long (RFC 7757), e.g. '
				+ '192.0.2.0/24=2001:db8:a::/120; extra IPv6 suffix bits are zero.'));
		o.validate = wrap(checkEam);

		o = s.taboption('advanced', form.Value, 'workers', _('Worker threads'),
			_('One per TUN queue; default: one per CPU core.'));
		o.datatype = 'range(1,64)';
		o.placeholder = _('one per core');

		/* Flags at their default are removed on Save (rmempty), so an unset option stays unset and jclat
		   keeps its own default; only a changed box writes '1' or '0', which the handler passes on/off. */
		o = s.taboption('advanced', form.Flag, 'ignore_tos', _('Do not copy TOS / traffic class'),
			_('Set the translated packets\' traffic class / TOS to 0 instead of copying it (RFC 7915 sections 4.1 and 5.1).'));
		o.default = o.disabled;

		o = s.taboption('advanced', form.Flag, 'icmp_errors', _('Send ICMP errors'),
			_('Whether jclat sends ICMP errors itself, e.g. for a packet it cannot translate (RFC 7915 sections 4.4 and 5.4).'));
		o.default = o.enabled;

		return m.render();
	}
});
