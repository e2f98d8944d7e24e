"""Parsers for arXiv's formats: API Atom feeds, OAI-PMH, .abs records, the Kaggle snapshot."""
