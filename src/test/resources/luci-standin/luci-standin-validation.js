'use strict';
/*
 * STAND-IN for LuCI's field validation (modules "validation" and what ui.js's addValidator does with it),
 * written for the tests from what LuCI's public source does; it is not LuCI's code. What it reproduces,
 * because the jclat forms depend on it (docs/luci.md, "validation order"):
 *
 *  - A field's value is checked by its datatype first. A datatype that checks a part of the value
 *    through another type (cidr6 checks the length through ip6prefix) REPLACES the value under check
 *    with that part, as LuCI's Validator.apply does when given a value.
 *  - Only when the datatype passed does the custom validate function run, and it gets the value as the
 *    datatype left it: for "64:ff9b::/96" with datatype cidr6, validate sees "96".
 *  - An empty value skips the datatype (it is valid when the field is optional) but still goes to
 *    validate, as "".
 *  - The outcome is announced with bubbling "validation-success" / "validation-failure" events, which
 *    the widget (and so a dynamic list around its input) records; a failure is "Expecting: ..." for a
 *    datatype, the returned text for validate.
 *
 * Only the datatypes jclat's pages and the forms they meet use are here; any other fails loudly.
 */
(function() {
	var M = window.standInModules;

	function parseIPv4(x) {
		var m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(String(x));
		if (!m)
			return null;
		var a = m.slice(1).map(Number);
		return a.every(function(n) { return n <= 255; }) ? a : null;
	}

	/* Eight 16-bit words, or null; a dotted IPv4 tail counts as the last two words. */
	function parseIPv6(x) {
		x = String(x);
		var tail4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(x);
		if (tail4) {
			var b = parseIPv4(tail4[2]);
			if (!b)
				return null;
			x = tail4[1] + (b[0] * 256 + b[1]).toString(16) + ':' + (b[2] * 256 + b[3]).toString(16);
		}
		var halves = x.split('::');
		if (halves.length > 2)
			return null;
		var split = function(s) { return s === '' ? [] : s.split(':'); },
		    head = split(halves[0]), tail = halves.length == 2 ? split(halves[1]) : [],
		    n = head.length + tail.length;
		if (halves.length == 2 ? n > 7 : n != 8)
			return null;
		var groups = head.concat(new Array(8 - n).fill('0'), tail), words = [];
		for (var i = 0; i < groups.length; i++) {
			if (!/^[0-9A-Fa-f]{1,4}$/.test(groups[i]))
				return null;
			words.push(parseInt(groups[i], 16));
		}
		return words;
	}

	function decimal(x) {
		return /^-?\d+(?:\.\d+)?$/.test(String(x)) ? +x : NaN;
	}

	var types = {
		string: function() { return true; },
		uinteger: function() { return this.assert(/^\d+$/.test(this.value), 'positive integer value'); },
		range: function(min, max) {
			var v = decimal(this.value);
			return this.assert(v >= min && v <= max, 'value between ' + min + ' and ' + max);
		},
		min: function(min) { return this.assert(decimal(this.value) >= min, 'value greater or equal to ' + min); },
		max: function(max) { return this.assert(decimal(this.value) <= max, 'value smaller or equal to ' + max); },
		ip4prefix: function() {
			return this.assert(/^\d+$/.test(this.value) && +this.value <= 32, 'valid IPv4 prefix value (0-32)');
		},
		ip6prefix: function() {
			return this.assert(/^\d+$/.test(this.value) && +this.value <= 128, 'valid IPv6 prefix value (0-128)');
		},
		ip4addr: function(nomask) {
			var m = /^([\d.]+)(?:\/(\d{1,2}))?$/.exec(this.value);
			return this.assert(m && parseIPv4(m[1]) && !(nomask && m[2]) && (!m[2] || this.apply('ip4prefix', m[2])),
				'valid IPv4 address');
		},
		ip6addr: function(nomask) {
			var m = /^([0-9A-Fa-f:.]+)(?:\/(\d{1,3}))?$/.exec(this.value);
			return this.assert(m && parseIPv6(m[1]) && !(nomask && m[2]) && (!m[2] || this.apply('ip6prefix', m[2])),
				'valid IPv6 address');
		},
		ipaddr: function(nomask) {
			return this.assert(this.apply('ip4addr', null, [ nomask ]) || this.apply('ip6addr', null, [ nomask ]),
				'valid IP address');
		},
		cidr6: function() {
			var m = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/.exec(this.value);
			return this.assert(m && parseIPv6(m[1]) && this.apply('ip6prefix', m[2]), 'valid IPv6 CIDR');
		},
		hostname: function() {
			return this.assert(/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9])?\.?$/.test(this.value), 'valid hostname');
		}
	};

	/* "name" or "name(arg, ...)" with number or quoted-string arguments. */
	function compile(code) {
		var m = /^\s*(\w+)\s*(?:\((.*)\))?\s*$/.exec(code);
		if (!m || typeof types[m[1]] != 'function')
			throw new Error('the stand-in has no datatype "' + code + '"');
		var args = m[2] == null || m[2].trim() === '' ? [] : m[2].split(',').map(function(a) {
			a = a.trim();
			return /^-?\d+(\.\d+)?$/.test(a) ? +a : a.replace(/^(['"])(.*)\1$/, '$2');
		});
		return { fn: types[m[1]], args: args };
	}

	function Validator(field, type, optional, vfunc) {
		this.field = field;
		this.optional = optional;
		this.vfunc = vfunc;
		this.check = compile(type || 'string');
	}

	Validator.prototype = {
		assert: function(ok, message) {
			this.error = ok ? null : message;
			return !!ok;
		},

		/* A sub-check; given a value, that value replaces the one under check, as in LuCI. */
		apply: function(name, value, args) {
			if (value != null)
				this.value = value;
			return types[name].apply(this, args || []);
		},

		announce: function(message) {
			var ok = message == null;
			this.field.classList.toggle('cbi-input-invalid', !ok);
			this.field.dispatchEvent(new CustomEvent(ok ? 'validation-success' : 'validation-failure',
				{ bubbles: true, detail: { message: message } }));
			return ok;
		},

		validate: function() {
			this.value = this.field.value != null ? String(this.field.value) : '';
			var valid = this.value.length === 0 ? this.assert(this.optional, 'non-empty value')
				: this.check.fn.apply(this, this.check.args);
			if (valid !== true)
				return this.announce('Expecting: ' + this.error);
			if (typeof this.vfunc == 'function')
				valid = this.vfunc(this.value);
			return this.announce(valid === true ? null : String(valid));
		}
	};

	M.validation = {
		parseIPv4: parseIPv4,
		parseIPv6: parseIPv6,
		types: types,
		create: function(field, type, optional, vfunc) { return new Validator(field, type, optional, vfunc); },

		/* ui.addValidator: check now and on each of the events. */
		attach: function(field, type, optional, vfunc, events) {
			var v = new Validator(field, type, optional, vfunc), fn = v.validate.bind(v);
			events.forEach(function(e) { field.addEventListener(e, fn); });
			fn();
			return fn;
		}
	};
})();
