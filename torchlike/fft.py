"""torch.fft."""
