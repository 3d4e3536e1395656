# Sourced by the distribution's shell tests: free TCP ports on this machine.

# Whether something listens on TCP port $1.
taken() {
    if command -v ss >/dev/null 2>&1; then
        [ -n "$(ss -Hltn "sport = :$1")" ]
    else
        cat /proc/net/tcp /proc/net/tcp6 2>/dev/null \
            | awk -v p=":$(printf '%04X' "$1")" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }'
    fi
}

# Prints $1 free ports, searched from a start derived from the process id and the multiplier $2, so that runs
# differ and parallel builds rarely meet.
free_ports() {
    found=""
    candidate=$((20000 + ($$ * $2) % 20000))
    while [ "$(printf '%s\n' $found | grep -c .)" -lt "$1" ]; do
        candidate=$((candidate + 1))
        taken "$candidate" || found="$found $candidate"
    done
    echo $found
}
