"""torch.distributed._tensor: the older path of torch.distributed.tensor."""
from ..tensor import DTensor, DeviceMesh, Partial, Placement, Replicate, Shard, distribute_module, distribute_tensor  # noqa: F401,E501
from ..device_mesh import init_device_mesh  # noqa: F401
