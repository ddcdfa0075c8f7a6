"""torch.distributed._composable: the composable (module-annotating) APIs; fully_shard lives in .fsdp."""
