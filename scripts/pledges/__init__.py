"""Service-pledge tracker: records, checks, collectors, scoring and site generation."""

__version__ = "0.1.0"
