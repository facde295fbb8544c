// locales.mjs is the one list of what package cldr supports: gen.mjs extracts
// these locales and zones from ICU, fixtures.mjs formats test instants for
// them. Add a locale or zone here, then run `go generate` in internal/cldr.

// LOCALES are BCP 47 tags, each resolved by ICU to itself (gen.mjs checks).
export const LOCALES = [
  'ca', 'es',
  'en', 'en-GB', 'en-US', 'en-CA', 'en-AU', 'en-BE',
  'fr', 'fr-BE', 'fr-CA',
  'nl', 'nl-BE',
  'de',
];

// ZONES get localized short names (CEST, MESZ, AEDT…); any other zone is
// printed in the locale's offset format (GMT+2, UTC−5). Etc/UTC is here
// because servers and containers commonly run with TZ=Etc/UTC.
export const ZONES = [
  'Europe/Madrid', 'Europe/Brussels', 'Europe/Berlin', 'Europe/Paris',
  'Europe/London', 'America/Toronto', 'America/Chicago',
  'Australia/Melbourne', 'UTC', 'Etc/UTC',
];
