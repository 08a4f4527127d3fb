"""relance: open-source accounts-receivable dunning platform."""

__version__ = "0.1.0"
