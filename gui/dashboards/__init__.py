"""The dashboard view: a dashboard's variables, time range and every CQL panel's status."""
