# Unit tests run on whatever JAX sees (CPU here and in CI; tests/test_cuda.py also runs where a GPU is visible).
