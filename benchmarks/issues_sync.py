"""Importing GitHub issues: 5,000 issues over 50 pages, and an unchanged re-sync.

A local server speaking GitHub's REST API (the tests' ``GitHubServer``, in a process of its own
so it does not share this one's interpreter lock) serves one repository of ``--issues`` issues
(default 5,000: 50 pages of 100; titles, bodies and labels shaped as GitHub sends them). Each
round, in rotating order:

* the importer: a first sync into a fresh SQLite file through ``IssueSync`` (what
  ``devfocus issues sync`` and ``devfocus.issues.sync`` run: the HTTP client, parsing, the
  issues and pull requests written while the next page is fetched, the sync record);
* the reference: the same pages fetched with ``http.client`` alone (one keep-alive connection,
  following the ``Link`` header, the same ``Accept-Encoding: gzip`` the importer sends, bodies
  read, decompressed and decoded with ``json.loads``, as any client of a JSON API does; nothing
  mapped or stored). Target: the importer takes at most 1.5x the reference (median of the
  per-round ratios). For information, the same fetch without decoding the JSON.

Then an unchanged re-sync (``--full``: every page asked for again with its ``If-None-Match``)
against the same number of bare conditional requests, each answered 304. Target: within 10%
(at most 1.1x). ``--latency MS`` adds a delay to every answer, as a network would.

With ``--repo`` (default ``$DEVFOCUS_BENCH_REPO``), the issues' titles and texts are a real
project's: the subjects and bodies of its newest commits.

    python benchmarks/issues_sync.py [--issues 5000] [--rounds 5] [--latency 0] [--repo DIR]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from _common import PYTHON, REPO, Result, add_repo_option, emit, header, median

sys.path.insert(0, str(REPO))

TOKEN = "t0k3n"
SERVE = """
import json, sys, time
from tests.trackerservers import GitHubServer, github_issues
latency = float(sys.argv[2]) / 1000
texts = json.loads(open(sys.argv[3], encoding="utf-8").read())
class Slow(GitHubServer):
    def _answer(self, *args, **kwargs):
        if latency:
            time.sleep(latency)
        return super()._answer(*args, **kwargs)
with Slow(token="t0k3n", prefix="/api/v3", rate_limit=1_000_000) as server:
    items = github_issues(int(sys.argv[1]), pulls_every=25, host=server.url)
    for item, (title, body) in zip(items, texts):
        item["title"], item["body"] = title, body
    server.repos["acme/app"] = items
    print(server.api_url, flush=True)
    sys.stdin.read()
