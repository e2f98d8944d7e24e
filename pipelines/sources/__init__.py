"""One package per site layout or API. `registry.parse_capture` detects the format from content."""
