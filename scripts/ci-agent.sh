#!/usr/bin/env bash
# What a CI agent must have, in one place (.ci/run and the Jenkinsfile both run this first): Linux with npm (any
# version: scripts/node24.sh brings Node 24 itself), Java 17+ and Maven (the Kafka, bridge and S3Proxy jars come
# from Maven Central), a MySQL-compatible server at MYSQL_URL (default root@127.0.0.1:3306, no password),
# redis-server (stack:up starts one when none answers), and Debian's chromium and ffmpeg for the browser tests,
# which this installs with apt when it runs as root (or with sudo).
set -euo pipefail
missing=()
command -v npm >/dev/null || missing+=("npm (any version)")
command -v java >/dev/null && [ "$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)" -ge 17 ] ||
  missing+=("Java 17 or newer")
command -v mvn >/dev/null || missing+=("Maven")
command -v redis-server >/dev/null || missing+=("redis-server")
url=${MYSQL_URL:-mysql://root@127.0.0.1:3306/proctor}
hostport=${url#*@}; hostport=${hostport%%/*}
(exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}") 2>/dev/null || missing+=("a MySQL-compatible server at $hostport")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'ci-agent: this agent lacks: %s\n' "${missing[@]}" >&2
  exit 1
fi
if [ ! -x /usr/bin/chromium ] || ! command -v ffmpeg >/dev/null; then
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium ffmpeg >/dev/null
fi
