"""Comment sections of text pages: comment heads, times, and threading "reply to <name>" into parent ids.

A comment starts with the author's name twice (avatar alt text and name), an
optional indented "reply to" line, then the time. :func:`parse_comment_section`
reads every comment from where :mod:`.segment` found the section to the end of
the page, and threads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .rules import COMMENT_COUNT, COMMENT_COUNT_LINE, COMMENT_TIME, REPLY_TO


@dataclass
class Comment:
    """A reader comment or forum reply, threaded."""

    comment_id: str
    author: str
    posted: str  # ISO 8601, empty when the page gives no time
    reply_to: str | None
    depth: int
    text: str
    line: int
    pingback: bool = False  # a pingback or trackback (another site linking here), not a reader's words


def parse_comment_section(lines: list[str], start: int) -> tuple[list[Comment], int | None, list[str], int]:
    """The comments from line ``start`` (0-based) on.

    Returns:
        The threaded comments, the comment count the page declares (None when it
        gives none), warnings, and the 0-based line of the first comment (the
        lines from ``start`` up to it are the widget's chrome).
    """
    warnings: list[str] = []
    declared: int | None = None
    heads: list[tuple[int, str, str | None, str, int]] = []  # (line, author, reply_to_name, posted, text_start)
    i = start
    while i < len(lines):
        stripped = lines[i].strip()
        count = COMMENT_COUNT.match(stripped) or COMMENT_COUNT_LINE.match(stripped)
        if count and declared is None:
            n = count.group("n")
            declared = int(n) if n.isdigit() else 0
        head = _comment_head(lines, i)
        if head:
            heads.append(head)
            i = head[4]
            continue
        i += 1
    first_comment_line = heads[0][0] if heads else len(lines)

    comments: list[Comment] = []
    for line, author, _, posted, text_start in heads:
        if not posted:
            warnings.append(f"comment by {author!r} at line {line + 1}: time {lines[text_start - 1].strip()!r} is not a valid date; left empty")
    for n, (line, author, reply_name, posted, text_start) in enumerate(heads):
        text_end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        body_lines = lines[text_start:text_end]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines)).strip()
        comments.append(Comment(comment_id=f"c{n + 1:03d}", author=author, posted=posted, reply_to=None, depth=0, text=text, line=line + 1))
        if reply_name is not None:
            comments[-1].reply_to = reply_name  # resolved below
    _thread(comments, warnings)
    if declared is not None and declared != len(comments):
        warnings.append(f"the page says {declared} comments but {len(comments)} were found")
    return comments, declared, warnings, first_comment_line


def _comment_head(lines: list[str], i: int) -> tuple[int, str, str | None, str, int] | None:
    """A comment starts with the author's name twice (avatar alt text and name), an optional reply line, then the time."""
    if i + 2 >= len(lines):
        return None
    author = lines[i].strip()
    if not author or lines[i + 1].strip() != author or len(author) > 60:
        return None
    j = i + 2
    reply_name = None
    match = REPLY_TO.match(lines[j]) if lines[j][:1] in ("\u00a0", " ", "\t") else None
    if match:
        reply_name = match.group("name")
        j += 1
    if j >= len(lines):
        return None
    when = COMMENT_TIME.match(lines[j])
    if not when:
        return None
    posted = _parse_comment_time(when.group("date"), when.group("time"))
    return i, author, reply_name, posted, j + 1


def _parse_comment_time(date: str, time: str) -> str:
    """ISO 8601 of a comment's time line; empty when the page gives an impossible date (e.g. November 31).

    >>> _parse_comment_time("March 3, 2024", "4:05 p.m."), _parse_comment_time("November 31, 2023", "9:00 am")
    ('2024-03-03T16:05:00', '')
    """
    clean = re.sub(r"\s+", " ", f"{date} {time.replace('.', '').upper()}")
    try:
        return datetime.strptime(clean, "%B %d, %Y %I:%M %p").isoformat()
    except ValueError:
        return ""


def _thread(comments: list[Comment], warnings: list[str]) -> None:
    """Turn "reply to <name>" into parent ids.

    In a threaded layout a reply follows its parent's subtree, so the parent is the
    nearest comment by that author on the path from the previous comment up to its
    thread's root; failing that, the latest earlier comment by that author.
    """
    by_id = {c.comment_id: c for c in comments}
    path: list[Comment] = []
    for comment in comments:
        name = comment.reply_to
        if name is None:
            path = [comment]
            continue
        parent = next((c for c in reversed(path) if c.author == name), None)
        if parent is None:
            earlier = [c for c in comments[: comments.index(comment)] if c.author == name]
            parent = earlier[-1] if earlier else None
            if parent is None:
                warnings.append(f"comment {comment.comment_id} by {comment.author!r} replies to {name!r}, who has no earlier comment; kept as top-level")
                comment.reply_to = None
                path = [comment]
                continue
        comment.reply_to = parent.comment_id
        comment.depth = parent.depth + 1
        path = _ancestry(parent, by_id) + [comment]


def _ancestry(comment: Comment, by_id: dict[str, Comment]) -> list[Comment]:
    chain = [comment]
    while chain[0].reply_to is not None:
        chain.insert(0, by_id[chain[0].reply_to])
    return chain
