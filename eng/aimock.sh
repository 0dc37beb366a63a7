# Starts and stops the OpenAI emulator (aimock, pinned in tests/aimock) on a free loopback port; sourced by
# eng/test.sh and eng/mutation.sh, which set $root to the repository root and call stop_aimock on exit.
# start_aimock exports AIMOCK_URL when the emulator answers its health check, and returns non-zero otherwise.
aimock_pid=""
aimock_log="$root/artifacts/aimock.log"
stop_aimock() {
  if [ -n "$aimock_pid" ] && kill -0 "$aimock_pid" 2>/dev/null; then
    kill "$aimock_pid" 2>/dev/null
    wait "$aimock_pid" 2>/dev/null
  fi
}
start_aimock() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "aimock: node/npm not found" >&2
    return 1
  fi
  if ! npm ci --prefix tests/aimock --no-audit --no-fund --loglevel=error >"$root/artifacts/aimock-install.log" 2>&1; then
    echo "aimock: npm ci --prefix tests/aimock failed (see artifacts/aimock-install.log)" >&2
    return 1
  fi
  # Port 0: the OS picks a free loopback port, which the server prints.
  node tests/aimock/node_modules/@copilotkit/aimock/dist/cli.js \
    --port 0 --host 127.0.0.1 --fixtures tests/aimock/fixtures --log-level info >"$aimock_log" 2>&1 &
  aimock_pid=$!
  local url="" i
  for i in $(seq 1 100); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$aimock_log" | head -n 1)"
    if [ -n "$url" ] && node -e 'fetch(process.argv[1] + "/health").then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url" >/dev/null 2>&1; then
      export AIMOCK_URL="$url"
      echo "aimock: listening on $AIMOCK_URL"
      return 0
    fi
    kill -0 "$aimock_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "aimock: did not start (see artifacts/aimock.log)" >&2
  return 1
}
