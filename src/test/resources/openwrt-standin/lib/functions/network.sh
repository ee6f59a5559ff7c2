#!/bin/sh
# STAND-IN for OpenWrt's /lib/functions/network.sh in tests: netifd's ubus state does not exist here,
# so the answers come from files the test writes under $STANDIN_DIR/.
# shellcheck shell=dash

network_find_wan6() {
	[ -s "${STANDIN_DIR}/wan6" ] || return 1
	eval "$1=\$(cat \"\${STANDIN_DIR}/wan6\")"
}

network_get_device() {
	[ -s "${STANDIN_DIR}/device.$2" ] || return 1
	eval "$1=\$(cat \"\${STANDIN_DIR}/device.$2\")"
}
