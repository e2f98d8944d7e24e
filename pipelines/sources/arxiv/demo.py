"""arXiv's fake hosts for the built-in demo (pipelines/demo/server.py): the API (/arxiv/api/query,
Atom with start/max_results paging) and OAI-PMH ListRecords (/arxiv/oai, metadataPrefix=arXiv,
resumptionTokens, OAI errors as HTTP 200), as export.arxiv.org and oaipmh.arxiv.org answer."""
from __future__ import annotations

import base64
import hashlib
import json
from datetime import date, datetime, timezone
from xml.sax.saxutils import escape, quoteattr

from unidecode import unidecode

from ...demo.model import DemoPaper
from ...demo.wire import Answer, int_arg, name_parts, stamp, xml_answer
from .settings import FETCH_SOURCE

SOURCE = FETCH_SOURCE.name
PATH = "arxiv"  # /arxiv/api/query and /arxiv/oai on the demo server
KNOWS = range(6)  # the tracked people arXiv is asked about
ENVIRON: dict[str, str] = {}
OAI_PAGE_SIZE = 25  # records per ListRecords page: the corpus plus one deletion is 3 pages
OAI_RESPONDED = datetime(2026, 6, 1, tzinfo=timezone.utc)  # fixed: a rerun gets the same bytes
OAI_DELETED = ("2402.09999", date(2024, 2, 29), "cs")  # a withdrawn paper: a deleted record


def author_id(person: str) -> str:
    """The API search_query for a person: "au:<last>_<first initial>"."""
    first, _, last = unidecode(person).partition(" ")
    return f"au:{last.replace(' ', '_')}_{first[0]}"


