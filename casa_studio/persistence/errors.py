"""PersistenceError: the one exception the file layer raises; the message names the file;
defined in the leaf module casa_studio.errors so that every layer shares one set of types."""

from casa_studio.errors import PersistenceError

__all__ = ["PersistenceError"]
