#!/bin/sh
# Computes the private-struct offsets shim.h relies on, from a libwebsockets source tree of the
# installed version (git clone https://github.com/warmcat/libwebsockets && git checkout v4.1.6).
# lws_config.h comes from the installed package; lws_config_private.h here only names the
# platform headers, which do not change the layout.
set -e
src=${1:?usage: run.sh LWS_SOURCE_TREE}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
cp /usr/include/lws_config.h "$here/lws_config_private.h" "$tmp/"
inc=$(find "$src/lib" -type d | grep -v 'mbedtls\|esp32\|freertos\|optee\|windows' | sed 's/^/-I/')
gcc -I"$tmp" -I"$src/include" $inc "$here/offsets.c" -o "$tmp/offsets"
"$tmp/offsets"
rm -rf "$tmp"
