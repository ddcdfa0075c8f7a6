"""Private helpers of torchlike.serialization (torch.save / torch.load in PyTorch's own file format)."""
