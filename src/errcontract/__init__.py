"""errcontract: error-contract conformance suite for HTTP APIs."""

__version__ = "0.1.0"

__all__ = ["__version__"]
