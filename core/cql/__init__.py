"""Talking CQL: driver sessions, query execution, schema, health checks, failure classification and exact values."""
