#!/usr/bin/env python3
"""The floor of a night on PostgreSQL.

Takes the rows settle wrote for a day (the schema `settle-bench e2e --backend postgresql --url URL --keep DIR` leaves,
named in its output) and writes them again, through psql's COPY (C, libpq, nothing computed), into a copy of the same
tables, empty, with the same keys, indexes and references, in one transaction. No writer of that day into those tables
on that server does less: what settle adds is everything it computes, and what it reads, updates and upserts.

usage: scripts/floor/day-pg.py URL SCHEMA [DUMP_FOLDER] [--keys-only]
The folder keeps each table's rows between runs. `--keys-only` drops every index but the keys (primary and unique)
first: what the same rows cost without the indexes the reads use.
"""
import os, subprocess, sys, time

keys_only = "--keys-only" in sys.argv
args = [a for a in sys.argv[1:] if a != "--keys-only"]
if len(args) < 2:
    sys.exit(__doc__)
url, source = args[0], args[1]
dump = args[2] if len(args) > 2 else "/tmp/settle-floor-day"
floor = f"floor_{os.getpid()}"
os.makedirs(dump, exist_ok=True)


def psql(*args, stdin=None):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, *args], input=stdin, text=True,
                          capture_output=True, check=True).stdout


tables = psql("-At", "-c", f"SELECT tablename FROM pg_tables WHERE schemaname = '{source}'").split()
# Tables in an order their references allow: a table after every table it references.
refs = {t: set() for t in tables}
for line in psql("-At", "-F", " ", "-c", f"""
        SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
        JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = '{source}'""").splitlines():
    child, parent = (name.split(".")[-1] for name in line.split())
    if child != parent:
        refs[child].add(parent)
order = []
while len(order) < len(tables):
    ready = sorted(t for t in tables if t not in order and refs[t] <= set(order))
    if not ready:
        sys.exit(f"references go round: {sorted(set(tables) - set(order))}")
    order += ready

rows = {}
for t in order:
    path = f"{dump}/{t}.copy"
    if not os.path.exists(path):
        psql("-c", f"\\copy {source}.{t} TO '{path}'")
    rows[t] = sum(1 for _ in open(path, "rb"))

schema = subprocess.run(["pg_dump", "-s", "-n", source, url], text=True, capture_output=True, check=True).stdout
psql(stdin=schema.replace(f"{source}.", f"{floor}.").replace(f"SCHEMA {source}", f"SCHEMA {floor}"))
if keys_only:
    for index in psql("-At", "-c", f"""
            SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{floor}' AND NOT i.indisunique""").split():
        psql("-c", f"DROP INDEX {index}")
try:
    script = "\\timing on\n" + "".join(f"\\copy {floor}.{t} FROM '{dump}/{t}.copy'\n" for t in order if rows[t])
    started = time.monotonic()
    out = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-1", url], input=script, text=True, capture_output=True,
                         check=True).stdout
    total = time.monotonic() - started
    times = [float(line.split()[1]) / 1000 for line in out.splitlines() if line.startswith("Time:")]
    loaded = [t for t in order if rows[t]]
    for t, s in sorted(zip(loaded, times), key=lambda x: -x[1]):
        print(f"{t:28} {rows[t]:>10,} rows {s:8.1f} s")
    print(f"{'all, one transaction':28} {sum(rows.values()):>10,} rows {total:8.1f} s (COMMIT included)")
finally:
    psql("-c", f"DROP SCHEMA {floor} CASCADE")
