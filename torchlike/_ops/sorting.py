"""Sorting and order statistics: sort argsort topk unique median mode kthvalue ... (filled in by the table)."""
