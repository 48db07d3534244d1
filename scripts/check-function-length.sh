#!/usr/bin/env bash
# No function, initializer or deinitializer in Sources/Pipeline longer than 80 lines (DESIGN: Pipeline is a driver,
# each stage a function a reader can follow). Counts from the line of `func`/`init` to its closing brace; a nested
# function counts in its own length and in the one around it.
# Usage: scripts/check-function-length.sh [FOLDER] [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
folder=${1:-Sources/Pipeline}
limit=${2:-80}
python3 - "$folder" "$limit" <<'PY'
import os, re, sys
folder, limit = sys.argv[1], int(sys.argv[2])
modifiers = (r'public|private|fileprivate|internal|package|open|static|class|override|mutating|nonmutating|nonisolated|final'
             r'|convenience|required|dynamic|consuming|borrowing|__consuming|distributed|prefix|postfix|infix|optional')
decl = re.compile(r'^\s*(?:@\w+(?:\((?:[^()]|\([^()]*\))*\))?\s+)*(?:(?:' + modifiers + r')(?:\(set\))?\s+)*'
                  r'(func\s+[^\s(<]+|init[?!]?\s*[(<]|deinit\b)')
# A line that ends a body-less declaration (a protocol's requirement) before any brace is found.
next_member = re.compile(r'^\s*(?:$|\}|(?:@\w+\s+)*(?:(?:' + modifiers + r')\s+)*(?:var|let|case|typealias|associatedtype|subscript|func|init|deinit)\b)')

def code_only(text):
    """The source with comments and the text of string literals blanked (newlines kept), so that only code's own
    braces and parentheses are left. Handles nested block comments, multi-line and raw strings, and interpolations
    (whose code is kept, with any strings inside it blanked in turn)."""
    out = list(text)
    i, n = 0, len(text)
    # Each open string: (closing delimiter, raw hashes, parenthesis depth of the interpolation we are in or None).
    stack = []  # strings we are inside; the innermost last
    interp = []  # for each interpolation entered: parenthesis depth within it
    def blank(a, b):
        for k in range(a, b):
            if out[k] != '\n':
                out[k] = ' '
    while i < n:
        in_string = bool(stack) and (len(interp) < len(stack))
        if in_string:
            close, hashes = stack[-1]
            escape = '\\' + '#' * hashes
            if text.startswith(escape + '(', i):
                blank(i, i + len(escape))
                i += len(escape) + 1
                interp.append(0)
                continue
            if text.startswith(escape, i):
                blank(i, min(n, i + len(escape) + 1))
                i += len(escape) + 1
                continue
            if text.startswith(close, i):
                i += len(close)
                stack.pop()
                continue
            if close == '"' + '#' * hashes and text[i] == '\n':
                stack.pop()  # an unterminated single-line string ends with its line
                i += 1
                continue
            blank(i, i + 1)
            i += 1
            continue
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
            continue
        if text.startswith('/*', i):
            depth, j = 0, i
            while j < n:
                if text.startswith('/*', j):
                    depth += 1
                    j += 2
                elif text.startswith('*/', j):
                    depth -= 1
                    j += 2
                    if depth == 0:
                        break
                else:
                    j += 1
            blank(i, j)
            i = j
            continue
        m = re.match(r'(#*)("""|")', text[i:i + 40])
        if m and (m.group(1) == '' or c == '#'):
            hashes, quote = len(m.group(1)), m.group(2)
            stack.append((quote + '#' * hashes, hashes))
            i += m.end()
            continue
        if interp:
            if c == '(':
                interp[-1] += 1
            elif c == ')':
                if interp[-1] == 0:
                    interp.pop()
                    blank(i, i + 1)
                    i += 1
                    continue
                interp[-1] -= 1
        i += 1
    return ''.join(out)

too_long = []
for root, _, files in os.walk(folder):
    for name in sorted(files):
        if not name.endswith('.swift'):
            continue
        path = os.path.join(root, name)
        lines = code_only(open(path, encoding='utf-8').read()).split('\n')
        for i, line in enumerate(lines):
            m = decl.match(line)
            if not m:
                continue
            # The body opens with the first brace outside the signature's parentheses (a default argument may be a
            # closure) and ends with the brace that matches it.
            parens, depth, opened, j, end = 0, 0, False, i, None
            while j < len(lines) and end is None:
                if j > i and not opened and parens == 0 and next_member.match(lines[j]):
                    break
                for c in lines[j]:
                    if c in '([':
                        parens += 1
                    elif c in ')]':
                        parens -= 1
                    elif c == '{' and (opened or parens == 0):
                        depth += 1
                        opened = True
                    elif c == '}' and opened:
                        depth -= 1
                        if depth == 0:
                            end = j
                            break
                j += 1
            if end is not None:
                length = end - i + 1
                if length > limit:
                    too_long.append(f"{path}:{i + 1}: {m.group(1).strip()} is {length} lines (limit {limit})")
if too_long:
    print("\n".join(too_long))
    sys.exit(1)
PY
