"""torch.onnx: importable, with PyTorch's enums and queries. There is no ONNX exporter on this backend (it would
need TorchScript or an FX graph): `export` / `dynamo_export` raise a clear error naming the way out."""
from __future__ import annotations

import contextlib
import enum

__all__ = ["export", "dynamo_export", "is_in_onnx_export", "OperatorExportTypes", "TrainingMode",
           "TensorProtoDataType", "JitScalarType", "OnnxExporterError", "ExportOptions", "ONNXProgram",
           "register_custom_op_symbolic", "unregister_custom_op_symbolic", "select_model_mode_for_export",
           "producer_name", "producer_version"]

producer_name = "pytorch"
producer_version = "2.13.0"

_MESSAGE = ("torch.onnx.{name}: ONNX export is not available on torchlike (PyTorch's exporter needs TorchScript "
            "or an FX graph, which this JAX backend does not build). Export the model from PyTorch itself: save its "
            "weights here with torch.save(model.state_dict(), path), load them into the same model under PyTorch "
            "and call torch.onnx.export or torch.export there; on JAX, jax.export serialises a jitted function "
            "(torchlike.func.functional_call + torchlike.to_jax).")


class OnnxExporterError(RuntimeError):
    """Errors raised by the ONNX exporter."""


class _Enum(enum.IntEnum):
    def __str__(self):
        return f"{type(self).__name__}.{self.name}"

    __repr__ = __str__


class OperatorExportTypes(_Enum):
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


class TrainingMode(_Enum):
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class TensorProtoDataType(_Enum):
    UNDEFINED = 0
    FLOAT = 1
    UINT8 = 2
    INT8 = 3
    UINT16 = 4
    INT16 = 5
    INT32 = 6
    INT64 = 7
    STRING = 8
    BOOL = 9
    FLOAT16 = 10
    DOUBLE = 11
    UINT32 = 12
    UINT64 = 13
    COMPLEX64 = 14
    COMPLEX128 = 15
    BFLOAT16 = 16


class JitScalarType(_Enum):
    UINT8 = 0
    INT8 = 1
    INT16 = 2
    INT = 3
    INT64 = 4
    HALF = 5
    FLOAT = 6
    DOUBLE = 7
    COMPLEX32 = 8
    COMPLEX64 = 9
    COMPLEX128 = 10
    BOOL = 11
    QINT8 = 12
    QUINT8 = 13
    QINT32 = 14
    BFLOAT16 = 15
    UNDEFINED = 16


class ExportOptions:
    def __init__(self, *, dynamic_shapes=None, fake_context=None, onnx_registry=None, diagnostic_options=None):
        self.dynamic_shapes = dynamic_shapes


class ONNXProgram:
    """The result type of torch.onnx.export(dynamo=True) (never produced here)."""


def is_in_onnx_export():
    """False: no ONNX export is ever running."""
    return False


def export(model, args=(), f=None, *posargs, **kwargs):
    raise OnnxExporterError(_MESSAGE.format(name="export"))


def dynamo_export(model, /, *model_args, export_options=None, **model_kwargs):
    raise OnnxExporterError(_MESSAGE.format(name="dynamo_export"))


def register_custom_op_symbolic(symbolic_name, symbolic_fn, opset_version):
    return None


def unregister_custom_op_symbolic(symbolic_name, opset_version):
    return None


@contextlib.contextmanager
def select_model_mode_for_export(model, mode):
    """Puts the model in `mode` (TrainingMode) for the block and restores its training flag after."""
    was = model.training
    if mode == TrainingMode.EVAL:
        model.train(False)
    elif mode == TrainingMode.TRAINING:
        model.train(True)
    try:
        yield
    finally:
        model.train(was)
