#!/usr/bin/env python3
"""perf_under.py DATA PATTERN [depth] [--callers]: of the samples in a `perf record -g` file
whose stack has a frame matching PATTERN (a regex over demangled names), the share of each
callee chain `depth` frames below the outermost match (or, with --callers, of each caller chain
above it). The flat and caller views of `perf report` do not answer "what does X spend its time
on, inclusive" for Swift's deep, inlined stacks."""
import collections
import re
import subprocess
import sys


def stacks(data):
    out = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym"], capture_output=True, text=True).stdout
    result, cur = [], []
    for line in out.splitlines():
        if not line.strip():
            if cur:
                result.append(cur)
                cur = []
            continue
        parts = line.strip().split(None, 1)
        cur.append(parts[1] if len(parts) > 1 else "?")
    if cur:
        result.append(cur)
    return result


def main():
    args = [a for a in sys.argv[1:] if a != "--callers"]
    callers = "--callers" in sys.argv
    data, pattern = args[0], re.compile(args[1])
    depth = int(args[2]) if len(args) > 2 else 1
    all_stacks = stacks(data)
    symbols = sorted({s for st in all_stacks for s in st})
    demangled = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(symbols),
                               capture_output=True, text=True).stdout.splitlines()
    name = dict(zip(symbols, demangled))
    shares, hit = collections.Counter(), 0
    for st in all_stacks:
        frames = [name.get(s, s)[:110] for s in st]  # leaf first
        matches = [i for i, f in enumerate(frames) if pattern.search(f)]
        if not matches:
            continue
        hit += 1
        i = matches[-1]
        if callers:
            chain = " <- ".join(f for f in frames[i + 1:] if not f.startswith(("partial apply", "thunk", "reabstraction")))[:400]
            chain = " <- ".join(chain.split(" <- ")[:depth])
        else:
            chain = " <- ".join(reversed(frames[max(0, i - depth):i])) if i > 0 else "(self)"
        shares[chain] += 1
    total = len(all_stacks)
    print(f"{hit}/{total} samples ({100 * hit / max(total, 1):.1f}%) under {args[1]}")
    for chain, n in shares.most_common(25):
        print(f"{100 * n / total:6.2f}%  {chain}")


if __name__ == "__main__":
    main()
