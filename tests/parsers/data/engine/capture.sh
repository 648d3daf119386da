#!/bin/sh
# Real `docker version` / `docker info` output of a client that reaches no engine: the client's
# part, then the client's error (captured with 2>&1 for the text forms, left out of the JSON ones,
# as a script would take them). DOCKER_HOST names a socket that does not exist: no engine is
# touched. Needs the docker CLI.
# Usage: sh tests/parsers/data/engine/capture.sh   (writes beside this script)
set -u
out=$(cd "$(dirname "$0")" && pwd)
export DOCKER_HOST=unix:///nonexistent.sock
docker version >"$out/docker_version_no_engine.txt" 2>&1
docker info >"$out/docker_info_no_engine.txt" 2>&1
docker version --format '{{json .}}' >"$out/docker_version_format_json_no_engine.txt" 2>/dev/null
docker info --format '{{json .}}' >"$out/docker_info_format_json_no_engine.txt" 2>/dev/null
exit 0
