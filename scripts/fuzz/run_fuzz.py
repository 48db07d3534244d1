#!/usr/bin/env python3
"""Whole-run fuzz: corrupt the sample days' real inputs (byte flips, truncations, swapped, repeated and dropped lines, numbers widened past 64 bits, in
every input type) and run `settle run` on them for a while. Fails on a crash (a signal, or an exit code other than
0, 1 or 2), on a rejected input that left no trace (exit 1 without an INVALID_INPUT exception or a quarantined file),
and on a ledger that `settle ledger verify` does not find clean after the run.

    scripts/fuzz/run_fuzz.py SETTLE_BINARY SAMPLES_FOLDER SECONDS
"""
import os, random, re, shutil, subprocess, sys, tempfile, time

settle, samples, seconds = sys.argv[1], os.path.abspath(sys.argv[2]), float(sys.argv[3])
days = sorted(d for d in os.listdir(samples) if d.startswith("2026-"))
# The samples have NACHA and BAI2 only: camt and bank CSV files from the shared corpus (when present) join the
# corrupted day, CSVs with the profile that reads them, so every input type is corrupted and run.
profiles = os.path.join(os.path.dirname(samples), "Jobs", "profiles")
corpus = os.path.join(os.path.dirname(samples), "..", "shared", "corpus", "statements")
camts = sorted(os.path.join(r, f) for r, _, fs in os.walk(os.path.join(corpus, "camt")) for f in fs if f.endswith(".xml"))
csvs = [("reubano__csv2ofx/capitalone.csv", "capital-one"), ("reubano__csv2ofx/mint.csv", "mint"), ("reubano__csv2ofx/gls.csv", "gls-bank"),
        ("reubano__csv2ofx/schwab-checking.csv", "schwab-checking"), ("gpaulissen__ofxstatement-dutch/ing_ok.csv", "ing-nl"),
        ("reubano__csv2ofx/ingesp.csv", "ing-es")]
csvs = [(os.path.join(corpus, "csv", f), os.path.join(profiles, p + ".json")) for f, p in csvs if os.path.exists(os.path.join(corpus, "csv", f))]
rng = random.Random(int(os.environ.get("SEED", "20261130")))


def mutate(data: bytes) -> (bytes, str):
    lines = data.split(b"\n")
    kind = rng.choice(["flip", "flips", "truncate", "swap", "repeat", "drop", "digit", "widen", "empty"])
    if kind == "flip" and data:
        i = rng.randrange(len(data)); b = bytearray(data); b[i] = rng.randrange(256); return bytes(b), f"byte {i} set"
    if kind == "flips" and data:
        b = bytearray(data)
        for _ in range(rng.randint(2, 20)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        return bytes(b), "bits flipped"
    if kind == "truncate" and data:
        n = rng.randrange(len(data)); return data[:n], f"truncated at {n}"
    if kind == "swap" and len(lines) > 2:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines)); lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines), f"lines {i + 1} and {j + 1} swapped"
    if kind == "repeat" and lines:
        i = rng.randrange(len(lines)); lines.insert(i, lines[i]); return b"\n".join(lines), f"line {i + 1} repeated"
    if kind == "drop" and len(lines) > 1:
        i = rng.randrange(len(lines)); del lines[i]; return b"\n".join(lines), f"line {i + 1} dropped"
    if kind == "digit" and data:
        digits = [k for k, c in enumerate(data) if 48 <= c <= 57]
        if digits:
            b = bytearray(data); k = rng.choice(digits); b[k] = 48 + rng.randrange(10); return bytes(b), f"digit at {k} changed"
    if kind == "widen" and data:
        numbers = [m for m in re.finditer(rb"[0-9]+", data)]
        if numbers:
            m = rng.choice(numbers); extra = b"9" * rng.randint(6, 20)
            return data[:m.start()] + extra + data[m.start():], f"number at {m.start()} widened by {len(extra)} digits"
    return b"", "emptied"


