"""PersistenceError: the one exception the file layer raises; the message names the file."""


class PersistenceError(Exception):
    """A file could not be read or written as asked; the message says which and why."""
