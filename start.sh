#!/bin/sh
#
# Builds the platform (tests skipped: ./test.sh runs them) and starts it in the background, with the
# example plugins of plugins/ loaded and ready:
#
#   ./start.sh
#   karaf-assembly/target/assembly/bin/fluent-client 'plugin:execute echo "hello"'
#   karaf-assembly/target/assembly/bin/stop
#
set -eu
cd "$(dirname "$0")"

mvn -B -q install -DskipTests
assembly=karaf-assembly/target/assembly
"$assembly/bin/start-platform"

# Load every plugin folder shipped in plugins/ that is not loaded yet.
home=$(cd "$assembly" && pwd)
loaded=$("$assembly/bin/fluent-client" 'plugin:list')
for folder in "$home"/plugins/*/; do
    [ -f "$folder/manifest.json" ] || continue
    id=$(basename "$folder")
    if printf '%s\n' "$loaded" | grep -q "^ *$id "; then
        continue
    fi
    "$assembly/bin/fluent-client" "plugin:load $folder"
done
"$assembly/bin/fluent-client" 'plugin:list'
