#!/usr/bin/env bash
# Assembles the rootfs/ build context of the Debian-based Node image: node, npm (+ npx), and
# the base image's account files with a "node" user (uid/gid 1000) added, like the official image.
# Usage: assemble.sh NODE_BINARY NPM_PACKAGE_DIR DEBIAN_ROOTFS_TAR OUT_DIR
set -euo pipefail
node="$1"; npm="$2"; debian_tar="$3"; out="$4"
rm -rf "$out"; mkdir -p "$out/rootfs"/{usr/local/bin,usr/local/lib/node_modules,etc,home/node}
cp "$(dirname "${BASH_SOURCE[0]}")/Dockerfile" "$out/"
cp "$node" "$out/rootfs/usr/local/bin/node"
cp -r "$npm" "$out/rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$out/rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$out/rootfs/usr/local/bin/npx"
for f in passwd group shadow gshadow; do
  tar -xOf "$debian_tar" "./etc/$f" >"$out/rootfs/etc/$f"
done
echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$out/rootfs/etc/passwd"
echo 'node:x:1000:' >>"$out/rootfs/etc/group"
echo 'node:!:20000:0:99999:7:::' >>"$out/rootfs/etc/shadow"
echo 'node:!::' >>"$out/rootfs/etc/gshadow"
chmod 644 "$out/rootfs/etc/passwd" "$out/rootfs/etc/group"
chmod 640 "$out/rootfs/etc/shadow" "$out/rootfs/etc/gshadow"
shadow_gid="$(sed -n 's/^shadow:x:\([0-9]*\):.*/\1/p' "$out/rootfs/etc/group")"
chown "0:${shadow_gid:-0}" "$out/rootfs/etc/shadow" "$out/rootfs/etc/gshadow"
chown 1000:1000 "$out/rootfs/home/node"
