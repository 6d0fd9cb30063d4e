"""EngineError: the one exception the engine layer raises; its message is shown to the user."""


class EngineError(Exception):
    """Inference could not run as asked (bad labels, unknown device, missing network...)."""
