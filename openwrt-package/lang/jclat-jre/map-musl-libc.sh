#!/bin/sh
# Maps the C library name of an Alpine-built runtime to OpenWrt's (docs/runtime.md, "C library names").
#   map-musl-libc.sh JRE_DIR
# Alpine links programs against musl under the name libc.musl-<arch>.so.1 (its musl has that soname);
# OpenWrt's musl package installs the same library as /lib/libc.so with no such soname, so its programs
# need "libc.so". The loader looks for the NEEDED name, and OpenWrt's package check (package-pack.mk,
# gen-dependencies.sh) rejects a NEEDED name no dependency ships. So every ELF file under JRE_DIR that
# needs libc.musl-*.so.1 gets that entry rewritten to libc.so with patchelf; nothing else is touched.
# The program interpreter needs no change: both call musl's loader /lib/ld-musl-<arch>.so.1.
# Prints the NEEDED names left afterwards, so the build log shows what the package depends on.
# READELF and PATCHELF name the tools (OpenWrt: the target's readelf, the host's patchelf).
set -eu
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: map-musl-libc.sh JRE_DIR" >&2
    exit 2
fi
readelf=${READELF:-readelf}
patchelf=${PATCHELF:-patchelf}
needed_of() {
    LC_ALL=C "$readelf" -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p'
}
list=$(mktemp)
trap 'rm -f "$list" "$list.files"' EXIT
mapped=0
find "$1" -type f > "$list.files"
while IFS= read -r file; do
    LC_ALL=C "$readelf" -h "$file" >/dev/null 2>&1 || continue # not ELF
    for name in $(needed_of "$file"); do
        case "$name" in
            libc.musl-*.so.1)
                "$patchelf" --replace-needed "$name" libc.so "$file"
                mapped=$((mapped + 1))
                ;;
        esac
    done
    needed_of "$file" >> "$list"
done < "$list.files"
rm -f "$list.files"
echo "map-musl-libc.sh: $mapped NEEDED entries mapped to libc.so; the runtime needs: $(sort -u "$list" | tr '\n' ' ')"
