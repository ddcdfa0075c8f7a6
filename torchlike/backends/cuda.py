"""torch.backends.cuda: matmul.allow_tf32 maps to the float32 matmul precision; the SDP switches are accepted."""


class _Matmul:
    @property
    def allow_tf32(self):
        from .. import get_float32_matmul_precision
        return get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value):
        from .. import set_float32_matmul_precision
        set_float32_matmul_precision("high" if value else "highest")

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = _Matmul()


def is_built():
    from . import _cuda_available
    return _cuda_available()


# Which scaled-dot-product-attention backends may run (torch.nn.attention.sdpa_kernel sets them). Every backend
# computes the same thing here (one XLA attention program); the switches are kept for code that reads them back.
_SDP = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def flash_sdp_enabled():
    return _SDP["flash"]


def mem_efficient_sdp_enabled():
    return _SDP["mem_efficient"]


def math_sdp_enabled():
    return _SDP["math"]


def cudnn_sdp_enabled():
    return _SDP["cudnn"]


def enable_flash_sdp(enabled):
    _SDP["flash"] = bool(enabled)


def enable_mem_efficient_sdp(enabled):
    _SDP["mem_efficient"] = bool(enabled)


def enable_math_sdp(enabled):
    _SDP["math"] = bool(enabled)


def enable_cudnn_sdp(enabled):
    _SDP["cudnn"] = bool(enabled)
