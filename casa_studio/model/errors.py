"""CheckpointError: the one exception the model layer raises for bad configs and weight files."""


class CheckpointError(Exception):
    """A model folder, weight file or config is unusable; the message says which and why."""
