"""`python -m benchmarks [--quick] [--only ops,mlp,cnn,startup] [--device cpu|cuda] [--out FILE]`."""
import sys

from benchmarks.run import main

sys.exit(main())
