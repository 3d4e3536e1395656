#!/bin/sh
#
# Three nodes of the real distribution as one cluster on 127.0.0.1 (docs/cluster.md), through the real
# scripts, each node on its own ports (run by the build after the distribution is made; -DskipTests skips it):
#   - a plugin loaded on node 1 answers on nodes 2 and 3;
#   - a reload on node 2 is served everywhere, with no failed request from callers on all three nodes;
#   - a plugin's rate_limit_requests_per_minute holds for the whole cluster within 10 %, with HTTP callers on all
#     three nodes; plugin:stats --cluster counts every node's executions of it; plugin:audit --cluster shows
#     entries of all three nodes, each node's chain verified;
#   - node 2 killed with SIGKILL costs the others nothing (they share two thirds of each rate meanwhile, and the
#     whole again once it is back); a plugin loaded meanwhile (from a mvn: location, out
#     of a file: Maven repository the test fills with fluent-plugin package) reaches it when it is started
#     again, as it converges to the catalogue;
#   - a revocation on node 3 unloads the key's plugins on every node within seconds;
#   - plugin:cluster --json shows three members, converged;
#   - plugin:package in the shell writes the same artifact as fluent-plugin package.
#
#   cluster-test.sh <distribution folder> <examples folder> <fluent-plugin.jar>
#
# Every platform it starts is stopped on exit, failed or not, and its folders are deleted.
#
set -eu

DIST=$(cd "$1" && pwd -P)
EXAMPLES=$(cd "$2" && pwd -P)
CLI_JAR=$3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fluent-cluster-test.XXXXXX")
WORK=$(cd "$WORK" && pwd -P)
NODES="1 2 3"
# Three JVMs on two shared cores boot slowly: give each start more than the default 120 s.
export FLUENT_START_TIMEOUT="${FLUENT_START_TIMEOUT:-300}"

