"""cqlscope core: data sources, secrets, connections and health checks, with no Qt anywhere."""

__version__ = "0.1.0"