"""


def real_texts(repo: Path | None, count: int) -> list[tuple[str, str]]:
    """Titles and texts written by people: the subjects and bodies of ``repo``'s newest commits
    (a real project's words, in place of issues this machine cannot fetch)."""
    if repo is None:
        return []
    log = subprocess.run(
        ["git", "-C", str(repo), "log", f"-{count}", "--format=%s%x00%b%x1e"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out = []
    for record in log.split("\x1e"):
        subject, _, body = record.strip().partition("\x00")
        if subject:
            out.append((subject, body.strip() or subject))
    return out


def start_server(
    issues: int, latency: float, texts: list[tuple[str, str]]
) -> tuple[subprocess.Popen[str], str]:
    handle, path = tempfile.mkstemp(prefix="devfocus-bench-texts-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(texts, out)
    process = subprocess.Popen(
        [PYTHON, "-c", SERVE, str(issues), str(latency), path],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()  # the server has read the texts by then
    os.unlink(path)
    return process, url


def bare_fetch(
    api_url: str, etags: dict[str, str] | None = None, decode: bool = True
) -> tuple[float, dict[str, str], int]:
    """Every page of the open issues with http.client alone: seconds, the ETag of each page,
    requests made. With ``etags``, each page is asked for conditionally (and answered 304)."""
    parts = urllib.parse.urlsplit(api_url)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port)
    url = f"{parts.path}/repos/acme/app/issues?state=open&per_page=100"
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept-Encoding": "gzip"}
    seen: dict[str, str] = {}
    requests = 0
    while url:
        conditional = dict(headers)
        if etags is not None:
            conditional["If-None-Match"] = etags[url]
        conn.request("GET", url, headers=conditional)
        answer = conn.getresponse()
        body = answer.read()
        requests += 1
        if answer.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if decode and answer.status == 200:
            json.loads(body)
        seen[url] = answer.getheader("ETag") or ""
        link = answer.getheader("Link") or ""
        nxt = [p.split(";")[0].strip(" <>") for p in link.split(",") if 'rel="next"' in p]
        if nxt:
            url = urllib.parse.urlsplit(nxt[0])._replace(scheme="", netloc="").geturl()
        elif etags is not None:
            url = next((u for u in etags if u not in seen), "")  # a 304 may carry no Link
        else:
            url = ""
    conn.close()
    return time.perf_counter() - started, seen, requests


def importer_sync(api_url: str, db_url: str, full: bool) -> tuple[float, int, int]:
    from devfocus.app.issuesync import IssueSync, plan
    from devfocus.config import load_settings
    from devfocus.store.database import Database

    settings, _ = load_settings(
        {"issues": {"github": {"enabled": True, "apiUrl": api_url, "repositories": ["acme/app"]}}}
    )
    targets, _ = plan(settings.issues, {})
    started = time.perf_counter()
    database = Database(db_url)
    outcome = IssueSync(database, settings.issues, {"GITHUB_TOKEN": TOKEN}).run(targets, full=full)
    database.close()
    seconds = time.perf_counter() - started
    (result,) = outcome.syncs
    assert result.error is None, result.error
    return seconds, result.issues + result.pulls, result.requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.0, help="milliseconds per answer")
    add_repo_option(parser, "generated titles and texts")
    args = parser.parse_args()
    texts = real_texts(args.repo, args.issues)
    source = f"titles and texts from {args.repo.name}'s commits" if texts else "generated text"
    header(f"issues_sync: {args.issues} GitHub issues ({source}), {args.rounds} rounds")
    server, api_url = start_server(args.issues, args.latency, texts)
    work = Path(tempfile.mkdtemp(prefix="devfocus-bench-issues-"))
    try:
        bare_fetch(api_url)  # warm-up: the server's first pages, this process's imports
        importer_sync(api_url, f"sqlite:///{work / 'warm.db'}", True)
        imports: list[float] = []
        fetches: list[float] = []
        raws: list[float] = []
        requests = 0
        kinds = ("import", "fetch", "raw")
        for i in range(args.rounds):
            db_url = f"sqlite:///{work / f'round{i}.db'}"
            for what in kinds[i % 3 :] + kinds[: i % 3]:
                if what == "import":
                    seconds, items, requests = importer_sync(api_url, db_url, True)
                    assert items == args.issues, items
                    imports.append(seconds)
                elif what == "fetch":
                    fetches.append(bare_fetch(api_url)[0])
                else:
                    raws.append(bare_fetch(api_url, decode=False)[0])
            print(
                f"  round {i + 1}: import {imports[-1]:.3f} s, bare fetch {fetches[-1]:.3f} s"
                f" (without decoding the JSON {raws[-1]:.3f} s)"
            )
        _, etags, pages = bare_fetch(api_url)
        resyncs: list[float] = []
        bare304: list[float] = []
        db_url = f"sqlite:///{work / f'round{args.rounds - 1}.db'}"
        resync_requests = 0
        for i in range(args.rounds):
            order = ("resync", "bare") if i % 2 == 0 else ("bare", "resync")
            for what in order:
                if what == "resync":
                    seconds, items, resync_requests = importer_sync(api_url, db_url, True)
                    assert items == 0, f"an unchanged re-sync stored {items} items"
                    resyncs.append(seconds)
                else:
                    bare304.append(bare_fetch(api_url, etags)[0])
            print(f"  re-sync {i + 1}: {resyncs[-1]:.3f} s, {pages} bare 304s {bare304[-1]:.3f} s")
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)
    ratio = median(m / r for m, r in zip(imports, fetches, strict=True))
    raw_ratio = median(m / r for m, r in zip(imports, raws, strict=True))
    again = median(m / r for m, r in zip(resyncs, bare304, strict=True))
    where = f", {args.latency:g} ms latency" if args.latency else ""
    where += ", real text" if texts else ""
    print(f"  importer requests: {requests} (bare: {pages}); re-sync requests: {resync_requests}")
    return emit(
        [
            Result(
                "issues_sync",
                f"first sync of {args.issues} issues ({pages} pages{where})",
                median(imports),
                "s",
                median(fetches),
                "the same pages with http.client, JSON decoded",
                ratio,
                "<= 1.5x",
                ratio <= 1.5,
            ),
            Result(
                "issues_sync",
                f"first sync of {args.issues} issues, against bytes only{where}",
                median(imports),
                "s",
                median(raws),
                "the same pages with http.client, bodies not decoded",
                raw_ratio,
            ),
            Result(
                "issues_sync",
                f"unchanged re-sync, conditional requests only{where}",
                median(resyncs),
                "s",
                median(bare304),
                f"{pages} bare 304 round trips",
                again,
                "<= 1.1x",
                again <= 1.1,
            ),
        ]
    )


if __name__ == "__main__":
    os.environ.setdefault("TZ", "UTC")
    sys.exit(main())
