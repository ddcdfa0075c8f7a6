"""Light child functions for the multiprocessing tests (spawned children import this module, not the test file)."""


def write_index(i, path):
    with open(f"{path}.{i}", "w") as f:
        f.write(str(i * 10))


def fail_on_one(i):
    if i == 1:
        raise ValueError("child one failed")
