"""Where each benchmark comes from: the public git snapshot, the pinned commit and blobs, the
paper that made it, and the figures published on it. Nothing here was written by this project."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
# Where the `fetch` tool leaves snapshots: <mirror>/<owner>+<name>/repo (a bare git directory).
MIRROR = Path(os.environ.get("PAPERTRAIL_MIRROR", "/work/.mirror"))

DBLP_ACM = {
    "name": "dblp-acm",
    "title": "Leipzig DBLP-ACM bibliographic record matching benchmark",
    "repo": "skogler/systemds-amls-project-data",
    # The repository's first commit holds the files as distributed by Leipzig (DBLP2.csv in
    # Latin-1, the mapping with its header); later commits re-encode them and drop the header.
    "commit": "9d66271a62435c830dc17ccab815da4aa37a47be",
    "files": {  # local name -> (path in the repository, pinned blob id)
        "DBLP2.csv": ("DBLP-ACM/DBLP2.csv", "04b7f119ea07a844caf7948b3e847f44e6d4e756"),
        "ACM.csv": ("DBLP-ACM/ACM.csv", "33e138dc8401499b6d9fd0455041a55b1df0f675"),
        "DBLP-ACM_perfectMapping.csv": ("DBLP-ACM/DBLP-ACM_perfectMapping.csv",
                                        "f029b777f17590c44509ebe6a903ba0f7217a704"),
    },
    "origin": "https://dbs.uni-leipzig.de/research/projects/benchmark-datasets-for-entity-resolution",
    "license": "none stated in the copy; distributed by the Leipzig database group for research use",
    "citation": "H. Köpcke, A. Thor, E. Rahm. Evaluation of entity resolution approaches on real-world "
                "match problems. PVLDB 3(1), 2010.",
    "size": {"dblp": 2616, "acm": 2294, "gold_pairs": 2224},
    # Published F1 (%). These are pair-classification scores on DeepMatcher's blocked candidate
    # pairs (12,363 labelled pairs, 60/20/20 split, test F1), not clustering over the full tables
    # as scored here; they are the ceiling a learned matcher reaches, for context.
    "published": [
        {"system": "Magellan (random forest on similarity features)", "f1": 98.4,
         "source": "Mudgal et al., Deep Learning for Entity Matching: A Design Space Exploration, "
                   "SIGMOD 2018, structured DBLP-ACM; also Narayan et al. 2022 Table 1"},
        {"system": "DeepMatcher Hybrid", "f1": 98.4, "source": "Mudgal et al., SIGMOD 2018"},
        {"system": "Ditto (RoBERTa)", "f1": 98.99,
         "source": "Li et al., Deep Entity Matching with Pre-Trained Language Models, PVLDB 14(1) 2020; "
                   "Narayan et al., Can Foundation Models Wrangle Your Data?, PVLDB 16(4) 2022, Table 1"},
        {"system": "Ditto (re-run)", "f1": 99.00,
         "source": "Peeters & Bizer, Entity Matching using Large Language Models, arXiv:2310.11244v4, Table 4"},
        {"system": "GPT-4 zero-shot", "f1": 98.41, "source": "Peeters & Bizer, arXiv:2310.11244v4, Table 4"},
    ],
}

AMINER = {
    "name": "aminer",
    "title": "AMiner name-disambiguation set (110 highly ambiguous author names)",
    "repo": "vanessaklee/akin",
    # The set was added as test data in this commit and removed from the repository later.
    "commit": "764830aeb5db1a956fa781c6208bb96911ca90b5",
    "dir": "test/support/and/aminer",
    "tree": "96a275cf9f69f9b8be389fc2566db0a71347a3bf",  # pinned git tree of `dir`
    "origin": "http://arnetminer.org/disambiguation (AMiner lab datasets; raw-data XML + answers)",
    "license": "repository: Apache-2.0; the data set itself: AMiner, for research purposes",
    "citation": "J. Tang, A.C.M. Fong, B. Wang, J. Zhang. A Unified Probabilistic Framework for Name "
                "Disambiguation in Digital Library. IEEE TKDE 24(6), 2012; X. Wang, J. Tang, H. Cheng, "
                "P.S. Yu. ADANA: Active Name Disambiguation. ICDM 2011.",
    "also_at": "joe817/HGCN-name-disambiguation raw-data/ (109 of the 110 files, same content, LF line "
               "ends; Qiao et al., Unsupervised Author Disambiguation using Heterogeneous Graph "
               "Convolutional Network Embedding, IEEE BigData 2019)",
    "published": [
        {"system": "Tang et al. 2012 (TKDE), Wang et al. 2011 (ADANA), Qiao et al. 2019 (HGCN)",
         "f1": None,
         "source": "report pairwise P/R/F1 per name and averaged on this set; the figures could not be "
                   "retrieved and checked here, so none is quoted"},
        {"system": "pairwise scores + connected components (splink, threshold chosen with labels)",
         "f1": 76.0, "source": "this project's /work/shared/STACK-NOTES.md (issue 12), not a publication"},
    ],
}

DATASETS = {d["name"]: d for d in (DBLP_ACM, AMINER)}


def mirror_git_dir(dataset: dict) -> Path:
    owner, name = dataset["repo"].split("/")
    return MIRROR / f"{owner}+{name}" / "repo"


def raw_dir(dataset: dict) -> Path:
    return DATA / dataset["name"] / "raw"


def captures_dir(dataset: dict) -> Path:
    return DATA / dataset["name"] / "captures"


def gold_path(dataset: dict) -> Path:
    return DATA / dataset["name"] / "gold.json"


def rel(path: Path) -> Path:
    """`path` relative to the project when it is inside it (for messages)."""
    try:
        return path.relative_to(ROOT)
    except ValueError:
        return path
