#!/bin/sh
#
# Installations kept apart from the build, and ports as settings, through the real scripts on real
# platforms (run by the build after the distribution is made; -DskipTests skips it):
#   - an upgrade from a newer distribution keeps a trusted key, the audit log, loaded-plugins.json, the
#     local administrator's key and a changed etc setting (its new default written beside it as .new),
#     and refreshes what the operator did not change; the platform then starts on it and uses that state;
#   - two installations with their own ports run side by side, each answering plugin:list;
#   - a port already taken stops a start with a message naming the port, the variable to set and, when
#     ss can tell, the holder;
#   - a start from an empty data/ (the first one, the one after the upgrade) installs the boot features
#     without stopping or refreshing any bundle (a refresh there could hang the boot).
#
#   installation-test.sh <distribution folder> <examples folder>
#
# Every platform it starts is stopped on exit, failed or not, and its folders are deleted.
#
set -eu

DIST=$(cd "$1" && pwd -P)
EXAMPLES=$(cd "$2" && pwd -P)
HERE=$(cd "$(dirname "$0")" && pwd -P)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fluent-installation-test.XXXXXX")
WORK=$(cd "$WORK" && pwd -P)

# Stops the platform of one installation if it runs, waiting for its JVM to end (killed after 60 s).
stop_platform() {
    pid=$(cat "$1/karaf.pid" 2>/dev/null || true)
    [ -n "$pid" ] || return 0
    # Only the JVM this test started from that folder (its command line names the folder).
    ps -ww -o args= -p "$pid" 2>/dev/null | grep -q -- "-Dkaraf.base=$1" || return 0
    "$1/bin/stop" >/dev/null 2>&1 || true
    waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge 60 ]; then
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

cleanup() {
    status=$?
    for home in "$WORK/a" "$WORK/b"; do
        stop_platform "$home"
    done
    if [ "$status" -ne 0 ]; then
        for log in "$WORK"/a/data/log/karaf.log "$WORK"/b/data/log/karaf.log; do
            [ -f "$log" ] && { echo "--- end of $log" >&2; tail -n 40 "$log" >&2; }
        done
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "installation-test: FAILED: $*" >&2
    exit 1
}

# Fails when the boot features deployment logged in $1 (karaf.log) stopped or refreshed bundles.
no_boot_refresh() {
    grep -q '| Changes to perform:$' "$1" || fail "no boot features deployment in $1"
    if grep -q -e '| Stopping bundles:$' -e '| Refreshing bundles:$' "$1"; then
        fail "the boot features deployment stopped or refreshed bundles (see $1): a boot feature brings the" \
            "first provider of a package a startup bundle imports; make it a startup feature (karaf-assembly's pom)"
    fi
}

step() {
    echo "installation-test: $(date +%T) $*"
}

. "$HERE/free-ports.sh"

# Eight free ports.
ports=$(free_ports 8 37)
set -- $ports
A_SSH=$1 A_RMI_REGISTRY=$2 A_RMI_SERVER=$3 A_HTTP=$4 B_SSH=$5 B_RMI_REGISTRY=$6 B_RMI_SERVER=$7 B_HTTP=$8

start_a() {
    FLUENT_SSH_PORT=$A_SSH FLUENT_RMI_REGISTRY_PORT=$A_RMI_REGISTRY FLUENT_RMI_SERVER_PORT=$A_RMI_SERVER \
        FLUENT_HTTP_PORT=$A_HTTP "$WORK/a/bin/start-platform"
}
start_b() {
    FLUENT_SSH_PORT=$B_SSH FLUENT_RMI_REGISTRY_PORT=$B_RMI_REGISTRY FLUENT_RMI_SERVER_PORT=$B_RMI_SERVER \
        FLUENT_HTTP_PORT=$B_HTTP "$WORK/b/bin/start-platform"
}

