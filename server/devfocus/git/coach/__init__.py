"""Commit coaching: rules, quick fixes and a score for commit messages (pure).

A message is read the way ``git commit --cleanup=strip`` keeps it: lines starting with the comment
character are dropped, and so is everything below the scissors line that ``git commit -v`` writes.
Findings still point into the original text, so an editor can show them where they are.

**Score** = 10 × (0.4 · message + 0.3 · files + 0.2 · size + 0.1 · context), rounded to one
decimal; each part is in [0, 1]:

- *message*: 1 minus the penalties of the findings about the message itself (each rule counts
  once, with its largest penalty): subject over 72 characters 0.3 (over 50: 0.1), trailing period
  0.1, not imperative 0.2, no blank line after the subject 0.2, body not wrapped at 72 0.1, no
  body for a large change 0.2, vague subject 0.2, a revert that does not say why 0.2. An empty
  message scores 0.
- *files*: the mean of a count factor (1 up to ``max(10, 3 × the repository's median files per
  commit)``, then falling linearly to 0 at three times that) and an area factor (1 up to
  ``max(3, the median areas per commit)`` unrelated areas, then 0.35 less for each one more).
- *size*: 1 up to ``max(200, 2 × the median lines changed per commit)`` lines added plus deleted
  (lock files and minified files not counted), then falling linearly to 0 at four times that.
- *context*: 1 minus the penalties of the findings about consistency with the repository's
  history: no Conventional type where the history has them 0.4 (an unknown type 0.2, a type
  where the history has none 0.1), first letter cased against the habit 0.3, no issue reference
  where most commits have one 0.3, no body where most commits have one 0.2.

Nothing staged (or a merge, whose diff is its parents') leaves files and size at 1.
Merge subjects, ``fixup!``/``squash!``/``amend!`` subjects and git's ``Revert "…"`` subjects are
exempt from the subject rules; fixups and merges are exempt from the body rules as well.

An *area* is a top-level directory, or a package under a container such as ``src/`` or
``packages/`` (``src/app/db/models.py`` is ``app/db``); a package's own files (``src/app/cli.py``)
join its subpackages' areas. A test file joins the area whose directory or module name it carries
(``tests/db/test_models.py`` joins ``app/db``), and tests that match none count as one area.
Documentation and root files add no area when code changes too.
"""

from __future__ import annotations

from devfocus.git.coach.areas import areas_of
from devfocus.git.coach.context import issue_of_branch
from devfocus.git.coach.findings import Finding
from devfocus.git.coach.fixes import Fix, apply_fix
from devfocus.git.coach.habits import HABIT_SAMPLE, Habits, habits_of
from devfocus.git.coach.message import SCISSORS, comment_char_of, kept_message, split_lines
from devfocus.git.coach.rules import check_message
from devfocus.git.coach.score import Coaching, coach, weekly_trend

__all__ = [
    "HABIT_SAMPLE",
    "SCISSORS",
    "Coaching",
    "Finding",
    "Fix",
    "Habits",
    "apply_fix",
    "areas_of",
    "check_message",
    "coach",
    "comment_char_of",
    "habits_of",
    "issue_of_branch",
    "kept_message",
    "split_lines",
    "weekly_trend",
]
