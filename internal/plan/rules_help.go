package plan

// RulesHelp lists every rule, its severity and what breaks it, for
// announce plan --help; TestRulesHelp keeps it in step with the rules.
const RulesHelp = `  busy-weekday      error    it falls on one of the instance's busy_weekdays
  blackout          error    it overlaps a blackout: dated (from, until), weekly (weekday,
                             at, the "before" margin) or one-off (date, at, before)
  order-cycle       error    with the instance's database configured: one of its order
                             cycles opens or closes during it or in the hour before it
  notice            error    the first email (announce, else reminder) goes out less than
                             min_notice_days (default 5) calendar days before the start
  test-ready        error    it starts before test_ready plus test_days working days
  support           warning  support (support.hours) is not on hand at some point during
                             it; with support.after_days, also the rest of the day it ends
                             and the next after_days working days (Monday–Friday)
  operator-hours    warning  it is not within one working day of its operator (default
                             Monday–Friday 09:00–18:00 in their zone)
  operator-overlap  warning  its operator runs another window at the same time
`
