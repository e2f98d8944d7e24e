"""Topic codes in arXiv's form (`cs.CL`), from short codes, category names and other taxonomies."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def arxiv_taxonomy() -> dict[str, str]:
    """code -> name for every arXiv category (current and legacy archives)."""
    text = resources.files(__package__).joinpath("arxiv_taxonomy.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines()[1:] if line)
    return {code: name for code, name in rows}


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    by_name: dict[str, str] = {}
    for code, name in sorted(arxiv_taxonomy().items()):
        # cs wins ties ("Machine Learning" is cs.LG and stat.ML; aggregator pages mean cs.LG)
        key = name.casefold()
        if key not in by_name or code.startswith("cs."):
            by_name[key] = code
    return by_name


def is_known(code: str | None) -> bool:
    return bool(code) and code in arxiv_taxonomy()


@lru_cache(maxsize=4096)  # pages repeat a handful of topic names on every paper
def arxiv_code(text: str | None, default_archive: str = "cs") -> str | None:
    """'CL' -> 'cs.CL'; 'cs.CL' -> 'cs.CL'; 'Artificial Intelligence' -> 'cs.AI'; unknown -> None."""
    if not text:
        return None
    text = text.strip()
    taxonomy = arxiv_taxonomy()
    if text in taxonomy:
        return text
    qualified = f"{default_archive}.{text}"
    if qualified in taxonomy:
        return qualified
    return _by_name().get(text.casefold())
