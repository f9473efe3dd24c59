"""receptionctl: run a company's client-reception procedure from the command line."""

__version__ = "0.1.0"
