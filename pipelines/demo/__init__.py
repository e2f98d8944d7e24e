"""The built-in demo: a deterministic corpus rendered as captures in every supported layout."""
