"""CheckpointError: the one exception the model layer raises for bad configs and weight files;
defined in the leaf module casa_studio.errors so that every layer shares one set of types."""

from casa_studio.errors import CheckpointError

__all__ = ["CheckpointError"]
