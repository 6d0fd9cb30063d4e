"""DataError: the one exception the data layer raises; the message names the file or folder;
defined in the leaf module casa_studio.errors so that every layer shares one set of types."""

from casa_studio.errors import DataError

__all__ = ["DataError"]
