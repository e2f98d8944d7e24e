"""The profile pass: the pieces of one career that share little pair by pair join as wholes."""
from __future__ import annotations

from datetime import date

from papertrail.pipelines.resolve import people as people_module
from tests.test_resolve_authors import paper, people, resolve

# One researcher's glaciology papers with two different sets of co-authors: no co-author in
# common, and of the nine pairs across the groups only three share a title word (one each), so
# no pair's evidence, nor the groups' average, calls them one person; taken whole, the two groups
# share three telling words. And a namesake in particle physics. No venues.
GLACIER = [("Meltwater routing beneath outlet glaciers", ["Ada Brandt", "Otto Lind"]),
           ("Calving dynamics of tidewater termini", ["Ada Brandt", "Otto Lind"]),
           ("Fjord circulation driven by runoff", ["Ada Brandt", "Otto Lind"]),
           ("Subglacial hydrology and meltwater storage", ["Ines Roca", "Pavel Duda"]),
           ("Iceberg calving rates from radar", ["Ines Roca", "Pavel Duda"]),
           ("Plumes in Greenland fjord waters", ["Ines Roca", "Pavel Duda"])]
PHYSICS = [("Lattice quark propagators at finite density", ["Yuki Mori", "Sam Okafor"]),
           ("Quark propagators in strong magnetic fields", ["Yuki Mori", "Sam Okafor"]),
           ("Finite density lattice gauge ensembles", ["Yuki Mori", "Sam Okafor"])]


YEARS = {"g": (2012, 2014, 2016, 2015, 2017, 2019), "p": (2013, 2016, 2020)}


def _records() -> list[dict]:
    rows = []
    for prefix, works in (("g", GLACIER), ("p", PHYSICS)):
        for i, (title, others) in enumerate(works):
            rows.append(paper(f"{prefix}{i}", ["Wei Zhang", *others], title=title)
                        | {"published_on": date(YEARS[prefix][i], 1, 1)})
    # Other Zhangs: the family name is common here, so the name alone says little.
    rows += [paper(f"z{i}", [name, "Kim Berg"]) for i, name in enumerate(("Li Zhang", "Min Zhang", "Hui Zhang"))]
    return rows


def _wei_zhang(out) -> set[frozenset[str]]:
    return {p for p in people(out) if any(m[0] in "gp" and m.endswith(":1") for m in p)}


def test_two_groups_of_one_career_join_and_the_namesake_stays_apart():
    out = resolve(_records())
    assert _wei_zhang(out) == {frozenset(f"g{i}:1" for i in range(6)), frozenset(f"p{i}:1" for i in range(3))}


def test_without_the_profile_pass_the_career_stays_in_pieces(monkeypatch):
    monkeypatch.setattr(people_module, "merged_people", lambda sigs, person, idf, cluster, models=None: person)
    out = resolve(_records())
    groups = _wei_zhang(out)
    assert frozenset(f"g{i}:1" for i in range(6)) not in groups
    assert frozenset(f"p{i}:1" for i in range(3)) in groups


def test_names_resolved_a_part_at_a_time_give_the_same_people(monkeypatch):
    # Too few pairs to train on here, so every part scores with the same prior model: splitting
    # the names into parts (a hash of the name each) must not change who is who.
    whole = people(resolve(_records()))
    monkeypatch.setattr(people_module, "PEOPLE_PART_MENTIONS", 3)
    assert people(resolve(_records())) == whole
    # two Wei Zhangs, four glaciology and two physics co-authors, three other Zhangs, Kim Berg
    assert len(whole) == 2 + 4 + 2 + 3 + 1
