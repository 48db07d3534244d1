#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `start DIR` makes one in DIR (initdb refuses root, so as the `postgres`
# account through runuser when run as root), listening on a Unix socket in DIR only, and prints the URL the tests take
# (SETTLE_TEST_POSTGRESQL); `stop DIR` stops it and removes DIR. Without fsync: a throwaway cluster on a shared CI disk
# need not wait for the disk at every commit, and what the tests kill (settle, or the server by `pg_ctl restart -m
# immediate`) is a process, not the machine, so the kernel still holds every WAL write a commit made.
set -euo pipefail
action=${1:?usage: pg-test-cluster.sh start|stop DIR}
dir=${2:?usage: pg-test-cluster.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $bin ]] || bin=$(dirname "$(command -v pg_ctl)")
as=()
owner=$(id -un)
if [[ $(id -u) -eq 0 ]]; then as=(runuser -u postgres --); owner=postgres; fi
case $action in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U "$owner" --auth=trust --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-k $dir -c listen_addresses='' -c max_connections=200 -c fsync=off -c full_page_writes=off" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    "${as[@]}" "$bin/createdb" -h "$dir" -U "$owner" settle_test
    echo "postgresql:///settle_test?host=$dir&user=$owner"
    ;;
  stop)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: pg-test-cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
