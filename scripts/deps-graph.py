#!/usr/bin/python3
"""Which module of the daemon uses which: the graph of its object files.

    scripts/deps-graph.py [--check] [OBJDIR]
    scripts/deps-graph.py --link OBJ CANDIDATE...

Reads the symbols every object file in OBJDIR (default build/obj/daemon)
defines and uses, with nm(1), and prints one line per module naming the
modules whose functions or data it uses.  Then it prints the cycles: the
groups of modules that use each other in a circle (strongly connected
components of more than one module, and modules that are their own
neighbour are not counted).  With --check the exit status is 1 when there
is a cycle, so that `make deps-graph` fails.  main.o is left out: nothing
uses it.

With --link it prints, one per line, the CANDIDATE object files that OBJ
needs: those that define a symbol OBJ uses, and what those need in turn.
The unit tests are linked with exactly that set, so that each links its
module and what the module needs, not the whole daemon.
"""

import os
import subprocess
import sys


def symbols(path):
    """(defined, used) global symbol names of one object file."""
    out = subprocess.run(["nm", "-g", path], check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCGSV":
            defined.add(parts[2])
    return defined, used


def graph(objdir):
    mods = {}
    for name in sorted(os.listdir(objdir)):
        if name.endswith(".o") and name != "main.o":
            mods[name[:-2]] = symbols(os.path.join(objdir, name))
    owner = {}
    for m, (defined, _) in mods.items():
        for s in defined:
            owner[s] = m
    edges = {m: sorted({owner[s] for s in used if s in owner and owner[s] != m})
             for m, (_, used) in mods.items()}
    return edges


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def link_set(obj, candidates):
    """The candidates obj needs, transitively, in the order given."""
    syms = {c: symbols(c) for c in candidates}
    owner = {}
    for c in candidates:
        for s in syms[c][0]:
            owner.setdefault(s, c)
    need, todo = set(), list(symbols(obj)[1])
    seen = set()
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        c = owner.get(s)
        if c is None or c in need:
            continue
        need.add(c)
        todo.extend(syms[c][1])
    return [c for c in candidates if c in need]


def main():
    if sys.argv[1:2] == ["--link"] and len(sys.argv) > 2:
        for c in link_set(sys.argv[2], sys.argv[3:]):
            print(c)
        return 0
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    objdir = args[0] if args else "build/obj/daemon"
    if not os.path.isdir(objdir):
        print("deps-graph: %s: no object files (run make first)" % objdir,
              file=sys.stderr)
        return 2
    edges = graph(objdir)
    width = max(len(m) for m in edges)
    for m in sorted(edges):
        print("%-*s -> %s" % (width, m, " ".join(edges[m]) or "-"))
    found = cycles(edges)
    if found:
        for c in found:
            print("cycle: %s" % " ".join(c))
    else:
        print("no cycle")
    return 1 if check and found else 0


if __name__ == "__main__":
    sys.exit(main())