stop_platform() {
    pid=$(cat "$1/karaf.pid" 2>/dev/null || true)
    [ -n "$pid" ] || return 0
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

# Background callers, stopped on exit too: a failed step must not leave them calling dead nodes.
CALLERS=""

cleanup() {
    status=$?
    for pid in $CALLERS; do
        kill "$pid" 2>/dev/null || true
    done
    for n in $NODES; do
        stop_platform "$WORK/node$n"
    done
    if [ "$status" -ne 0 ]; then
        for n in $NODES; do
            log="$WORK/node$n/data/log/karaf.log"
            [ -f "$log" ] && { echo "--- cluster lines and errors of $log" >&2;
                grep -i "cluster\|hazelcast\|ERROR" "$log" | grep -v "Disabling\|Unregistering" | tail -n 40 >&2; }
        done
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "cluster-test: FAILED: $*" >&2
    exit 1
}

step() {
    echo "cluster-test: $(date +%T) $*"
}

. "$(dirname "$0")/free-ports.sh"

# Fifteen free ports (four per node and its member port).
ports=$(free_ports 15 53)
# Node n's SSH, RMI registry, RMI server and HTTP ports, then its member port: PORT_<n>_<1..5>.
i=0
for p in $ports; do
    eval "PORT_$((i / 5 + 1))_$((i % 5 + 1))=$p"
    i=$((i + 1))
done
P1=$PORT_1_5 P2=$PORT_2_5 P3=$PORT_3_5
MEMBERS="127.0.0.1:$P1,127.0.0.1:$P2,127.0.0.1:$P3"

start_node() {
    eval "FLUENT_SSH_PORT=\$PORT_$1_1 FLUENT_RMI_REGISTRY_PORT=\$PORT_$1_2 FLUENT_RMI_SERVER_PORT=\$PORT_$1_3 \
        FLUENT_HTTP_PORT=\$PORT_$1_4 \"\$WORK/node$1/bin/start-platform\""
}

# One command on node $1 over ssh; prints its output, fails as the command does.
on() {
    node=$1
    shift
    "$WORK/node$node/bin/fluent-client" "$*"
}

# Waits up to $2 seconds until command $3 on node $1 prints a line matching $4.
wait_for() {
    node=$1 limit=$2 command=$3 pattern=$4
    waited=0
    while :; do
        out=$(on "$node" "$command" 2>&1) || true
        printf '%s\n' "$out" | grep -q -- "$pattern" && return 0
        [ "$waited" -lt "$limit" ] || fail "node $node: '$command' does not show '$pattern' after ${limit}s: $out"
        sleep 1
        waited=$((waited + 1))
    done
}

step "c-echo published into a file: Maven repository with fluent-plugin package"
[ -f "$CLI_JAR" ] || fail "no $CLI_JAR: build the cli module first"
c_echo_version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$EXAMPLES/c-echo/manifest.json" | head -n 1)
published="$WORK/repository/org/example/plugins/c-echo/$c_echo_version"
java -jar "$CLI_JAR" package --group org.example.plugins --output "$published" "$EXAMPLES/c-echo" >/dev/null \
    || fail "fluent-plugin package c-echo"

step "three installations, the cluster enabled, members on 127.0.0.1:$P1,$P2,$P3"
for n in $NODES; do
    "$DIST/bin/fluent-install" "$WORK/node$n" >/dev/null
    rm -rf "$WORK/node$n"/plugins/*
    # The test's repository first among Karaf's Maven repositories, as an operator lists a plugin catalogue.
    sed -i "s#^org.ops4j.pax.url.mvn.repositories *= *\\\\\$#&\n    file:$WORK/repository@id=plugins, \\\\#" \
        "$WORK/node$n/etc/org.ops4j.pax.url.mvn.cfg"
    grep -q "file:$WORK/repository@id=plugins" "$WORK/node$n/etc/org.ops4j.pax.url.mvn.cfg" \
        || fail "could not add the test's repository to etc/org.ops4j.pax.url.mvn.cfg"
    # A local repository of the test's own, so that nothing lands in the user's ~/.m2.
    echo "org.ops4j.pax.url.mvn.localRepository = $WORK/local-repository" >> "$WORK/node$n/etc/org.ops4j.pax.url.mvn.cfg"
    cfg="$WORK/node$n/etc/dev.fluent.plugin.cluster.cfg"
    eval "member_port=\$P$n"
    sed -i -e "s/^enabled = .*/enabled = true/" -e "s/^port = .*/port = $member_port/" \
        -e "s/^members *=.*/members = $MEMBERS/" -e "s/^cluster.name = .*/cluster.name = test-$$/" "$cfg"
    grep -q "^members = $MEMBERS\$" "$cfg" || fail "could not set the members in $cfg"
done
# One after the other: three JVMs booting at once on two busy cores only slow each other down.
for n in $NODES; do
    start_node "$n" > "$WORK/start$n.out" 2>&1 || fail "node $n did not start: $(cat "$WORK/start$n.out")"
done
step "the cluster feature installed on each node, as an operator does"
for n in $NODES; do
    on "$n" "feature:install --no-auto-refresh fluent-plugin-cluster" >/dev/null \
        || fail "node $n: feature:install fluent-plugin-cluster"
done
for n in $NODES; do
    wait_for "$n" 120 "plugin:cluster" "^Cluster test-$$: member"
done
for n in $NODES; do
    wait_for "$n" 60 "plugin:cluster --json" "$(printf '"member":"127.0.0.1:%s".*"member":"127.0.0.1:%s".*"member":"127.0.0.1:%s"' "$P1" "$P2" "$P3")"
done

step "plugin:package in the shell writes the same artifact as fluent-plugin package"
on 1 "plugin:package --group org.example.plugins --output $WORK/shell-package $EXAMPLES/c-echo" >/dev/null \
    || fail "node 1: plugin:package c-echo"
cmp -s "$WORK/shell-package/c-echo-$c_echo_version.zip" "$published/c-echo-$c_echo_version.zip" \
    || fail "plugin:package and fluent-plugin package wrote different archives of c-echo"
cmp -s "$WORK/shell-package/c-echo-$c_echo_version.pom" "$published/c-echo-$c_echo_version.pom" \
    || fail "plugin:package and fluent-plugin package wrote different poms of c-echo"

step "each node trusts the examples' key itself (trust never travels)"
key_id=$(sed -n 's/.*"signature": *"ed25519:\([0-9a-f]*\):.*/\1/p' "$EXAMPLES/echo/manifest.json")
[ -n "$key_id" ] || fail "no key id in $EXAMPLES/echo/manifest.json"
for n in $NODES; do
    on "$n" "plugin:trust add $EXAMPLES/keys/dev-signing-key.pub.pem" >/dev/null || fail "node $n: trust add"
done

step "echo loaded on node 1 answers on nodes 2 and 3"
on 1 "plugin:load $EXAMPLES/echo" >/dev/null || fail "node 1: plugin:load echo"
for n in 2 3; do
    wait_for "$n" 30 'plugin:execute echo "hello cluster"' "^hello cluster$"
done

step "a reload on node 2 (echo 1.0.1), with callers on all three nodes: no failed request"
cp -R "$EXAMPLES/echo" "$WORK/echo-v2"
sed -i 's/"version": *"1.0.0"/"version": "1.0.1"/' "$WORK/echo-v2/manifest.json"
on 2 "plugin:sign --key $EXAMPLES/keys/dev-signing-key.pem $WORK/echo-v2" >/dev/null \
    || fail "could not sign echo 1.0.1"
for n in $NODES; do
    (
        ok=0 failed=0
        while [ ! -f "$WORK/stop-callers" ]; do
            if out=$(on "$n" 'plugin:execute echo ping' 2>&1) && [ "$out" = "ping" ]; then
                ok=$((ok + 1))
            else
                failed=$((failed + 1))
                echo "$out" >> "$WORK/failures$n"
            fi
        done
        echo "$ok $failed" > "$WORK/callers$n"
    ) &
    eval "caller_$n=$!"
    CALLERS="$CALLERS $!"
done
sleep 3
on 2 "plugin:reload echo $WORK/echo-v2" >/dev/null || fail "node 2: plugin:reload echo"
for n in $NODES; do
    wait_for "$n" 30 "plugin:list" "echo *| *1.0.1"
done
sleep 2
touch "$WORK/stop-callers"
for n in $NODES; do
    eval "wait \$caller_$n"
    read -r ok failed < "$WORK/callers$n"
    [ "$failed" -eq 0 ] || fail "node $n: $failed of $((ok + failed)) requests failed during the reload: $(head -n 3 "$WORK/failures$n")"
    [ "$ok" -gt 0 ] || fail "node $n: no request ran during the reload"
    step "  node $n: $ok requests during the reload, none failed"
done

step "rate limit for the whole cluster: 'limited' (echo at 300 a minute) with HTTP callers on all three nodes"
cp -R "$EXAMPLES/echo" "$WORK/limited"
sed -i -e 's/"name": *"echo"/"name": "limited"/' \
    -e 's/"rate_limit_requests_per_minute": *[0-9]*/"rate_limit_requests_per_minute": 300/' "$WORK/limited/manifest.json"
grep -q '"rate_limit_requests_per_minute": 300' "$WORK/limited/manifest.json" || fail "could not set the rate of 'limited'"
on 1 "plugin:sign --key $EXAMPLES/keys/dev-signing-key.pem $WORK/limited" >/dev/null || fail "could not sign 'limited'"
on 1 "plugin:load $WORK/limited" >/dev/null || fail "node 1: plugin:load limited"
for n in $NODES; do
    wait_for "$n" 30 "plugin:list" "^ *limited "
done
# Each caller sends batches of 20 requests over one connection until told to stop, and counts the answers:
# 200 ran, 429 refused by the rate limit, anything else is a failure of the test.
rate_callers() {
    eval "http=\$PORT_${1}_4"
    password=$(cat "$WORK/node$1/etc/local-admin.password")
    admitted=0 refused=0 other=0
    while [ ! -f "$WORK/stop-rate" ]; do
        codes=$(curl -s -u "admin:$password" -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
            -d '{"payload":"x"}' "http://127.0.0.1:$http/fluent/api/plugins/limited/execute?n=[1-20]") || true
        admitted=$((admitted + $(printf '%s\n' "$codes" | grep -c '^200$' || true)))
        refused=$((refused + $(printf '%s\n' "$codes" | grep -c '^429$' || true)))
        other=$((other + $(printf '%s\n' "$codes" | grep -vc '^200$\|^429$' || true)))
    done
    echo "$admitted $refused $other" > "$WORK/rate$1"
}
started=$(date +%s%N)
for n in $NODES; do
    rate_callers "$n" &
    eval "rate_caller_$n=$!"
    CALLERS="$CALLERS $!"
done
sleep 20
touch "$WORK/stop-rate"
total_admitted=0 total_requests=0
for n in $NODES; do
    eval "wait \$rate_caller_$n"
    read -r admitted refused other < "$WORK/rate$n"
    [ "$other" -eq 0 ] || fail "node $n: $other requests to 'limited' answered neither 200 nor 429"
    [ "$admitted" -gt 0 ] || fail "node $n: none of its $refused requests ran"
    step "  node $n: $admitted ran, $refused refused (429)"
    eval "requests_$n=$((admitted + refused))"
    total_admitted=$((total_admitted + admitted))
    total_requests=$((total_requests + admitted + refused))
done
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
# One bucket of 300 a minute admits its 300 at once, then 5 a second: over the whole run, whichever node asked.
expected=$((300 + 300 * elapsed_ms / 60000))
step "  the cluster ran $total_admitted of $total_requests in $((elapsed_ms / 1000)) s; one bucket of 300/min admits $expected"
[ $((total_admitted * 100)) -le $((expected * 110)) ] && [ $((total_admitted * 100)) -ge $((expected * 90)) ] \
    || fail "the cluster ran $total_admitted requests of 'limited', not within 10 % of $expected"
for n in $NODES; do
    wait_for "$n" 5 "plugin:cluster" "^Rate limits: cluster-wide\$"
done

step "plugin:stats --cluster counts every node's executions of 'limited'"
stats=$(on 1 "plugin:stats --cluster limited") || fail "node 1: plugin:stats --cluster: $stats"
printf '%s\n' "$stats"
merged=$(printf '%s\n' "$stats" | awk -F'|' '$1 ~ /^ *limited *$/ { gsub(/ /, "", $2); gsub(/ /, "", $3); gsub(/ /, "", $4); print $2, $3, $4 }')
[ "$merged" = "3 $total_requests $total_admitted" ] \
    || fail "plugin:stats --cluster shows nodes, executions, OK '$merged', not '3 $total_requests $total_admitted'"
for n in $NODES; do
    eval "member=127.0.0.1:\$P$n requests=\$requests_$n"
    printf '%s\n' "$stats" | grep -q "^ *$member *$requests executions, 1 plugin\$" \
        || fail "plugin:stats --cluster does not show $requests executions on $member"
done

step "plugin:audit --cluster shows the entries of all three nodes, each chain verified on its node"
audit=$(on 2 "plugin:audit --cluster --action load --limit 100") || fail "node 2: plugin:audit --cluster: $audit"
for n in $NODES; do
    eval "member=127.0.0.1:\$P$n"
    printf '%s\n' "$audit" | grep -q "| $member *| .*| limited *| load " \
        || fail "plugin:audit --cluster shows no load of 'limited' on $member: $audit"
    printf '%s\n' "$audit" | grep -q "^ *$member *chain OK: " || fail "the chain of $member does not show verified: $audit"
done
on 3 "plugin:unload limited" >/dev/null || fail "node 3: plugin:unload limited"

step "node 2 killed with SIGKILL: nodes 1 and 3 keep serving; c-echo loaded on node 3 from mvn: meanwhile"
kill -KILL "$(cat "$WORK/node2/karaf.pid")"
for n in 1 3; do
    [ "$(on "$n" 'plugin:execute echo still')" = "still" ] || fail "node $n stopped serving when node 2 died"
done
for n in 1 3; do
    # Node 2 may be alive behind a split: the two left share two thirds of each rate until it is back.
    wait_for "$n" 30 "plugin:cluster" "^Rate limits: cluster-wide, 2 of 3 members present"
done
out=$(on 3 "plugin:load mvn:org.example.plugins/c-echo/$c_echo_version/zip") || fail "node 3: plugin:load mvn: c-echo: $out"
wait_for 1 30 "plugin:list" "^ *c-echo "

step "node 2 started again converges: echo 1.0.1 and c-echo"
start_node 2 > "$WORK/start2.out" 2>&1 || fail "node 2 did not start again: $(cat "$WORK/start2.out")"
# Ready means converged: the plugins are there as soon as start-platform returns.
listed=$(on 2 "plugin:list")
printf '%s\n' "$listed" | grep -q "echo *| *1.0.1" || fail "node 2 reported ready without echo 1.0.1: $listed"
printf '%s\n' "$listed" | grep -q "^ *c-echo " || fail "node 2 reported ready without c-echo: $listed"
[ "$(on 2 'plugin:execute c-echo back')" = "back" ] || fail "node 2 does not run c-echo after its restart"
for n in $NODES; do
    wait_for "$n" 30 "plugin:cluster" "^Rate limits: cluster-wide\$"
done
wait_for 2 60 "plugin:cluster --json" '"member":"127.0.0.1:'"$P2"'","plugins":{"c-echo":"[^"]*","echo":"1.0.1"},"converged":true'

step "a revocation on node 3 unloads the key's plugins on every node"
on 3 "plugin:trust revoke $key_id" >/dev/null || fail "node 3: plugin:trust revoke"
for n in $NODES; do
    waited=0
    while on "$n" "plugin:list" | grep -q "^ *echo \|^ *c-echo "; do
        [ "$waited" -lt 15 ] || fail "node $n still runs the revoked key's plugins after 15s: $(on "$n" plugin:list)"
        sleep 1
        waited=$((waited + 1))
    done
    step "  node $n: unloaded within ${waited}s"
done

step "passed"
