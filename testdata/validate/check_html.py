#!/usr/bin/env python3
"""Parse HTML files with html5lib in strict mode (any parse error of the HTML
standard's algorithm fails) and print, per file, the <html lang> and <title>
it read; exit 1 on the first file with a parse error."""
import json
import sys

import html5lib

out, bad = {}, []
for path in sys.argv[1:]:
    p = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        with open(path, "rb") as fh:
            doc = p.parse(fh, transport_encoding="utf-8")
    except Exception as e:
        bad.append("%s: %s (errors: %s)" % (path, e, p.errors[:3]))
        continue
    title = doc.find(".//title")
    out[path] = {"lang": doc.get("lang"), "title": title.text if title is not None else None,
                 "links": [a.get("href") for a in doc.iter("a")]}
json.dump(out, sys.stdout, ensure_ascii=False)
if bad:
    print("\n" + "\n".join(bad), file=sys.stderr)
    sys.exit(1)
