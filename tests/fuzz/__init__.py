"""Fuzz suites: random and hostile input through the loader, the parsers, the engine and the channels' edges."""
