"""Printed documents (PDF, A4)."""
