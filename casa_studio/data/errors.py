"""DataError: the one exception the data layer raises; the message names the file or folder."""


class DataError(Exception):
    """A dataset is missing, unpaired or holds unreadable files or unknown class ids."""
