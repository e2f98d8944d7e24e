"""papertrail: scholarly author pages and paper APIs into one DuckDB warehouse."""