step "installation a: installed, the operator removes the example plugins and sets pool_size = 3"
"$DIST/bin/fluent-install" "$WORK/a" >/dev/null
rm -rf "$WORK"/a/plugins/*
echo "pool_size = 3" >> "$WORK/a/etc/dev.fluent.plugin.cfg"
start_a >/dev/null
no_boot_refresh "$WORK/a/data/log/karaf.log"

step "installation a: a key trusted and a plugin loaded by hand"
# One client call (each starts a JVM): the key's id is read from plugin:trust list's table.
out=$(printf 'plugin:trust add %s\nplugin:load %s\nplugin:trust list\n' "$EXAMPLES/keys/dev-signing-key.pub.pem" \
    "$EXAMPLES/echo" | "$WORK/a/bin/fluent-client") || fail "trusting the development key and loading echo: $out"
key_id=$(printf '%s\n' "$out" | awk -F'|' '/^Key id/ { table = 1; next } table && /^[ ]*[0-9a-f]+ *\|/ { gsub(/ /, "", $1); print $1; exit }')
[ -n "$key_id" ] || fail "plugin:trust list shows no key after plugin:trust add: $out"
[ -f "$WORK/a/data/fluent-plugin/loaded-plugins.json" ] || fail "no data/fluent-plugin/loaded-plugins.json after plugin:load"
audit_start=$(head -n 3 "$WORK/a/data/audit/audit-00000001.jsonl")
cp -p "$WORK/a/etc/local-admin.key" "$WORK/local-admin.key.before"

step "installation a: its administrator logs in to JMX and to the HTTP API with the password of this installation"
password=$(cat "$WORK/a/etc/local-admin.password")
[ "$(stat -c %a "$WORK/a/etc/local-admin.password")" = 600 ] || fail "etc/local-admin.password is readable by others"
[ "$(stat -c %a "$WORK/a/etc/users.properties")" = 600 ] || fail "etc/users.properties is readable by others"
jmx_url="service:jmx:rmi://127.0.0.1:$A_RMI_SERVER/jndi/rmi://127.0.0.1:$A_RMI_REGISTRY/karaf-root"
out=$(java "$HERE/JmxLogin.java" "$jmx_url" admin "$password" echo Version) || fail "JMX refused the administrator: $out"
[ "$out" = 1.0.0 ] || fail "JMX shows echo's version as '$out'"
if out=$(java "$HERE/JmxLogin.java" "$jmx_url" admin "not-$password" echo Version); then
    fail "JMX let the administrator in with a wrong password"
fi
status=$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$password" "http://127.0.0.1:$A_HTTP/fluent/api/plugins/echo")
[ "$status" = 200 ] || fail "the HTTP API answered $status to the administrator"

step "installation b: a start on a's SSH port fails, naming the port, the variable and the holder"
"$DIST/bin/fluent-install" "$WORK/b" >/dev/null
if message=$(FLUENT_SSH_PORT=$A_SSH "$WORK/b/bin/start-platform" 2>&1); then
    fail "installation b started on port $A_SSH, which installation a holds"
fi
for part in "port $A_SSH" "FLUENT_SSH_PORT=" "already taken"; do
    printf '%s' "$message" | grep -q -- "$part" || fail "the refusal does not say '$part': $message"
done
if command -v ss >/dev/null 2>&1; then
    a_pid=$(cat "$WORK/a/karaf.pid")
    printf '%s' "$message" | grep -q "pid $a_pid" || fail "the refusal does not name the holder (pid $a_pid): $message"
fi

grep -q "^sshPort = 8101" "$WORK/b/etc/org.apache.karaf.shell.cfg" || fail "the refused start changed b's sshPort"

step "installation a: stopped and upgraded from a newer distribution"
stop_platform "$WORK/a"
cp -pR "$DIST" "$WORK/newer"
echo "# a newer default" >> "$WORK/newer/etc/dev.fluent.plugin.cfg"
echo "# a newer default" >> "$WORK/newer/etc/dev.fluent.plugin.trust.cfg"
echo "# a newer script" >> "$WORK/newer/bin/setenv"
"$WORK/newer/bin/fluent-install" "$WORK/a" 2>"$WORK/upgrade.err" >/dev/null \
    || fail "the upgrade failed: $(cat "$WORK/upgrade.err")"
grep -q "etc/dev.fluent.plugin.cfg.new" "$WORK/upgrade.err" || fail "the upgrade did not report the .new default"
grep -q "^pool_size = 3" "$WORK/a/etc/dev.fluent.plugin.cfg" || fail "the operator's pool_size = 3 was lost"
cmp -s "$WORK/newer/etc/dev.fluent.plugin.cfg" "$WORK/a/etc/dev.fluent.plugin.cfg.new" \
    || fail "the new default of etc/dev.fluent.plugin.cfg is not beside the operator's as .new"
cmp -s "$WORK/newer/etc/dev.fluent.plugin.trust.cfg" "$WORK/a/etc/dev.fluent.plugin.trust.cfg" \
    || fail "an etc file the operator did not change was not upgraded"
cmp -s "$WORK/newer/bin/setenv" "$WORK/a/bin/setenv" || fail "bin/ was not refreshed"
[ -z "$(ls -A "$WORK/a/plugins")" ] || fail "example plugins the operator deleted came back: $(ls "$WORK/a/plugins")"
[ ! -d "$WORK/a/data/cache" ] || fail "Karaf's bundle cache was kept although the platform's code changed"
cmp -s "$WORK/local-admin.key.before" "$WORK/a/etc/local-admin.key" || fail "etc/local-admin.key changed"
[ "$(cat "$WORK/a/etc/local-admin.password")" = "$password" ] || fail "etc/local-admin.password changed"
grep -q "^admin = $password," "$WORK/a/etc/users.properties" || fail "the administrator's user was lost"
rm -rf "$WORK/newer"

step "installations a (upgraded) and b start side by side on their own ports"
start_a > "$WORK/a.out" 2>&1 &
a_start=$!
start_b >/dev/null || fail "installation b did not start"
wait "$a_start" || fail "installation a did not start after the upgrade: $(cat "$WORK/a.out")"
no_boot_refresh "$WORK/a/data/log/karaf.log"
"$WORK/b/bin/fluent-client" 'plugin:list' >/dev/null || fail "installation b does not answer plugin:list"
grep -q "^sshPort = $B_SSH" "$WORK/b/etc/org.apache.karaf.shell.cfg" || fail "b's sshPort is not $B_SSH"
grep -q "^org.osgi.service.http.port = $A_HTTP" "$WORK/a/etc/org.ops4j.pax.web.cfg" || fail "a's HTTP port is not $A_HTTP"

step "installation a: the state from before the upgrade is in use"
[ "$(head -n 3 "$WORK/a/data/audit/audit-00000001.jsonl")" = "$audit_start" ] || fail "the audit log was replaced"
waited=0
while :; do
    out=$(printf 'plugin:trust list\nplugin:audit --verify\nplugin:list\n' | "$WORK/a/bin/fluent-client") \
        || fail "plugin:trust list, plugin:audit --verify or plugin:list failed after the upgrade: $out"
    printf '%s\n' "$out" | grep -q "$key_id" || fail "the trusted key $key_id is gone: $out"
    # Restored plugins load once Karaf has started its boot features, maybe after the shell answers.
    printf '%s\n' "$out" | grep -q '^ *echo ' && break
    [ "$waited" -lt 60 ] || fail "echo was not restored from loaded-plugins.json after the upgrade: $out"
    sleep 2
    waited=$((waited + 2))
done

step "passed"
