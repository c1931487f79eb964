#!/usr/bin/env bash
# Assembles the rootfs/ build context for the FROM-scratch Node image.
# Usage: assemble.sh NODE_BINARY OUT_DIR
set -euo pipefail
node="$1"; out="$2"
rm -rf "$out"; mkdir -p "$out/rootfs"/{usr/local/bin,tmp,etc/ssl/certs,home/node}
cp "$(dirname "${BASH_SOURCE[0]}")/Dockerfile" "$out/"
cp "$node" "$out/rootfs/usr/local/bin/node"
# The npm package's node binary links glibc dynamically: copy exactly what ldd resolves.
for lib in $(ldd "$node" | awk '/=>/ {print $3} /^[[:space:]]*\/.*ld-linux/ {print $1}'); do
  mkdir -p "$out/rootfs$(dirname "$lib")"
  cp -L "$lib" "$out/rootfs$lib"
done
printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'node:x:1000:1000:node:/home/node:/sbin/nologin' \
  'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' >"$out/rootfs/etc/passwd"
printf '%s\n' 'root:x:0:' 'node:x:1000:' 'nogroup:x:65534:' >"$out/rootfs/etc/group"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$out/rootfs/etc/ssl/certs/"
fi
chmod 1777 "$out/rootfs/tmp"
chown 1000:1000 "$out/rootfs/home/node"
