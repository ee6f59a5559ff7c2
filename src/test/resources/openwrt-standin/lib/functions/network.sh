#!/bin/sh
# STAND-IN for OpenWrt's /lib/functions/network.sh in tests: netifd's ubus state does not exist here,
# so the answers come from files the test writes under $IPKG_INSTROOT/standin/.
# shellcheck shell=dash

network_find_wan6() {
	[ -s "${IPKG_INSTROOT}/standin/wan6" ] || return 1
	eval "$1=\$(cat \"\${IPKG_INSTROOT}/standin/wan6\")"
}

network_get_device() {
	[ -s "${IPKG_INSTROOT}/standin/device.$2" ] || return 1
	eval "$1=\$(cat \"\${IPKG_INSTROOT}/standin/device.$2\")"
}
