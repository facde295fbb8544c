package site

// LayoutHelp lists every file Build writes (KEY an instance, LOCALE one
// of its locales) and what it holds, for announce site --help;
// TestLayoutHelp keeps it in step with Build.
const LayoutHelp = `  index.html                 the fleet: every window, the rollout timeline, the plan's warnings
  timeline.svg               the timeline alone: every window on one UTC axis
  rollout.ics                every window in one calendar (as announce plan --format ics)
  KEY/index.html             the instance's languages (and a redirect to the default one)
  KEY/LOCALE/index.html      its page: the window in local time and UTC, what is affected,
                             the support contact, which notices went out
  KEY/LOCALE/feed.atom       an Atom feed with an entry per notice that went out
  KEY/LOCALE/calendar.ics    a calendar to subscribe to: the notices' event (same UID and SEQUENCE)
`
