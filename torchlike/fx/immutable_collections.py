"""torch.fx.immutable_collections: the list and dict types Node args are stored in (mutation raises)."""
from __future__ import annotations

__all__ = ["immutable_list", "immutable_dict"]


def _no_mutation(self, *args, **kwargs):
    raise NotImplementedError(f"'{type(self).__name__}' object does not support mutation. "
                              "If you want to modify the value, please use `update_arg` or `update_kwarg`.")


class immutable_list(list):
    """A list whose in-place operations raise (hashable, so Nodes can key dicts by their args)."""
    __delitem__ = __iadd__ = __imul__ = __setitem__ = append = clear = extend = insert = pop = remove = \
        reverse = sort = _no_mutation

    def __hash__(self):
        return hash(tuple(self))

    def __reduce__(self):
        return (immutable_list, (tuple(iter(self)),))


class immutable_dict(dict):
    """A dict whose in-place operations raise."""
    __delitem__ = __setitem__ = clear = pop = popitem = setdefault = update = _no_mutation
    __ior__ = _no_mutation

    def __hash__(self):
        return hash(tuple(self.items()))

    def __reduce__(self):
        return (immutable_dict, (iter(self.items()),))
