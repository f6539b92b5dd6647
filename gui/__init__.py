"""The cqlscope desktop GUI (PySide6): data source list, connection and credentials forms, health check."""
