"""CASA Studio: semantic image synthesis with class-adaptive cross-attention (CA2-SIS)."""

__version__ = "0.1.0"
