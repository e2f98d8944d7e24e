"""A deterministic demo corpus: author pages in all four layouts (text and HTML), papers shared
between pages, name variants, several years and topics, and OpenAlex snapshots with citation
history. Same seed, same bytes, same file times: the demo run is reproducible and idempotent."""
from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

from unidecode import unidecode

from ..sources.openalex import demo as openalex
from .model import PEOPLE, DemoPaper, DemoProfile
from .wire import write_capture

SEED = 20261123
PAGE_DAY = date(2026, 6, 1)  # pages are captured on this day; papers of 2026 show "Mar 3"

TOPICS = ["cs.CL", "cs.LG", "cs.CV", "cs.AI", "cs.IR", "stat.ML"]
TOPIC_NAMES = {"cs.CL": "Computation and Language", "cs.LG": "Machine Learning",
               "cs.CV": "Computer Vision and Pattern Recognition", "cs.AI": "Artificial Intelligence",
               "cs.IR": "Information Retrieval", "stat.ML": "Machine Learning"}
ADJECTIVES = ["Sparse", "Robust", "Efficient", "Contrastive", "Multilingual", "Causal", "Adaptive",
              "Hierarchical", "Retrieval-Augmented", "Self-Supervised", "Federated", "Calibrated"]
NOUNS = ["Transformers", "Retrievers", "Tokenizers", "Reward Models", "Graph Networks",
         "Diffusion Models", "Mixture-of-Experts", "Dense Encoders", "Vision Backbones", "Agents"]
GOALS = ["for Long-Context Reasoning", "at Scale", "without Labels", "for Low-Resource Languages",
         "under Distribution Shift", "for Scientific Text", "with Verifiable Outputs",
         "for Streaming Data", "in the Wild", "for Code Generation"]
OPENINGS = ["We study", "We introduce", "This paper examines", "We revisit", "We propose",
            "We present", "We analyse", "We benchmark"]
CLAIMS = ["improves accuracy by a wide margin", "halves the memory footprint",
          "matches much larger models", "generalises to unseen domains",
          "reduces training cost substantially", "is robust to noisy supervision"]
LAYOUTS = ["catalyzex", "scored_profile", "aitopics", "abstract_list"]


def _papers(rng: random.Random) -> list[DemoPaper]:
    titles: set[str] = set()
    papers = []
    for i in range(56):
        while True:
            title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(GOALS)}"
            if title not in titles:
                titles.add(title)
                break
        year = 2019 + (i * 7) % 8  # 2019..2026, every year several papers
        day = date(year, rng.randint(1, 5 if year == 2026 else 12), rng.randint(1, 28))
        topic = TOPICS[(i * 5 + rng.randint(0, 2)) % len(TOPICS)] if i % 4 else TOPICS[i % 3]
        n_authors = rng.randint(3, 7)
        authors = tuple(rng.sample(PEOPLE, n_authors))
        subject = title.split(" for ")[0].split(" at ")[0].lower()
        abstract = (f"{rng.choice(OPENINGS)} {subject} (study {i + 1}). "
                    f"Across {rng.randint(3, 40)} benchmarks our approach {rng.choice(CLAIMS)}, and an "
                    f"ablation over {rng.randint(2, 9)} design choices shows which components matter. "
                    f"We release code and data to support follow-up work on {TOPIC_NAMES[topic].lower()}.")
        papers.append(DemoPaper(
            title=title, abstract=abstract, published_on=day, topic=topic, authors=authors,
            venue=f"arXiv.org {TOPIC_NAMES[topic]}", has_code=rng.random() < 0.4,
            page_count=rng.choice([None, None, 9, 12, 18, 24, 36]),
            affiliations=tuple(rng.sample(["uw", "cmu", "meta-ai", "mila", "eth", "kth"], rng.randint(0, 2))),
            arxiv_id=f"{day:%y%m}.{10000 + i * 37:05d}"))
    return papers


def _by(papers: list[DemoPaper], person: str) -> tuple[DemoPaper, ...]:
    return tuple(sorted((p for p in papers if person in p.authors), key=lambda p: p.published_on, reverse=True))


def _spelled(papers: tuple[DemoPaper, ...], spell) -> tuple[DemoPaper, ...]:
    """The same papers as a site that writes names its own way shows them."""
    return tuple(replace(p, authors=tuple(spell(a) for a in p.authors)) for p in papers)


def demo_profiles() -> list[DemoProfile]:
    rng = random.Random(SEED)
    papers = _papers(rng)
    profiles = []
    for i, person in enumerate(PEOPLE[:8]):
        mine = _by(papers, person)
        layout = LAYOUTS[i % 4]
        last = person.split()[-1] if "van der" not in person else "van der Berg"
        first = person[: -len(last)].strip()
        if layout == "aitopics":
            profiles.append(DemoProfile(name=f"{last}, {first}", layout=layout, papers=mine))
        elif layout == "abstract_list":
            # The abstract-only site heads a page with a bare first name: it identifies nobody.
            profiles.append(DemoProfile(name=first.split()[0], layout=layout, papers=mine))
        elif layout == "scored_profile":
            profiles.append(DemoProfile(
                name=unidecode(person), layout=layout, papers=_spelled(mine, unidecode),
                h_index=10 + i, paper_count=len(mine) + 20, citation_count=1500 * (i + 1),
                main_topic=mine[0].topic if mine else None,
                extra={"novelty_pct": str(50 + i), "ai_score": str(60 + i)}))
        else:
            profiles.append(DemoProfile(name=person, layout=layout, papers=mine))
    return profiles


def demo_papers() -> list[DemoPaper]:
    return _papers(random.Random(SEED))


def write_demo_captures(folder: Path) -> Path:
    """Renders the corpus into `folder` (text and HTML pages, OpenAlex JSON); returns it."""
    import importlib

    profiles = demo_profiles()
    for i, profile in enumerate(profiles):
        render = importlib.import_module(f"papertrail.pipelines.sources.{profile.layout}.render")
        as_html = i % 2 == 1
        body = render.render_html(profile, PAGE_DAY) if as_html else render.render_text(profile, PAGE_DAY)
        write_capture(folder / "pages" / f"{i:02d}_{profile.layout}.{'html' if as_html else 'txt'}", body, PAGE_DAY)
    rng = random.Random(SEED)
    papers = _papers(rng)
    for step, day in enumerate(openalex.SNAPSHOT_DAYS):
        saved = openalex.snapshot(papers[::2], day, step)
        write_capture(folder / "openalex" / f"works_{day:%Y%m%d}.json", json.dumps(saved, indent=1), day)
    return folder