work = tempfile.mkdtemp(prefix="settle-fuzz-run-")
runs = problems = 0
outcomes = {0: 0, 1: 0, 2: 0, 3: 0}
deadline = time.time() + seconds
try:
    while time.time() < deadline:
        runs += 1
        case = os.path.join(work, f"case-{runs % 4}")
        shutil.rmtree(case, ignore_errors=True)
        os.makedirs(case)
        inputs = os.path.join(case, "in")
        shutil.copytree(samples, inputs)
        day = rng.choice(days)
        if camts:
            os.makedirs(os.path.join(inputs, day, "camt"))
            shutil.copy(rng.choice(camts), os.path.join(inputs, day, "camt", "statement.xml"))
        profile = None
        if csvs:
            csv, profile = rng.choice(csvs)
            os.makedirs(os.path.join(inputs, day, "csv"))
            shutil.copy(csv, os.path.join(inputs, day, "csv", "export.csv"))
        statements = f', {{ "format": "camt053", "path": "{inputs}/{{date}}/camt/*.xml" }}' if camts else ""
        statements += f', {{ "format": "csv", "path": "{inputs}/{{date}}/csv/*.csv", "profile": "{profile}", "account": "1001" }}' if profile else ""
        files = [os.path.join(r, f) for r, _, fs in os.walk(os.path.join(inputs, day)) for f in fs]
        touched = []
        for path in rng.sample(files, k=min(len(files), rng.randint(1, 2))):
            with open(path, "rb") as f:
                data = f.read()
            data, how = mutate(data)
            with open(path, "wb") as f:
                f.write(data)
            touched.append(f"{os.path.relpath(path, inputs)} ({how})")
        manifest = os.path.join(case, "job.json")
        with open(manifest, "w") as f:
            f.write(f'''{{ "version": 1, "name": "fuzz", "currency": "USD", "ledger": "{case}/ledger.sqlite", "output": "{case}/out",
  "archive": "{case}/archive", "customers": "{inputs}/customers.csv", "invoices": "{inputs}/invoices.csv",
  "sources": [ {{ "format": "nacha", "path": "{inputs}/{{date}}/ach/*.ach", "role": "received" }},
               {{ "format": "nacha", "path": "{inputs}/{{date}}/ach-originated/*.ach", "role": "originated" }},
               {{ "format": "nacha", "path": "{inputs}/{{date}}/ach-returns/*.ach", "role": "originated" }},
               {{ "format": "bai2", "path": "{inputs}/{{date}}/bank/*.bai" }}{statements} ],
  "matching": {{ "tolerance": "1.00" }} }}''')
        # The days before the corrupted one run clean first, so the corrupted day meets a ledger with history.
        before = [d for d in days if d < day]
        if before:
            subprocess.run([settle, "run", manifest, "--from", before[0], "--to", before[-1]], capture_output=True, timeout=120)
        result = subprocess.run([settle, "run", manifest, "--date", day], capture_output=True, timeout=120)
        code = result.returncode
        what = f"run {runs}: {day}: " + "; ".join(touched)
        # Exit 3 is a crash unless the day was refused because its money does not fit in 64 bits.
        refused_money = code == 3 and b"refused rather than computed wrong" in result.stderr
        if code not in (0, 1, 2) and not refused_money:
            problems += 1
            print(f"CRASH {what}: exit {code}\n{result.stderr.decode(errors='replace')[-2000:]}")
            keep = os.path.join(os.getcwd(), f".build-fuzz/run-crash-{runs}")
            shutil.copytree(case, keep, dirs_exist_ok=True)
            print(f"  inputs kept in {keep}")
            continue
        outcomes[code] += 1
        if code == 1:
            exceptions = os.path.join(case, "out", day, "exceptions.csv")
            traced = os.path.exists(exceptions) and b"INVALID_INPUT" in open(exceptions, "rb").read()
            quarantine = os.path.join(case, "archive", "quarantine", day)
            traced = traced or (os.path.isdir(quarantine) and os.listdir(quarantine))
            if not traced:
                problems += 1
                print(f"UNTRACED {what}: exit 1 without an INVALID_INPUT exception or a quarantined file")
        if os.path.exists(os.path.join(case, "ledger.sqlite")):
            verify = subprocess.run([settle, "ledger", "verify", "--ledger", os.path.join(case, "ledger.sqlite")], capture_output=True, timeout=120)
            if verify.returncode != 0:
                problems += 1
                print(f"VERIFY {what}: {verify.stdout.decode(errors='replace')[-1500:]}")
finally:
    shutil.rmtree(work, ignore_errors=True)
print(f"run fuzz: {runs} runs in {seconds:.0f} s ({outcomes[0]} accepted, {outcomes[1]} with input rejected or quarantined, {outcomes[2]} refused, {outcomes[3]} refused as past 64 bits); "
      f"{problems} problem{'s' if problems != 1 else ''}")
sys.exit(1 if problems else 0)
