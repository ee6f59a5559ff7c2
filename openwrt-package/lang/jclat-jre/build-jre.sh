#!/bin/sh
# Builds the Java runtime jclat runs on: jlink with only the modules jclat needs (found with jdeps on the
# shaded jar, checked by running jclat on the result; docs/runtime.md).
#   build-jre.sh JDK_DIR OUT_DIR
# JDK_DIR is a JDK for the target (for OpenWrt: a musl build for aarch64 or x86_64, with its jmods/).
# jlink itself must run on this machine and be the same Java release as JDK_DIR: by default JDK_DIR's own
# bin/jlink when it runs here, else $HOST_JDK/bin/jlink (e.g. the build host's Temurin of that release).
set -eu
if [ $# -ne 2 ]; then
    echo "usage: build-jre.sh JDK_DIR OUT_DIR" >&2
    exit 2
fi
jdk=$1
out=$2
# java.base: everything jclat does; java.logging: JNA's logger; jdk.net: SO_PEERCRED for the JDK control
# socket; jdk.unsupported: sun.misc.Signal (SIGHUP reloads) and Netty's Unsafe access. No java.management:
# only tinylog needed it, and jclat logs through net.jclat.log now (docs/runtime.md).
modules=${JCLAT_JRE_MODULES:-java.base,java.logging,jdk.net,jdk.unsupported}
if [ ! -f "$jdk/jmods/java.base.jmod" ]; then
    echo "build-jre.sh: $jdk/jmods/java.base.jmod not found: JDK_DIR must be a JDK with jmods" \
        "(Debian: openjdk-17-jdk-headless, or openjdk-17-jmods where it is a package of its own)" >&2
    exit 2
fi
jlink=""
for candidate in "$jdk/bin/jlink" "${HOST_JDK:+$HOST_JDK/bin/jlink}"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" --version >/dev/null 2>&1; then
        jlink=$candidate
        break
    fi
done
if [ -z "$jlink" ]; then
    echo "build-jre.sh: $jdk/bin/jlink does not run on this machine; set HOST_JDK to a JDK of the same" \
        "release that does" >&2
    exit 2
fi
if [ -e "$out" ]; then
    echo "build-jre.sh: $out exists; jlink writes a new directory" >&2
    exit 2
fi
# --compress=2 is JDK 17's zip compression of the module image (later JDKs spell it zip-6).
"$jlink" --module-path "$jdk/jmods" --add-modules "$modules" \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out"
echo "jclat runtime in $out: $(du -sk "$out" | cut -f1) KiB, modules $modules"
