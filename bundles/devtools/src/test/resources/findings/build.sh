#!/bin/sh
# Rebuilds the security test's fixtures: plugin.wasm from each folder's plugin.wat (wabt's wat2wasm), and its
# SHA-256 into the folder's manifest.json. The fixtures are unsigned; the tests run in development mode.
set -eu
cd "$(dirname "$0")"
for wat in */plugin.wat; do
    dir="$(dirname "$wat")"
    wat2wasm "$wat" -o "$dir/plugin.wasm"
    sum="$(sha256sum "$dir/plugin.wasm" | cut -d' ' -f1)"
    sed -i -E "s/(\"checksum\": \")[0-9a-f]*(\")/\1$sum\2/" "$dir/manifest.json"
    echo "$dir: $sum"
done
