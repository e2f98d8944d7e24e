"""Entity resolution: parsed records from every source -> one row per paper and per person."""
