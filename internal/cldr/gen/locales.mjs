// locales.mjs is the one list of what package cldr supports: gen.mjs extracts
// these locales and zones from ICU, fixtures.mjs formats test instants for
// them. Add a locale here, then run `go generate` in internal/cldr.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// LOCALES are BCP 47 tags, each resolved by ICU to itself (gen.mjs checks):
// every locale of Open Food Network's config/locales (openfoodfoundation/
// openfoodnetwork at d4f0a99e2aec, 2026-08-07; en_TST is a test locale and is
// left out), written the BCP 47 way; the languages of its regional forms that
// it has no file of their own for (de, nl); and pt-PT: OFN's pt is Portugal's,
// CLDR's pt is Brazil's (same dates and times, but "GMT+1" where Portugal
// writes "WEST"), so an instance in Portugal can offer pt_PT and get both
// pt.toml's words and Portugal's zone names.
export const LOCALES = [
  'ar',
  'ca',
  'cy',
  'de', 'de-CH', 'de-DE',
  'el',
  'en', 'en-AU', 'en-BE', 'en-CA', 'en-CH', 'en-DE', 'en-FR', 'en-GB', 'en-IE', 'en-IN', 'en-NZ', 'en-PH',
  'en-US', 'en-ZA',
  'es', 'es-CO', 'es-CR', 'es-US',
  'eu',
  'fi',
  'fil-PH',
  'fr', 'fr-BE', 'fr-CA', 'fr-CH', 'fr-CM',
  'hi',
  'hu',
  'it', 'it-CH',
  'ko',
  'ml',
  'mr',
  'nb',
  'nl', 'nl-BE',
  'pa',
  'pl',
  'pt', 'pt-BR', 'pt-PT',
  'ru',
  'sr',
  'sv',
  'tr',
  'uk',
];

// zones returns every zone name Go's time package can load from the tzdata it
// embeds (time/tzdata, which package config imports), sorted: the names in
// $GOROOT/lib/time/zoneinfo.zip, less those ICU does not know ("Factory").
// Each gets ICU's short names, so that any zone a configuration can name has
// them; the Go version is in data_gen.go's header, with node's.
export function zones() {
  const root = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const names = zipNames(readFileSync(`${root}/lib/time/zoneinfo.zip`));
  return names.filter((z) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: z });
      return true;
    } catch {
      return false;
    }
  }).sort();
}

export function goVersion() {
  return execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
}

// zipNames lists the file names in a zip's central directory.
function zipNames(zip) {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('zoneinfo.zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`zoneinfo.zip: bad central directory entry at ${p}`);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    names.push(zip.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
