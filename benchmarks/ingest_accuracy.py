"""How often vnsearch reads a real article file right: its title, its lead, its body.

    python benchmarks/ingest_accuracy.py --articles OUT/report [--truth OUT/truth.ndjson] [--json]
    python benchmarks/ingest_accuracy.py --seeds

`--articles` is a folder written by benchmarks/real_news.py, whose truth file (beside the
halves) says what each file's headline and lead are. Every file is read as `vnsearch index`
reads it (`indexer.ingest.read.read_articles`), and counted:

- read: indexed at all (not skipped);
- title right: the title is the file's headline line (spaces aside); for a file that holds no
  headline line, where the title came from instead (URL slug or first sentence), and how many
  of the slug's words it holds (all, when the slug is used);
- lead right: the body starts with the lead line (the line after the headline, or the first
  line of a file without one);
- body whole: every line of the file below the headline is in the body (these archives hold
  the story only, so any line left out is a line lost).

`--seeds` checks the five articles in corpus/ against their headlines, as read by hand.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_SEED, REPO, machine, table, write_json
from benchmarks.real_news import TRUTH, Truth, compact, read_truth

EXAMPLES = 10
TARGET_TITLE = 0.995
# The seeds' headlines, read by hand (ads, hotlines and menus stand above some of them).
SEED_TITLES = {
    "000_900c3636f8b06404": (
        "Hội nghị quán triệt, triển khai thực hiện các quy định, hướng dẫn mới ban hành của "
        "Trung ương về công tác tổ chức xây dựng Đảng"
    ),
    "001_86232ecdeac32804": "Hội nghị toàn quốc tổng kết Ngành Tổ chức xây dựng Đảng",
    "002_f1f41421099c2c4c": (
        "Đẩy mạnh thực hiện Nghị quyết Trung ương 4 về xây dựng, chỉnh đốn Đảng ở mức độ cao hơn"
    ),
    "003_7ba0f6455497b9a9": (
        "Quán triệt, triển khai thực hiện các văn bản mới của Trung ương về công tác tổ chức xây dựng Đảng"
    ),
    "004_b09fdb954b2a7c93": (
        "Hội nghị giao ban công tác tổ chức xây dựng Đảng khu vực miền Bắc năm 2023 tại Hải Phòng"
    ),
}


def same(a: str | None, b: str | None) -> bool:
    """Equal but for spaces and Unicode form."""
    from indexer.text.normalize import canonical

    return a is not None and b is not None and canonical(a) == canonical(b)


def file_lines(path: Path) -> list[str]:
    """The file's non-empty lines below any front matter."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text[4:].partition("\n---\n")[2]
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def measure(
    folder: Path, truth: dict[str, Truth], sample: int | None = None, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    from indexer.ingest.read import Extracted, find_files, read_articles
    from indexer.ingest.titles import slug_match

    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    wrong: list[dict[str, str]] = []
    skipped: list[str] = []
    files = [
        (file, root)
        for file, root in find_files([folder])
        if file.relative_to(root).with_suffix("").as_posix() in truth
    ]
    if sample and sample < len(files):
        files = sorted(random.Random(seed).sample(files, sample))
    for file, root in files:
        expected = truth[file.relative_to(root).with_suffix("").as_posix()]
        article_id = expected.id
        counts["files"] += 1
        [item] = list(read_articles(file, root))
        if not isinstance(item, Extracted):
            skipped.append(str(item))
            continue
        counts["read"] += 1
        article = item.article
        lines = file_lines(file)
        below = lines[1:] if expected.title else lines
        if expected.title:
            counts["with_headline"] += 1
            right = same(article.title, expected.title)
            counts["title_right"] += right
            if not right and len(wrong) < EXAMPLES:
                wrong.append(
                    {
                        "id": article_id,
                        "expected": expected.title,
                        "got": article.title,
                        "from": item.title_source,
                    }
                )
        else:
            counts["without_headline"] += 1
            counts[f"title_from:{item.title_source}"] += 1
            if expected.slug:
                counts["slug_words"] += len(expected.slug.split())
                counts["slug_words_in_title"] += round(
                    slug_match(article.title, expected.slug.split()) * len(expected.slug.split())
                )
        counts["lead_right"] += bool(expected.lead) and compact(article.body).startswith(
            compact(expected.lead)
        )
        kept = set(map(compact, article.body.split("\n")))
        counts["body_whole"] += all(compact(line) in kept for line in below)
        for dropped in item.dropped:  # why lines of the story were left out
            if compact(dropped.text) in map(compact, below):
                reasons[dropped.reason] += 1
    return {
        "counts": dict(counts),
        "story_lines_left_out": dict(reasons.most_common()),
        "title_wrong": wrong,
        "skipped": skipped[:EXAMPLES],
        "skipped_total": len(skipped),
    }


def measure_seeds() -> dict[str, Any]:
    from indexer.ingest.read import Extracted, read_articles

    corpus = REPO / "corpus"
    results = {}
    for seed, title in SEED_TITLES.items():
        [item] = list(read_articles(corpus / f"{seed}.txt", corpus))
        results[seed] = isinstance(item, Extracted) and same(item.article.title, title)
    return {"seeds": len(results), "title_right": sum(results.values()), "by_seed": results}


def report(results: dict[str, Any]) -> str:
    text = []
    if "real" in results:
        c = results["real"]["counts"]
        files, headed, headless = c.get("files", 0), c.get("with_headline", 0), c.get("without_headline", 0)

        def share(n: int, d: int) -> str:
            return f"{n:,} / {d:,} ({n / d:.2%})" if d else "-"

        rows = [
            ["read (not skipped)", share(c.get("read", 0), files), "all"],
            [
                "title right (files with a headline line)",
                share(c.get("title_right", 0), headed),
                f">= {TARGET_TITLE:.1%}",
            ],
            ["lead right", share(c.get("lead_right", 0), files), ""],
            ["body whole (no line of the story lost)", share(c.get("body_whole", 0), files), ""],
        ]
        if headless:
            rows += [
                [
                    f"files without a headline line: title from {source}",
                    share(c.get(f"title_from:{source}", 0), headless),
                    "",
                ]
                for source in ("URL", "first sentence", "headline line", "metadata")
            ]
            rows.append(
                [
                    "... the slug's words in the title",
                    share(c.get("slug_words_in_title", 0), c.get("slug_words", 0)),
                    "",
                ]
            )
        text += [
            f"{files:,} article files in {results['articles']}:",
            table(["", "measured", "target"], rows),
        ]
        reasons = results["real"]["story_lines_left_out"]
        if reasons:
            text.append(
                "Lines of the story left out, by reason: " + ", ".join(f"{r} {n}" for r, n in reasons.items())
            )
        for example in results["real"]["title_wrong"]:
            text.append(
                f"  title wrong: {example['id']}: {example['got'][:60]!r} ({example['from']}), "
                f"headline {example['expected'][:60]!r}"
            )
        for problem in results["real"]["skipped"]:
            text.append(f"  skipped: {problem}")
    if "seeds" in results:
        s = results["seeds"]
        text += ["", f"Seeds (corpus/): title right on {s['title_right']} of {s['seeds']}"]
    return "\n".join(text)


@click.command()
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A half written by benchmarks/real_news.py (OUT/tune or OUT/report).",
)
@click.option(
    "--truth",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Its {TRUTH} [default: beside the folder].",
)
@click.option("--sample", type=click.IntRange(min=1), help="Only this many files, drawn at random (seeded).")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="The sample's seed.")
@click.option("--seeds", is_flag=True, help="Also check the seeds in corpus/.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the results as JSON here."
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of tables.")
def main(
    articles: Path | None,
    truth: Path | None,
    sample: int | None,
    seed: int,
    seeds: bool,
    out: Path | None,
    as_json: bool,
) -> None:
    """Headline, lead and body accuracy of vnsearch's reading of real article files."""
    if articles is None and not seeds:
        raise click.UsageError("give --articles, --seeds, or both")
    results: dict[str, Any] = {"benchmark": "ingest_accuracy", "machine": machine()}
    if articles is not None:
        results["articles"] = str(articles)
        results["real"] = measure(articles, read_truth(truth or articles.parent / TRUTH), sample, seed)
        results["sample"] = sample
    if seeds:
        results["seeds"] = measure_seeds()
    write_json(results, out, also_print=as_json)
    if not as_json:
        click.echo(report(results))


if __name__ == "__main__":
    main()
