# Sourced by the profiling scripts: waits (up to 30 min) until the load harness's pipeline phase has started its
# fetcher and fills the associative array `roles` (pid -> role) with that phase's worker processes; exits 1 if the
# phase never comes. The pipeline phase's processes share a virtual host named pipe-...; the stages alone run on their own.
wait_for_pipeline_roles() {
  declare -gA roles=()
  local deadline=$((SECONDS + 1800)) pid environment
  while [ $SECONDS -lt $deadline ]; do
    for pid in $(pgrep -f "wirewatch.dll run" || true); do
      [ -n "${roles[$pid]:-}" ] && continue
      environment=$(tr '\0' '\n' < /proc/$pid/environ 2>/dev/null || true)
      case "$(sed -n 's/^Wirewatch__RabbitMq__VirtualHost=//p' <<< "$environment")" in pipe*) ;; *) continue;; esac
      roles[$pid]=$(sed -n 's/^Wirewatch__Roles=//p' <<< "$environment")
    done
    [[ " ${roles[*]:-} " == *" fetcher "* ]] && return 0
    sleep 0.1 # polling the process table, not waiting for a result
  done
  echo "no pipeline phase seen" >&2
  exit 1
}
