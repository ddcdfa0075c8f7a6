"""torch._dynamo.exc: the exception types libraries catch."""
from __future__ import annotations


class TorchDynamoException(RuntimeError):
    pass


class InternalTorchDynamoError(TorchDynamoException):
    pass


class RestartAnalysis(TorchDynamoException):
    pass


class TensorifyScalarRestartAnalysis(RestartAnalysis):
    pass


class SkipFrame(TorchDynamoException):
    pass


class TorchRuntimeError(TorchDynamoException):
    pass


class InvalidBackend(TorchDynamoException):
    def __init__(self, name):
        super().__init__(f"Invalid backend: {name!r}, see `torch._dynamo.list_backends()` for available backends.")


class ResetRequired(TorchDynamoException):
    pass


class BackendCompilerFailed(TorchDynamoException):
    def __init__(self, backend_fn=None, inner_exception=None, *args):
        self.backend_name = getattr(backend_fn, "__name__", "?")
        self.inner_exception = inner_exception
        super().__init__(f"backend={self.backend_name!r} raised:\n{type(inner_exception).__name__}: "
                         f"{inner_exception}")


class Unsupported(TorchDynamoException):
    def __init__(self, msg="", *, case_name=None, real_stack=None):
        super().__init__(msg)
        self.msg = msg
        self.case_name = case_name


class UserError(Unsupported):
    def __init__(self, error_type=None, msg="", case_name=None):
        super().__init__(msg, case_name=case_name)
        self.error_type = error_type


class UncapturedHigherOrderOpError(TorchDynamoException):
    pass


class ObservedException(TorchDynamoException):
    pass
