#!/usr/bin/env python3
"""Parse Atom feeds with feedparser (an independent parser) and print, per
file, what it read as one JSON object; exit 1 if any feed is not clean Atom
1.0 (feedparser's "bozo" flag, missing required elements, duplicate ids)."""
import json
import sys

import feedparser

out, bad = {}, []
for path in sys.argv[1:]:
    d = feedparser.parse(path)
    problems = []
    if d.bozo:
        problems.append("not well-formed: %s" % d.bozo_exception)
    if d.version != "atom10":
        problems.append("version %r, want atom10" % d.version)
    f = d.feed
    for key in ("id", "title", "updated"):
        if not f.get(key):
            problems.append("feed has no %s" % key)
    ids = []
    for e in d.entries:
        for key in ("id", "title", "updated"):
            if not e.get(key):
                problems.append("entry %r has no %s" % (e.get("id"), key))
        if not (e.get("author") or f.get("author")):
            problems.append("entry %r has no author (nor has the feed)" % e.get("id"))
        ids.append(e.get("id"))
    if len(set(ids)) != len(ids):
        problems.append("duplicate entry ids")
    out[path] = {
        "id": f.get("id"), "title": f.get("title"), "language": f.get("language"),
        "author": f.get("author_detail", {}).get("email"),
        "entries": [{"id": e.get("id"), "title": e.get("title"), "updated": e.get("updated"),
                     "text": (e.get("content") or [{}])[0].get("value", "")} for e in d.entries],
    }
    bad += ["%s: %s" % (path, p) for p in problems]
json.dump(out, sys.stdout, ensure_ascii=False)
if bad:
    print("\n" + "\n".join(bad), file=sys.stderr)
    sys.exit(1)
