"""torch.utils.benchmark.Compare: measurements as a table (rows: sub_label, columns: description), grouped by
label and thread count, in a common time unit."""
from __future__ import annotations

from . import common

__all__ = ["Compare"]


class Compare:
    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = False
        self._highlight_warnings = False

    def extend_results(self, results):
        for r in results:
            if not isinstance(r, common.Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self):
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        self._colorize = True

    def highlight_warnings(self):
        self._highlight_warnings = True

    def __str__(self):
        return "\n".join(self._render())

    def print(self):
        print(str(self))

    def _render(self):
        results = common.Measurement.merge(self._results)
        out = []
        for label in common.ordered_unique(r.label for r in results):
            group = [r for r in results if r.label == label]
            unit, scale = common.select_unit(min(r.median for r in group))
            cols = common.ordered_unique(r.description for r in group)
            rows = common.ordered_unique(r.as_row_name for r in group)
            cell = {(r.as_row_name, r.description, r.num_threads): r for r in group}
            threads = common.ordered_unique(r.num_threads for r in group)
            header = [""] + [c or "" for c in cols]
            body = []
            for th in threads:
                body.append((f"{th} threads: ", None))
                for row in rows:
                    vals = []
                    for c in cols:
                        m = cell.get((row, c, th))
                        if m is None:
                            vals.append("")
                            continue
                        v = m.median / scale
                        if self._trim_significant_figures:
                            v = common.trim_sigfig(v, m.significant_figures)
                        vals.append(f"{v:.1f}")
                    body.append(([row] + vals, th))
            widths = [max([len(h)] + [len(b[0][i]) for b in body if b[1] is not None]) for i, h in enumerate(header)]
            line = "  |  ".join(f"{h:>{w}}" for h, w in zip(header, widths))
            title = f" {label or ''} "
            out.append(f"[{title:-^{len(line) - 2}}]")
            out.append(line)
            for b, th in body:
                if th is None:
                    out.append(b + "-" * max(0, len(line) - len(b)))
                else:
                    out.append("  |  ".join(f"{v:>{w}}" for v, w in zip(b, widths)))
            out.append("")
            out.append(f"Times are in {common.unit_to_english(unit)}s ({unit}).")
            out.append("")
        return out
