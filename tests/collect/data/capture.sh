#!/bin/sh
# Real `docker inspect` and `docker network inspect` output of a container and a network that carry
# secret-looking values (environment variables, labels, a command-line option) next to ordinary
# ones, for the tests of `netparse collect --redact`. The values are made up for this capture.
# Creates np-e2e-redact-net and np-e2e-redact (image netparse/bb, imported from /bin/busybox when
# missing; never pulled), captures, and removes both by name. Sends no traffic to the container.
# Needs root and a running Docker engine.
# Usage: sh tests/collect/data/capture.sh   (writes beside this script)
set -eu
out=$(cd "$(dirname "$0")" && pwd)
image=netparse/bb

cleanup() {
    docker rm -f np-e2e-redact >/dev/null 2>&1 || true
    docker network rm np-e2e-redact-net >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

if ! docker image inspect "$image" >/dev/null 2>&1; then
    root=$(mktemp -d)
    mkdir "$root/bin" && cp /bin/busybox "$root/bin/" && ln -s busybox "$root/bin/sleep" && ln -s busybox "$root/bin/sh"
    tar -C "$root" -c . | docker import - "$image" >/dev/null
    rm -rf "$root"
fi

docker network create --label com.example.vault-token=s.Xq7fake0token \
    --label com.example.owner=network-team np-e2e-redact-net >/dev/null
docker run -d --pull=never --name np-e2e-redact --network np-e2e-redact-net \
    -e DB_PASSWORD='correct"horse\battery' -e API_TOKEN=tok_live_0123456789 \
    -e AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIfakeEXAMPLEKEY -e MYSQL_ROOT_PWD=hunter2 \
    -e APP_MODE=production -e LANG=C.UTF-8 -e EMPTY_SECRET= \
    --label com.example.db-password=labelpass123 --label com.example.team=network \
    --label org.opencontainers.image.title=busybox \
    "$image" sh -c 'exec sleep 1000000' sh --api-key=cmdline-key-42 >/dev/null

docker inspect np-e2e-redact >"$out/docker_inspect_secrets.json"
docker network inspect np-e2e-redact-net >"$out/docker_network_inspect_secrets.json"
