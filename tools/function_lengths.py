#!/usr/bin/env python3
"""The longest Swift functions and the largest Swift files, as Markdown tables.

    python3 tools/function_lengths.py                 # Sources/, 15 functions, 10 files
    python3 tools/function_lengths.py --functions 20 --files 5 Sources Tests

A function's length is the lines from its `func`/`init`/`deinit`/`subscript` keyword to its
closing brace, both included. Nested functions count inside their parent and are not listed on
their own (the issue asks for no function over ~60 lines, nested closures included). Strings and
comments are skipped when braces are matched, so a "{" in a literal cannot mislead the count.
"""
import argparse
import os
import re
import sys

DECL = re.compile(r"\b(func\s+([^\s(<]+)|init[?!]?(?=\s*[(<])|deinit\b|subscript(?=\s*[(<]))")
CONTINUES = re.compile(r"\s*(\{|where\b|->|throws\b|async\b|rethrows\b)")
TYPE = re.compile(r"\b(?:struct|class|enum|extension|actor|protocol)\s+([A-Za-z_][\w.]*)")


def code_only(source):
    """The source with string contents and comments replaced by spaces (newlines kept), so
    braces and keywords are found only in code. Handles raw strings (#"…"#), multi-line
    strings and interpolations (which are code)."""
    out = list(source)
    i, n = 0, len(source)
    # Each entry is an open string: (hashes, multiline, paren depth of its interpolation or -1).
    strings = []
    paren = 0

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        if strings and strings[-1][2] == -1:
            hashes, multi, _ = strings[-1]
            close = ('"""' if multi else '"') + "#" * hashes
            if source.startswith("\\" + "#" * hashes + "(", i):
                start = i
                i += 2 + hashes
                blank(start, i)
                strings[-1] = (hashes, multi, paren)
                paren += 1
                continue
            if source.startswith("\\", i) and hashes == 0:
                blank(i, min(i + 2, n))
                i += 2
                continue
            if source.startswith(close, i):
                blank(i, i + len(close))
                i += len(close)
                strings.pop()
                continue
            blank(i, i + 1)
            i += 1
            continue
        c = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end == -1 else end
            blank(i, end)
            i = end
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end == -1 else end + 2
            blank(i, end)
            i = end
        elif c == "#" or c == '"':
            m = re.match(r'(#*)("""|")', source[i:])
            if not m:
                i += 1
                continue
            blank(i, i + m.end())
            strings.append((len(m.group(1)), m.group(2) == '"""', -1))
            i += m.end()
        elif c == "(":
            paren += 1
            i += 1
        elif c == ")":
            paren -= 1
            i += 1
            if strings and strings[-1][2] == paren:
                out[i - 1] = " "
                strings[-1] = (strings[-1][0], strings[-1][1], -1)
        else:
            i += 1
    return "".join(out)


def functions(path):
    """(qualified name, first line, line count) of each outermost function in one file."""
    code = code_only(open(path, encoding="utf-8").read())
    line_of = [0] * (len(code) + 1)
    line = 1
    for k, ch in enumerate(code):
        line_of[k] = line
        if ch == "\n":
            line += 1
    line_of[len(code)] = line
    found = []
    scopes = []  # (kind, name, depth at which the scope's body opened)
    depth = 0
    pending_type = None
    pending_func = None
    paren = 0
    k = 0
    while k < len(code):
        ch = code[k]
        if ch.isalpha() or ch == "_":
            m = re.match(r"[A-Za-z_]\w*", code[k:])
            word = m.group(0)
            in_func = any(kind == "func" for kind, _, _ in scopes)
            if not in_func and word in ("struct", "class", "enum", "extension", "actor", "protocol"):
                tm = TYPE.match(code, k)
                if tm:
                    pending_type = tm.group(1)
            elif not in_func and word in ("func", "init", "deinit", "subscript"):
                dm = DECL.match(code, k)
                if dm:
                    pending_func = (dm.group(2) or dm.group(1).rstrip("?!"), line_of[k])
            k += len(word)
            continue
        if ch == "{":
            depth += 1
            if pending_func:
                scopes.append(("func", pending_func, depth))
                pending_func = None
            elif pending_type:
                scopes.append(("type", pending_type, depth))
                pending_type = None
            else:
                scopes.append(("block", None, depth))
        elif ch == "}":
            kind, name, _ = scopes.pop()
            depth -= 1
            if kind == "func":
                owner = ".".join(n for kd, n, _ in scopes if kd == "type")
                fname, first = name
                found.append(((owner + "." if owner else "") + fname, first, line_of[k] - first + 1))
        elif ch == "(":
            paren += 1
        elif ch == ")":
            paren -= 1
        elif pending_func and paren == 0 and (ch == ";" or ch == "\n"):
            # A declaration without a body (a protocol requirement) ends at its line's end.
            if ch == ";" or not CONTINUES.match(code, k + 1):
                pending_func = None
        k += 1
    return found


def swift_files(roots):
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in sorted(names):
                if name.endswith(".swift"):
                    yield os.path.join(folder, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("roots", nargs="*", default=["Sources"], help="folders to scan (default: Sources)")
    ap.add_argument("--functions", type=int, default=15, help="how many functions to list")
    ap.add_argument("--files", type=int, default=10, help="how many files to list")
    args = ap.parse_args()
    funcs, files = [], []
    for path in swift_files(args.roots):
        with open(path, encoding="utf-8") as f:
            files.append((path, sum(1 for _ in f)))
        funcs += [(name, path, first, count) for name, first, count in functions(path)]
    if not files:
        sys.exit(f"no .swift files under {' '.join(args.roots)}")
    funcs.sort(key=lambda f: (-f[3], f[1], f[2]))
    files.sort(key=lambda f: (-f[1], f[0]))
    print(f"| {'function':<48} | {'where':<56} | lines |")
    print(f"|{'-' * 50}|{'-' * 58}|-------|")
    for name, path, first, count in funcs[: args.functions]:
        print(f"| {name:<48} | {path + ':' + str(first):<56} | {count:>5} |")
    print()
    print(f"| {'file':<56} | lines |")
    print(f"|{'-' * 58}|-------|")
    for path, count in files[: args.files]:
        print(f"| {path:<56} | {count:>5} |")
    over = sum(1 for f in funcs if f[3] > 60)
    print(f"\n{len(funcs)} functions in {len(files)} files; {over} over 60 lines")


if __name__ == "__main__":
    main()
