#!/bin/sh
#
# Builds the platform (tests skipped: ./test.sh runs them) and starts it in the background. The example
# plugins in the distribution's plugins/ folder are loaded by the watched folder; this script returns
# once they are ready:
#
#   ./start.sh
#   karaf-assembly/target/assembly/bin/fluent-client 'plugin:execute echo "hello"'
#   karaf-assembly/target/assembly/bin/stop
#
# The platform's heap is JAVA_MAX_MEM (bin/setenv; 2048M unless set): JAVA_MAX_MEM=4096M ./start.sh
#
set -eu
cd "$(dirname "$0")"

mvn -B -q install -DskipTests
assembly=karaf-assembly/target/assembly

# The example plugins are signed with the development key, which the distribution trusts only in
# development mode: this quick start switches it on (README, "Signatures and trusted keys").
sed -i 's/^development\.mode *=.*/development.mode = true/' "$assembly/etc/dev.fluent.plugin.cfg"
"$assembly/bin/start-platform"

# Wait (up to a minute) until every plugin folder shipped in plugins/ is loaded.
expected=$(for m in "$assembly"/plugins/*/manifest.json; do
    if [ -f "$m" ]; then sed -n 's/^ *"name": *"\([^"]*\)".*/\1/p' "$m" | head -n 1; fi
done)
waited=0
while :; do
    list=$("$assembly/bin/fluent-client" 'plugin:list')
    missing=""
    for id in $expected; do
        printf '%s\n' "$list" | grep -q "^ *$id " || missing="$missing $id"
    done
    [ -z "$missing" ] && break
    if [ "$waited" -ge 60 ]; then
        echo "Not loaded after 60 s:$missing (see $assembly/data/log/karaf.log)" >&2
        exit 1
    fi
    sleep 1
    waited=$((waited + 1))
done
printf '%s\n' "$list"
