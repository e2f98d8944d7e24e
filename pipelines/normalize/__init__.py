"""Normalisers shared by every parser and the resolver. Pure functions, no I/O."""
