"""torch.utils._contextlib: context managers usable as decorators (on functions and generators)."""
from __future__ import annotations

import functools
import inspect

__all__ = ["context_decorator", "_DecoratorContextManager", "_NoParamDecoratorContextManager"]


def _wrap_generator(ctx_factory, func):
    @functools.wraps(func)
    def generator_context(*args, **kwargs):
        gen = func(*args, **kwargs)
        try:
            with ctx_factory():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with ctx_factory():
                        gen.close()
                    raise
                except BaseException as e:
                    with ctx_factory():
                        response = gen.throw(e)
                else:
                    with ctx_factory():
                        response = gen.send(request)
        except StopIteration as e:
            return e.value
    return generator_context


def context_decorator(ctx, func):
    """`func` run inside a fresh `ctx()` on every call (each resumption, for a generator)."""
    if inspect.isclass(func):
        raise RuntimeError("Cannot decorate classes; it is ambiguous whether only the constructor or all methods "
                           "should have the context manager applied; additionally, decorating a class at definition-"
                           "site will prevent use of the identifier as a conventional type.  To specify which "
                           "methods to decorate, decorate each of them individually.")
    ctx_factory = ctx if callable(ctx) else (lambda: ctx)
    if inspect.isgeneratorfunction(func):
        return _wrap_generator(ctx_factory, func)

    @functools.wraps(func)
    def decorate_context(*args, **kwargs):
        with ctx_factory():
            return func(*args, **kwargs)
    return decorate_context


class _DecoratorContextManager:
    """A context manager that also works as a decorator (a copy of it wraps each call)."""

    def __call__(self, orig_func):
        if inspect.isclass(orig_func):
            import warnings
            warnings.warn("Decorating classes is deprecated and will be disabled in future versions. You should "
                          "only decorate functions or methods. To preserve the current behavior of class "
                          "decoration, you can directly decorate the `__init__` method and nothing else.",
                          FutureWarning, stacklevel=2)
            func = lambda *args, **kwargs: orig_func(*args, **kwargs)  # noqa: E731
        else:
            func = orig_func
        return context_decorator(self.clone, func)

    def __enter__(self):
        raise NotImplementedError

    def __exit__(self, exc_type, exc_value, traceback):
        raise NotImplementedError

    def clone(self):
        return self.__class__()


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """Usable as a bare decorator too (@ctx as well as @ctx())."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)
