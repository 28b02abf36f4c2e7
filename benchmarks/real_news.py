"""Public copies of real Vietnamese news -> article files in a folder you choose, split in two.

    git clone --depth 1 https://github.com/magizbox/scraper
    git clone --depth 1 https://github.com/undertheseanlp/resources
    python benchmarks/real_news.py OUT scraper resources

The articles' copyright is the papers': they are written to OUT, outside this repository, and
never committed. Two archives are read, each laid out as vnsearch meets scraped news:

- baomoi (`scraper/vn_news/data/*.txt`, about 35,000 baomoi.com articles from the first half of
  2017): headline line, lead line, body (often one line); copied byte for byte;
- dantri (`resources/resources/CP_Vietnamese-UNC/datasets/CP_Vietnamese-UNC/*.txt`, 2,653
  dantri.com.vn articles from 2020-2021): `# url = ...` and `# date = ...` comments become a
  front-matter block (date, url), then the text as it is. Many of these files keep only the
  body paragraphs, without the headline.

Every article goes to OUT/tune/<archive>/ or OUT/report/<archive>/ by a hash of its id: tune
(and look at failures) on one half, report on the other, never looked at while tuning.
OUT/truth.ndjson (JSON, one article a line; not `.jsonl`, which vnsearch would read as
articles if OUT itself were indexed) records, per article, what a reader would call its headline and lead: for
baomoi, the first and second lines; for dantri, the first line when it is the headline (its
words are the URL's slug), else none (`slug` holds the slug's words).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from pathlib import Path

import click
from unidecode import unidecode

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HALVES = ("tune", "report")
TRUTH = "truth.ndjson"
BAOMOI = Path("vn_news/data")
DANTRI = Path("resources/CP_Vietnamese-UNC/datasets/CP_Vietnamese-UNC")
_SLUG_ID = re.compile(r"-\d{10,}$")  # dantri's URLs end with a long number after the slug


@dataclass(frozen=True)
class Truth:
    id: str  # the id vnsearch gives the file when OUT/<half> is indexed
    half: str
    title: str | None  # the headline when the file holds it
    lead: str | None
    slug: str | None = None  # the URL's words, where there is a URL


def half_of(article_id: str) -> str:
    """`tune` or `report`, the same on every machine and in every run."""
    return HALVES[hashlib.sha256(article_id.encode("utf-8")).digest()[0] % 2]


def slug_words(url: str) -> str:
    """The words of a URL's last path segment: `.../gan-100000-ca-covid-19-2020110111.htm` ->
    `gan 100000 ca covid 19`."""
    last = url.rstrip("/").rsplit("/", 1)[-1]
    last = _SLUG_ID.sub("", re.sub(r"\.\w+$", "", last))
    return " ".join(last.split("-"))


def compact(text: str) -> str:
    """Letters and digits only, folded: `1.000 thương` and `1000-thuong` are both `1000thuong`."""
    return "".join(re.findall(r"[a-z0-9]+", unidecode(text).lower()))


def baomoi_articles(folder: Path) -> Iterator[tuple[str, bytes, Truth]]:
    for path in sorted(folder.glob("*.txt")):
        data = path.read_bytes()
        lines = [line.strip() for line in data.decode("utf-8", "replace").split("\n") if line.strip()]
        if not lines:
            continue
        article_id = f"baomoi/{path.stem}"
        yield (
            article_id,
            data,
            Truth(article_id, half_of(article_id), lines[0], lines[1] if len(lines) > 1 else None),
        )


def dantri_articles(folder: Path) -> Iterator[tuple[str, bytes, Truth]]:
    for path in sorted(folder.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        meta = {}
        while lines and lines[0].startswith("# ") and " = " in lines[0]:
            key, _, value = lines.pop(0)[2:].partition(" = ")
            meta[key.strip()] = value.strip()
        day = meta.get("date", "")
        front = ["---"]
        if re.fullmatch(r"\d{8}", day):
            front.append(f"date: {day[:4]}-{day[4:6]}-{day[6:]}")
        if meta.get("url"):
            front.append(f"url: {meta['url']}")
        text = "\n".join([*front, "---", *lines])
        content = [line.strip() for line in lines if line.strip()]
        slug = slug_words(meta["url"]) if meta.get("url") else None
        # The first line is the headline when its words are the slug's (a cut slug is a prefix).
        has_title = bool(content and slug and _same_words(content[0], slug))
        article_id = f"dantri/{path.stem}"
        title = content[0] if has_title else None
        lead = content[1] if has_title and len(content) > 1 else (content[0] if content else None)
        yield article_id, text.encode("utf-8"), Truth(article_id, half_of(article_id), title, lead, slug)


def _same_words(line: str, slug: str) -> bool:
    """Whether a line is the headline the slug was made from (slugs drop punctuation and may
    be cut short, or differ by a word the editor changed later)."""
    words, slug_compact = compact(line), compact(slug)
    if not slug_compact:
        return False
    if words == slug_compact or (len(slug_compact) > 30 and words.startswith(slug_compact)):
        return True
    return SequenceMatcher(None, words, slug_compact).ratio() >= 0.8


def convert(out: Path, sources: list[Path]) -> dict[str, dict[str, int]]:
    """Write every article found under the sources to OUT/<half>/<archive>/, and TRUTH."""
    readers = []
    for source in sources:
        if (source / BAOMOI).is_dir():
            readers.append(("baomoi", baomoi_articles(source / BAOMOI)))
        if (source / DANTRI).is_dir():
            readers.append(("dantri", dantri_articles(source / DANTRI)))
    if not readers:
        raise click.UsageError(
            f"none of {', '.join(map(str, sources))} holds {BAOMOI} or {DANTRI}: give the folders "
            "of the clones"
        )
    for half in HALVES:
        shutil.rmtree(out / half, ignore_errors=True)
    counts: dict[str, dict[str, int]] = {}
    with (out / TRUTH).open("w", encoding="utf-8") as truth_file:
        for archive, articles in readers:
            for article_id, data, truth in articles:
                target = out / truth.half / f"{article_id}.txt"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                truth_file.write(json.dumps(asdict(truth), ensure_ascii=False) + "\n")
                counts.setdefault(archive, dict.fromkeys(HALVES, 0))[truth.half] += 1
    return counts


def read_truth(path: Path) -> dict[str, Truth]:
    """A TRUTH file this script wrote, by article id."""
    with path.open(encoding="utf-8") as handle:
        return {t.id: t for t in (Truth(**json.loads(line)) for line in handle)}


@click.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.argument(
    "sources", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
def main(out: Path, sources: tuple[Path, ...]) -> None:
    """Write the articles of the clones SOURCES to OUT/tune and OUT/report (see the docstring)."""
    out.mkdir(parents=True, exist_ok=True)
    for archive, halves in convert(out, list(sources)).items():
        click.echo(f"{archive}: " + ", ".join(f"{n} in {out / half / archive}" for half, n in halves.items()))
    click.echo(f"What each file's headline and lead are: {out / TRUTH}")


if __name__ == "__main__":
    main()
