#!/bin/sh
#
# Builds the platform (tests skipped: ./test.sh runs them), installs it into its installation folder or
# upgrades the installation there, and starts it in the background. The example plugins in the
# installation's plugins/ folder are loaded by the watched folder; this script returns once they are ready:
#
#   ./start.sh               build, install or upgrade, start
#   ./start.sh --reset       the same on a fresh installation: the old one's etc/, data/ and plugins/ go
#   .fluent/instance/bin/fluent-client 'plugin:execute echo "hello"'
#   .fluent/instance/bin/stop
#
# The installation folder is .fluent/instance at the repository's root, or FLUENT_HOME when set. It lives
# outside the build output, so `mvn clean install` leaves it alone: an upgrade (bin/fluent-install of the
# distribution) refreshes the platform's bin/, lib/ and system/ and keeps what the operator changed in etc/,
# data/ (audit log, loaded plugins) and plugins/ (karaf-assembly/README.md, "Installations"). A platform
# already running there is stopped first and started again on the new build.
#
# Ports come from FLUENT_SSH_PORT, FLUENT_RMI_REGISTRY_PORT, FLUENT_RMI_SERVER_PORT and FLUENT_HTTP_PORT
# (bin/start-platform); the platform's heap is JAVA_MAX_MEM (bin/setenv; 2048M unless set).
#
set -eu
cd "$(dirname "$0")"

reset=false
case "${1:-}" in
    "") ;;
    --reset) reset=true ;;
    *)
        echo "usage: ./start.sh [--reset]   (--reset: start from a fresh installation, deleting the old one)" >&2
        exit 2
        ;;
esac
home=${FLUENT_HOME:-.fluent/instance}

mvn -B -q install -DskipTests
assembly=karaf-assembly/target/assembly

# Stops the platform running in $home, if any, and waits until its JVM has ended.
stop_running() {
    [ -x "$home/bin/status" ] && "$home/bin/status" >/dev/null 2>&1 || return 0
    echo "Stopping the platform running in $home, to start it on the new build."
    pid=$(cat "$home/karaf.pid" 2>/dev/null || true)
    "$home/bin/stop" >/dev/null
    # The JVM's end, from its pid (bin/status would start a JVM for each look).
    waited=0
    while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge 60 ]; then
            echo "The platform in $home did not stop within 60 s; stop it (see $home/karaf.pid) and run ./start.sh again" >&2
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

stop_running
if $reset && [ -e "$home" ]; then
    # Only a folder bin/fluent-install made is deleted: FLUENT_HOME may point anywhere.
    if [ ! -d "$home/.distribution" ]; then
        echo "$home is not an installation made by bin/fluent-install; not deleting it. Delete it yourself or" \
            "point FLUENT_HOME elsewhere." >&2
        exit 1
    fi
    rm -rf "$home"
fi
new=false
[ -d "$home/.distribution" ] || new=true
"$assembly/bin/fluent-install" "$home"

# The example plugins are signed with the development key, which the distribution trusts only in
# development mode: this quick start switches it on in a new installation (README, "Signatures and
# trusted keys"). Later starts leave the setting to the operator.
if $new; then
    sed -i 's/^development\.mode *=.*/development.mode = true/' "$home/etc/dev.fluent.plugin.cfg"
fi
"$home/bin/start-platform"

# Wait (up to a minute) until every plugin folder in plugins/ is loaded.
expected=$(for m in "$home"/plugins/*/manifest.json; do
    if [ -f "$m" ]; then sed -n 's/^ *"name": *"\([^"]*\)".*/\1/p' "$m" | head -n 1; fi
done)
waited=0
while :; do
    list=$("$home/bin/fluent-client" 'plugin:list')
    missing=""
    for id in $expected; do
        printf '%s\n' "$list" | grep -q "^ *$id " || missing="$missing $id"
    done
    [ -z "$missing" ] && break
    if [ "$waited" -ge 60 ]; then
        echo "Not loaded after 60 s:$missing (see $home/data/log/karaf.log)" >&2
        exit 1
    fi
    sleep 1
    waited=$((waited + 1))
done
printf '%s\n' "$list"
http_port=$(sed -n 's/^org\.osgi\.service\.http\.port *= *//p' "$home/etc/org.ops4j.pax.web.cfg" | head -n 1)
echo "Shell: $home/bin/fluent-client 'plugin:list'"
if [ -f "$home/etc/local-admin.password" ]; then
    echo "Web console: http://127.0.0.1:${http_port:-8181}/fluent/console/ (user admin, password in $home/etc/local-admin.password)"
fi
