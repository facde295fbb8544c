#!/usr/bin/env python3
"""Parse iCalendar files with python3-icalendar and print, per file, each
event's UID, SEQUENCE, status and start/end as UTC instants (resolved through
the file's own VTIMEZONE); exit 1 on a file that does not parse."""
import datetime
import json
import sys

import icalendar

out, bad = {}, []
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as fh:
            cal = icalendar.Calendar.from_ical(fh.read())
    except Exception as e:  # the parser's own words
        bad.append("%s: %s" % (path, e))
        continue
    evs = []
    for ev in cal.walk("VEVENT"):
        def utc(name):
            v = ev.decoded(name)
            if v.tzinfo is None:
                return "floating " + v.isoformat()
            return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        evs.append({"uid": str(ev.get("UID")), "sequence": int(ev.get("SEQUENCE", 0)),
                    "status": str(ev.get("STATUS", "")), "summary": str(ev.get("SUMMARY", "")),
                    "start": utc("DTSTART"), "end": utc("DTEND")})
    out[path] = {"method": str(cal.get("METHOD", "")), "events": evs}
json.dump(out, sys.stdout, ensure_ascii=False)
if bad:
    print("\n" + "\n".join(bad), file=sys.stderr)
    sys.exit(1)
