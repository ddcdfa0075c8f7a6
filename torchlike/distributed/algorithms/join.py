"""torch.distributed.algorithms.join: the generic join context manager for uneven inputs across ranks. Joinables
(e.g. DistributedDataParallel) shadow the collectives of ranks that ran out of inputs; the counting is done with
all_reduce over the joinables' process group, so it needs an initialised process group as in PyTorch."""
from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from typing import NamedTuple

from .. import distributed_c10d as dist


class JoinHook:
    """Per-joinable hooks: main_hook() runs while some rank has not joined, post_hook() once all have."""

    def main_hook(self):
        pass

    def post_hook(self, is_last_joiner):
        pass


class _JoinConfig(NamedTuple):
    enable: bool
    throw_on_early_termination: bool
    is_first_joinable: bool

    @staticmethod
    def construct_disabled_join_config():
        return _JoinConfig(enable=False, throw_on_early_termination=False, is_first_joinable=False)


class Joinable(ABC):
    @abstractmethod
    def __init__(self):
        super().__init__()
        self._join_config = _JoinConfig.construct_disabled_join_config()

    @abstractmethod
    def join_hook(self, **kwargs):
        ...

    @property
    @abstractmethod
    def join_device(self):
        ...

    @property
    @abstractmethod
    def join_process_group(self):
        ...


class Join:
    _WARN_THRESHOLD = 1000

    def __init__(self, joinables, enable=True, throw_on_early_termination=False, **kwargs):
        if len(joinables) == 0:
            raise ValueError("The join context manager requires at least one joinable")
        self._joinables = joinables
        self._join_hooks = [j.join_hook(**kwargs) for j in joinables]
        self._enable = enable
        self._throw_on_early_termination = throw_on_early_termination
        for i, j in enumerate(joinables):
            j._join_config = _JoinConfig(enable, throw_on_early_termination, i == 0)
        groups = {id(j.join_process_group) for j in joinables}
        if len(groups) > 1:
            raise ValueError("Using join context manager with multiple process groups")
        self._process_group = joinables[0].join_process_group
        self._device = joinables[0].join_device
        self._rank = dist.get_rank(self._process_group)

    def __enter__(self):
        pass

    def __exit__(self, type, value, traceback):
        if not self._enable or type:
            return
        is_last_joiner, rounds = True, 0
        while self._count(0.0) != 0:
            if rounds > self._WARN_THRESHOLD:
                warnings.warn(f"Detected uneven input skew of greater than {self._WARN_THRESHOLD}. This means that "
                              f"rank {self._rank} has at least {self._WARN_THRESHOLD} fewer inputs than other "
                              "currently-active ranks. This level of skew could lead to performance degradation "
                              "during training.", stacklevel=2)
            if self._throw_on_early_termination:
                self._count(1.0)
                raise RuntimeError(f"Rank {self._rank} exhausted all inputs.")
            for hook in self._join_hooks:
                hook.main_hook()
            is_last_joiner = False
            rounds += 1
        for hook in self._join_hooks:
            hook.post_hook(is_last_joiner)

    def _count(self, value):
        import torchlike
        t = torchlike.full((1,), value, device=self._device)
        dist.all_reduce(t, group=self._process_group)
        return t.item()

    @staticmethod
    def notify_join_context(joinable):
        if not hasattr(joinable, "_join_config"):
            raise AssertionError(f"Check that the {type(joinable)} constructor calls the ``Joinable`` constructor")
        config = joinable._join_config
        if not config.is_first_joinable or not config.enable:
            return None
        import torchlike
        work = dist.all_reduce(torchlike.ones(1, device=joinable.join_device), group=joinable.join_process_group,
                               async_op=True)
        if config.throw_on_early_termination:
            zeros = torchlike.zeros(1, device=joinable.join_device)
            dist.all_reduce(zeros, group=joinable.join_process_group)
            if zeros.item():
                raise RuntimeError("Detected at least one rank that exhausted inputs. Throwing across all ranks.")
        return work
