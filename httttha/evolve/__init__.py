"""Evolve steps, one function per change to stored data."""
