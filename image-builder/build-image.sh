#!/bin/sh
# Builds an OpenWrt firmware image with jclat, its Java runtime, its musl natives and the LuCI app, using
# an unpacked OpenWrt Image Builder (opkg/.ipk releases up to 24.10, apk/.apk releases after).
#
#   image-builder/build-image.sh IMAGEBUILDER_DIR PROFILE [--opkg | --apk | --auto]
#                                [--packages DIR] [--extra "PKG ..."] [--files DIR]
#
#   --packages DIR  the jclat packages built with the SDK (jclat, jclat-jre, jclat-natives,
#                   luci-app-jclat as .ipk or .apk); copied into the Image Builder's packages/
#   --extra         more packages for PACKAGES=
#   --files DIR     more files for the image's root (FILES=); the uci-defaults script is always added
#
# Exit status: 0 image built; 2 bad arguments or Image Builder directory; otherwise make's.
# Supported targets: aarch64 and x86_64 (docs/openwrt.md); MIPS has no HotSpot JIT.
set -eu

usage() {
	echo "usage: $0 IMAGEBUILDER_DIR PROFILE [--opkg|--apk|--auto] [--packages DIR] [--extra \"PKG ...\"]" \
		"[--files DIR]" >&2
	exit 2
}
fail() {
	echo "build-image.sh: $*" >&2
	exit 2
}

[ $# -ge 2 ] || usage
ib=$1
profile=$2
shift 2
manager=auto
packages=""
extra=""
files=""
while [ $# -gt 0 ]; do
	case "$1" in
		--opkg) manager=opkg ;;
		--apk) manager=apk ;;
		--auto) manager=auto ;;
		--packages|--extra|--files)
			[ $# -ge 2 ] || fail "$1 needs a value"
			case "$1" in
				--packages) packages=$2 ;;
				--extra) extra=$2 ;;
				--files) files=$2 ;;
			esac
			shift
			;;
		*) fail "unknown option '$1'" ;;
	esac
	shift
done

[ -d "$ib" ] || fail "Image Builder directory '$ib' does not exist"
[ -f "$ib/Makefile" ] || fail "'$ib' is not an OpenWrt Image Builder (no Makefile); unpack openwrt-imagebuilder-*.tar.*"
ib=$(CDPATH='' cd -- "$ib" && pwd)
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)

# opkg Image Builders configure their feeds in repositories.conf, apk ones in repositories.
if [ "$manager" = auto ]; then
	if [ -f "$ib/repositories.conf" ]; then
		manager=opkg
	elif [ -f "$ib/repositories" ]; then
		manager=apk
	else
		fail "cannot tell whether '$ib' uses opkg or apk (neither repositories.conf nor repositories); say --opkg or --apk"
	fi
fi
ext=ipk
[ "$manager" = apk ] && ext=apk

if ! make -s -C "$ib" info 2>/dev/null | grep -q "^$profile:$"; then
	fail "profile '$profile' is not in this Image Builder; 'make -C $ib info' lists them"
fi

if [ -n "$packages" ]; then
	[ -d "$packages" ] || fail "packages directory '$packages' does not exist"
	found=0
	mkdir -p "$ib/packages"
	for p in "$packages"/jclat*."$ext" "$packages"/luci-app-jclat*."$ext"; do
		[ -f "$p" ] || continue
		cp "$p" "$ib/packages/"
		found=1
	done
	[ "$found" = 1 ] || fail "no jclat*.$ext in '$packages' (this Image Builder uses $manager)"
fi

# The Image Builder copies FILES with "cp -fpR FILES/. ROOT" (include/rootfs.mk), modes included and
# FILES' own mode onto the image's "/": mktemp -d makes it 0700, which would lock every non-root daemon
# out of the whole filesystem. So the tree gets a root filesystem's modes, whatever the caller's umask;
# files and directories from --files keep the modes their owner gave them.
umask 022
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
if [ -n "$files" ]; then
	[ -d "$files" ] || fail "files directory '$files' does not exist"
	cp -a "$files/." "$root/"
fi
mkdir -p "$root/etc/uci-defaults"
chmod 0755 "$root" "$root/etc" "$root/etc/uci-defaults"
cp "$here/../uci-defaults/90-jclat" "$root/etc/uci-defaults/90-jclat"
chmod 0755 "$root/etc/uci-defaults/90-jclat"

# -464xlat: jclat ships /lib/netifd/proto/464xlat.sh, as OpenWrt's 464xlat does; an image holds one of
# them (jclat CONFLICTS with and PROVIDES 464xlat). A router that already runs 464xlat switches with
# "opkg remove 464xlat" before installing jclat, or "apk add jclat", which replaces it (docs/openwrt.md).
pkgs="jclat jclat-jre jclat-natives luci-app-jclat kmod-tun -464xlat${extra:+ $extra}"
echo "build-image.sh: $manager Image Builder, profile $profile, PACKAGES=\"$pkgs\"" >&2
make -C "$ib" image PROFILE="$profile" PACKAGES="$pkgs" FILES="$root"
