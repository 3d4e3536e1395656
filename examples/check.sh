#!/usr/bin/env bash
# Verifies that the committed example plugins (plugin.wasm and the checksum
# in each manifest.json) match a fresh build of their sources, and runs the
# PDK's unit tests. Changes nothing; exits non-zero if anything is stale.
exec "$(dirname "${BASH_SOURCE[0]}")/build.sh" --check "$@"
