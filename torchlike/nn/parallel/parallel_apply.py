"""Apply each module replica to its inputs (in threads when there are several, as in PyTorch)."""
from __future__ import annotations

import threading



def parallel_apply(modules, inputs, kwargs_tup=None, devices=None):
    if len(modules) != len(inputs):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the number of inputs "
                             f"{len(inputs)}")
    kwargs_tup = kwargs_tup if kwargs_tup is not None else ({},) * len(modules)
    results = {}

    def worker(i, module, input, kwargs):
        try:
            if not isinstance(input, (list, tuple)):
                input = (input,)
            results[i] = module(*input, **kwargs)
        except Exception as e:      # re-raised in the caller's thread
            results[i] = e

    if len(modules) > 1:
        threads = [threading.Thread(target=worker, args=(i, m, x, k))
                   for i, (m, x, k) in enumerate(zip(modules, inputs, kwargs_tup))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        worker(0, modules[0], inputs[0], kwargs_tup[0])
    outputs = []
    for i in range(len(inputs)):
        if isinstance(results[i], Exception):
            raise results[i]
        outputs.append(results[i])
    return outputs


