"""API coverage against PyTorch's public names: `python -m torchlike.coverage [--missing] [--stubs] [--markdown]`.

The list of PyTorch names is a data file generated from real PyTorch (tools/gen_torch_api.py), so this module
does not import torch. The census is the namespace set of issue 14; `torch.cuda` and `torch.nn.init` are
reported apart from it. `--markdown` prints docs/coverage.md
(`python -m torchlike.coverage --markdown > docs/coverage.md`).

Besides presence, the report lists names that are present but cannot work: a function (or a class's `__init__`,
`__call__`, `forward`) whose whole body raises NotImplementedError, and every `raise NotImplementedError` in the
library whose message says torchlike does not support something (a gap, as opposed to the errors PyTorch itself
raises for unsupported dtypes, abstract methods and the like).
"""
from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import os
import sys
import textwrap

DATA = os.path.join(os.path.dirname(__file__), "_data", "torch_api.txt")
ROOT = os.path.dirname(os.path.abspath(__file__))


def load():
    """(census namespaces, extra namespaces, [(namespace, name)])."""
    census, extra, names = (), (), []
    with open(DATA) as f:
        for line in f:
            if line.startswith("# census:"):
                census = tuple(line.split(":", 1)[1].split())
            elif line.startswith("# extra:"):
                extra = tuple(line.split(":", 1)[1].split())
            elif line.strip() and not line.startswith("#"):
                ns, name = line.split()
                names.append((ns, name))
    return census, extra, names


def resolve(ns):
    import torchlike
    if ns == "torch":
        return torchlike
    if ns == "Tensor":
        return torchlike.Tensor
    try:
        return importlib.import_module("torchlike" + ns[len("torch"):])
    except ImportError:
        return None


def _present(target, name):
    try:
        return target is not None and hasattr(target, name)
    except Exception:
        return False


def report():
    """{namespace: (present names, missing names)} in the data file's order."""
    out = {}
    targets = {}
    for ns, name in load()[2]:
        if ns not in targets:
            targets[ns] = resolve(ns)
        present, missing = out.setdefault(ns, ([], []))
        (present if _present(targets[ns], name) else missing).append(name)
    return out


def _body_is_raise_nie(fn):
    """Whether a Python function's whole body (after a docstring) raises NotImplementedError."""
    fn = inspect.unwrap(fn)
    if not inspect.isfunction(fn):
        return False
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False
    node = tree.body[0]
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return len(body) == 1 and _raises_nie(body[0])


def _raises_nie(stmt):
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return False
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def stubs():
    """Present census names whose implementation is only `raise NotImplementedError`: ['ns.name']."""
    out = []
    rep = report()
    for ns, (present, _missing) in rep.items():
        target = resolve(ns)
        for name in present:
            try:
                obj = getattr(target, name)
            except Exception:
                continue
            if inspect.isclass(obj):
                # forward only where it overrides a base class's (Module.forward / Function.forward are abstract)
                fns = [obj.__dict__[m] for m in ("__init__", "__call__", "forward") if m in obj.__dict__
                       and (m != "forward" or any("forward" in b.__dict__ for b in obj.__mro__[1:]))]
            else:
                fns = [obj]
            if any(callable(f) and _body_is_raise_nie(f) for f in fns):
                out.append(f"{ns}.{name}")
    return out


def gaps():
    """Every `raise NotImplementedError(...)` in torchlike whose message names torchlike: ['path:line: message']."""
    out = []
    for dirpath, _dirs, files in os.walk(ROOT):
        for fname in sorted(files):
            if not fname.endswith(".py"):
                continue
            path = os.path.join(dirpath, fname)
            with open(path, encoding="utf-8") as f:
                src = f.read()
            if "NotImplementedError" not in src:
                continue
            for node in ast.walk(ast.parse(src)):
                if _raises_nie(node) and isinstance(node.exc, ast.Call) and node.exc.args:
                    msg = ast.get_source_segment(src, node.exc.args[0]) or ""
                    if "torchlike" in msg:
                        rel = os.path.relpath(path, os.path.dirname(ROOT))
                        out.append(f"{rel}:{node.lineno}: {msg}")
    return sorted(out)


def _table(rep, namespaces, markdown):
    lines, tp, tn = [], 0, 0
    for ns in namespaces:
        if ns not in rep:
            continue
        present, missing = rep[ns]
        n = len(present) + len(missing)
        tp, tn = tp + len(present), tn + n
        if markdown:
            lines.append(f"| `{ns}` | {len(present)} | {n} | {100 * len(present) / n:.0f}% |")
        else:
            lines.append(f"{ns:26s} {len(present):5d} / {n:5d}  ({100 * len(present) / n:.0f}%)")
    return lines, tp, tn


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--missing", action="store_true", help="list the missing names")
    p.add_argument("--stubs", action="store_true", help="list present names that only raise NotImplementedError, "
                                                          "and torchlike's own 'not supported' gaps")
    p.add_argument("--markdown", action="store_true", help="print docs/coverage.md")
    a = p.parse_args(argv)
    census, extra, _ = load()
    rep = report()
    lines, tp, tn = _table(rep, census, a.markdown)
    xlines, xp, xn = _table(rep, extra, a.markdown)
    stub_list = stubs()
    gap_list = gaps()
    if a.markdown:
        print("# API coverage\n")
        print("Generated by `python -m torchlike.coverage --markdown` against PyTorch 2.13's public names (the data\n"
              "file `torchlike/_data/torch_api.txt` comes from `tools/gen_torch_api.py`). A public name does not\n"
              "start with `_`, is not a submodule, and is not a helper the module imports from outside torch\n"
              "(typing names, `functools.partial`, ...). Namespaces torchlike lacks count as missing.\n")
        print("| namespace | present | of | share |\n|---|---|---|---|")
        print("\n".join(lines))
        print(f"| **census** | **{tp}** | **{tn}** | **{100 * tp / tn:.1f}%** |\n")
        print("Outside the census:\n\n| namespace | present | of | share |\n|---|---|---|---|")
        print("\n".join(xlines) + "\n")
        print(f"Present names whose implementation only raises NotImplementedError: {len(stub_list)}"
              + (" (" + ", ".join(f"`{s}`" for s in stub_list) + ")" if stub_list else "") + ".\n")
        print("Places where a valid call raises NotImplementedError because torchlike lacks the capability:\n")
        print("\n".join(f"- `{g.split(': ', 1)[0]}`: {g.split(': ', 1)[1]}" for g in gap_list) or "- none")
        print("\n## Missing names\n")
        for ns in census + extra:
            if ns in rep and rep[ns][1]:
                print(f"- `{ns}` ({len(rep[ns][1])}): " + ", ".join(rep[ns][1]))
        return 0
    for ns, line in zip([n for n in census if n in rep], lines):
        print(line)
        if a.missing and rep[ns][1]:
            print("    missing: " + ", ".join(rep[ns][1]))
    print(f"{'census total':26s} {tp:5d} / {tn:5d}  ({100 * tp / tn:.1f}%)")
    for ns, line in zip([n for n in extra if n in rep], xlines):
        print(line)
        if a.missing and rep[ns][1]:
            print("    missing: " + ", ".join(rep[ns][1]))
    print(f"stubs (present, only raise NotImplementedError): {len(stub_list)}; "
          f"torchlike 'not supported' NotImplementedError sites: {len(gap_list)}")
    if a.stubs:
        for s in stub_list:
            print("    stub: " + s)
        for g in gap_list:
            print("    gap:  " + g)
    return 0


if __name__ == "__main__":
    sys.exit(main())
