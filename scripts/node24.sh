#!/usr/bin/env bash
# Guarantees Node 24 LTS first on PATH, then execs the given command. Installs node@24 from the npm registry
# into a cache folder the first time; afterwards it is a version check and an exec (about 0.1 s).
set -euo pipefail
want=24
cache="${PROCTOR_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/proctor-node${want}}"
bin="$cache/node_modules/.bin"

current_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(current_major node)" != "$want" ]; then
  if [ ! -x "$bin/node" ] || [ "$(current_major "$bin/node")" != "$want" ]; then
    echo "node24: installing node@$want into $cache (once)" >&2
    mkdir -p "$cache"
    # allowScripts: node's preinstall script is what fetches the binary from the npm package; without it npm
    # "succeeds" and installs nothing.
    printf '{"name":"proctor-node-cache","private":true,"allowScripts":{"node":true}}\n' >"$cache/package.json"
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "node@$want" >&2
    [ "$(current_major "$bin/node")" = "$want" ] || { echo "node24: install of node@$want failed" >&2; exit 1; }
  fi
  export PATH="$bin:$PATH"
fi
# ~/.npmrc on these machines points nodedir at Node 20's headers; never let a native build pick them up.
export npm_config_nodedir=
[ "$#" -gt 0 ] && exec "$@"
