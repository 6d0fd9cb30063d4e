"""EngineError: the one exception the engine layer raises; its message is shown to the user;
defined in the leaf module casa_studio.errors so that every layer shares one set of types."""

from casa_studio.errors import EngineError

__all__ = ["EngineError"]