def yaml_value(value: str, base_url: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def section(base_url: str) -> str:
    return f"{{base_url: {base_url}/{PATH}/api/query, page_size: 10}}"


def oai_section(base_url: str) -> str:
    """The `arxiv_oai` section harvesting the whole demo corpus."""
    return f"{{base_url: {base_url}/{PATH}/oai, from: 2019-01-01}}"


def answer(site, parts: list[str], q: dict[str, str]) -> Answer | None:
    if parts == ["api", "query"]:
        return query(site, q)
    if parts == ["oai"]:
        return oai(site, q)
    return None


# --- The API: Atom feeds -------------------------------------------------------------------------

_ATOM_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/{feed_id}</id>
  <title>arXiv Query: search_query={query}&amp;id_list=&amp;start={start}&amp;max_results={size}</title>
  <updated>{updated}</updated>
  <link href="https://arxiv.org/api/query?search_query={query_attr}&amp;start={start}&amp;max_results={size}" type="application/atom+xml"/>
  <opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
"""


def _atom_entry(paper: DemoPaper) -> str:
    aid = paper.arxiv_id
    authors = "".join(f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n"
                      for a in paper.authors)
    comment = f"    <arxiv:comment>{paper.page_count} pages</arxiv:comment>\n" if paper.page_count else ""
    return (
        "  <entry>\n"
        f"    <id>http://arxiv.org/abs/{aid}v1</id>\n"
        f"    <title>{escape(paper.title)}</title>\n"
        f"    <updated>{stamp(paper.published_on)}</updated>\n"
        f'    <link href="https://arxiv.org/abs/{aid}v1" rel="alternate" type="text/html"/>\n'
        f'    <link href="https://arxiv.org/pdf/{aid}v1" rel="related" type="application/pdf" title="pdf"/>\n'
        f"    <summary>{escape(paper.abstract)}</summary>\n"
        f'    <category term="{paper.topic}" scheme="http://arxiv.org/schemas/atom"/>\n'
        f"    <published>{stamp(paper.published_on)}</published>\n"
        f"{comment}"
        f'    <arxiv:primary_category term="{paper.topic}"/>\n'
        f"{authors}"
        "  </entry>\n")


def feed(query: str, papers: list[DemoPaper], start: int, size: int, total: int | None = None,
         updated: date | None = None) -> str:
    """One page of an arXiv API answer: `papers` are the entries of this page only."""
    feed_id = hashlib.sha1(f"{query}|{start}|{size}".encode()).hexdigest()[:27]
    head = _ATOM_HEAD.format(
        feed_id=feed_id, query=escape(query), query_attr=quoteattr(query)[1:-1], start=start,
        size=size, total=len(papers) if total is None else total,
        updated=stamp(updated or date(2026, 6, 1), 0))
    return head + "".join(_atom_entry(p) for p in papers) + "</feed>\n"


def query(site, q: dict[str, str]) -> Answer:
    search = q.get("search_query", "")
    start, size = int_arg(q.get("start"), 0), min(int_arg(q.get("max_results"), 10), 2000)
    who = site.who(SOURCE, search)
    works = [p for _, p in site.works_of(who.person)] if who else []
    body = feed(search, works[start:start + size], start, size, total=len(works))
    return 200, "application/atom+xml; charset=utf-8", body.encode()


# --- OAI-PMH (ListRecords, metadataPrefix=arXiv), as export.arxiv.org/oai2 writes it -------------

OAI_BASE = "https://oaipmh.arxiv.org/oai"  # what <request> echoes: the repository's base URL
_OAI_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ '
             'http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
             "<responseDate>{date}</responseDate>\n<request{attrs}>{base}</request>\n")
_ARXIV_NS = ('xmlns="http://arxiv.org/OAI/arXiv/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd"')
def oai_set(topic: str) -> str:
    """arXiv's setSpec for a category: its archive ("cs", "stat"; physics ones are "physics:hep-th")."""
    return topic.split(".", 1)[0]


def oai_record(paper: DemoPaper) -> str:
    authors = []
    for name in paper.authors:
        given, family = name_parts(name)
        forenames = f"<forenames>{escape(given)}</forenames>" if given else ""
        authors.append(f"<author><keyname>{escape(family)}</keyname>{forenames}</author>")
    comments = f"<comments>{paper.page_count} pages</comments>" if paper.page_count else ""
    return (
        "<record>\n<header>\n"
        f" <identifier>oai:arXiv.org:{paper.arxiv_id}</identifier>\n"
        f" <datestamp>{paper.published_on.isoformat()}</datestamp>\n"
        f" <setSpec>{oai_set(paper.topic)}</setSpec>\n</header>\n<metadata>\n"
        f" <arXiv {_ARXIV_NS}>\n <id>{paper.arxiv_id}</id>"
        f"<created>{paper.published_on.isoformat()}</created>"
        f"<authors>{''.join(authors)}</authors><title>{escape(paper.title)}</title>"
        f"<categories>{paper.topic}</categories>{comments}"
        "<license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</license>"
        f"<abstract>  {escape(paper.abstract)}\n</abstract></arXiv>\n</metadata>\n</record>\n")


def oai_deleted(arxiv_id: str, day: date, set_spec: str) -> str:
    return ('<record>\n<header status="deleted">\n'
            f" <identifier>oai:arXiv.org:{arxiv_id}</identifier>\n"
            f" <datestamp>{day.isoformat()}</datestamp>\n"
            f" <setSpec>{set_spec}</setSpec>\n</header>\n</record>\n")


def _oai_head(request: dict[str, str], responded: datetime) -> str:
    attrs = "".join(f" {k}={quoteattr(v)}" for k, v in request.items())
    return _OAI_HEAD.format(date=responded.strftime("%Y-%m-%dT%H:%M:%SZ"), attrs=attrs, base=OAI_BASE)


def oai_list_records(records: list[str], request: dict[str, str], responded: datetime, *,
                     token: str | None, cursor: int, complete_size: int, resumed: bool) -> str:
    """One ListRecords page. Every page but the first ends in a resumptionToken element, empty on
    the last page (OAI-PMH 2.0 §3.5: the empty token says the list is complete)."""
    tail = ""
    if token is not None or resumed:
        tail = (f'<resumptionToken cursor="{cursor}" completeListSize="{complete_size}">'
                f"{escape(token or '')}</resumptionToken>\n")
    return (_oai_head(request, responded) + "<ListRecords>\n" + "".join(records) + tail
            + "</ListRecords>\n</OAI-PMH>\n")


def oai_error(code: str, message: str, request: dict[str, str], responded: datetime) -> str:
    return _oai_head(request, responded) + f'<error code="{code}">{escape(message)}</error>\n</OAI-PMH>\n'


def oai_items(site, start: str, until: str, set_spec: str) -> list[str]:
    """The records a ListRecords over [start, until] in `set_spec` lists, by datestamp."""
    listed = [(p.published_on, i, oai_record(p), oai_set(p.topic)) for i, p in enumerate(site.papers)]
    aid, day, spec = OAI_DELETED
    listed.append((day, -1, oai_deleted(aid, day, spec), spec))
    return [xml for day, _, xml, spec in sorted(listed, key=lambda r: (r[0], r[1]))
            if (not start or day.isoformat() >= start) and (not until or day.isoformat() <= until)
            and (not set_spec or spec == set_spec)]


def oai(site, q: dict[str, str]) -> Answer:
    """ListRecords, metadataPrefix=arXiv, with from/until/set and resumptionToken paging;
    OAI errors (badVerb, badArgument, badResumptionToken, cannotDisseminateFormat,
    noRecordsMatch) come back as HTTP 200 with an <error>, as the protocol says."""
    def error(code: str, message: str) -> Answer:
        return xml_answer(oai_error(code, message, {}, OAI_RESPONDED))
    if q.get("verb") != "ListRecords":
        return error("badVerb", f"Illegal verb: {q.get('verb')!r} (the demo serves ListRecords)")
    if "resumptionToken" in q:
        if set(q) != {"verb", "resumptionToken"}:
            return error("badArgument", "resumptionToken is an exclusive argument")
        args = oai_token_args(q["resumptionToken"])
        if args is None:
            return error("badResumptionToken", f"Unknown or expired resumptionToken "
                         f"{q['resumptionToken']!r}")
        offset, start, until, set_spec = args
    else:
        if q.get("metadataPrefix") != "arXiv":
            return error("cannotDisseminateFormat" if q.get("metadataPrefix") else "badArgument",
                         f"metadataPrefix {q.get('metadataPrefix')!r}: the demo serves arXiv")
        offset, start, until, set_spec = 0, q.get("from", ""), q.get("until", ""), q.get("set", "")
        try:
            [date.fromisoformat(d) for d in (start, until) if d]
        except ValueError:
            return error("badArgument", f"from/until must be YYYY-MM-DD, got {start!r}/{until!r}")
    items = oai_items(site, start, until, set_spec)
    if not items:
        return error("noRecordsMatch", "The combination of the values of the from, until, "
                     "set and metadataPrefix arguments results in an empty list.")
    end = offset + site.oai_page_size
    token = oai_token(end, start, until, set_spec) if end < len(items) else None
    return xml_answer(oai_list_records(items[offset:end], dict(q), OAI_RESPONDED, token=token,
                                       cursor=offset, complete_size=len(items),
                                       resumed="resumptionToken" in q))


def oai_token(offset: int, start: str, until: str, set_spec: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}|{start}|{until}|{set_spec}".encode()).decode()


def oai_token_args(token: str) -> tuple[int, str, str, str] | None:
    try:
        offset, start, until, set_spec = base64.urlsafe_b64decode(token.encode()).decode().split("|")
        return int(offset), start, until, set_spec
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors too
        return None
