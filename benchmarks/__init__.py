"""The torchlike benchmark runner: `python -m benchmarks` (or `python benchmarks/run.py`).

Each framework (PyTorch, torchlike, hand-written JAX/optax) is measured in its own fresh subprocess
(`python -m benchmarks._worker FRAMEWORK SECTION`), alternating frameworks round by round; the runner collects the
medians and writes a Markdown table (docs/benchmarks.md by default). See run.py for the options.
"""
