"""One folder per fetch source (arxiv, openalex, semanticscholar, crossref, author_pages, dblp,
orcid) and per record format (the APIs' shapes, the page layouts, cassettes). `registry` lists
both; `registry.parse_capture` detects a capture's record format from its content."""
