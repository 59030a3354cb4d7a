/**
 * Name pools for synthetic clinics: several cultures, with their accents and particles, so the
 * search is exercised by what clinics really type (and mistype). Invented combinations; no real people.
 */
export const GIVEN_NAMES: readonly string[] = [
  // Spanish, Portuguese, Catalan
  'María', 'José', 'Lucía', 'Sofía', 'Martín', 'Inés', 'Joaquín', 'Núria', 'João', 'Conceição', 'Ângela', 'Raúl', 'Begoña', 'Iñaki',
  // French, Belgian
  'Zoë', 'Chloé', 'François', 'Hélène', 'Noël', 'Maëlle', 'Léa', 'Jérôme', 'Anaïs', 'Benoît',
  // German, Austrian, Swiss, Dutch
  'Jürgen', 'Jörg', 'Anneliese', 'Lukas', 'Maximilian', 'Fenna', 'Sjoerd', 'Käthe', 'Björn', 'Ute',
  // Nordic
  'Søren', 'Åsa', 'Ingrid', 'Linnéa', 'Ólafur', 'Sigríður', 'Mikael', 'Eero', 'Aino', 'Jyrki',
  // Polish, Czech, Hungarian, Croatian
  'Łukasz', 'Małgorzata', 'Wojciech', 'Zofia', 'Jiří', 'Bořivoj', 'Kateřina', 'Zsófia', 'Gábor', 'Dražen',
  // Turkish, Greek, Arabic (latinised)
  'Ayşe', 'Çağrı', 'Gökhan', 'Şule', 'Eleni', 'Dimitrios', 'Fatima', 'Omar', 'Layla', 'Youssef',
  // South and East Asian (latinised)
  'Aarav', 'Priya', 'Ananya', 'Rohan', 'Mei', 'Wei', 'Hiroshi', 'Yuki', 'Minh', 'Thảo', 'Ji-woo', 'Seo-yeon',
  // Irish, English, African
  'Siobhán', 'Aoife', 'Seán', 'Oliver', 'Amelia', 'Chidi', 'Ngozi', 'Kwame', 'Amara', 'Thandiwe',
];

export const FAMILY_NAMES: readonly string[] = [
  'García', 'Fernández', 'González', 'Nuñez', 'Peña', 'Gonçalves', 'Magalhães', 'Conceição', 'Ibáñez', 'Muñoz',
  'Lefèvre', 'Dubois', 'Gérard', 'Bélanger', 'Lemaître', 'Fontaine', 'Château',
  'Müller', 'Schäfer', 'Groß', 'Köhler', 'Weiß', 'Jäger', 'van der Berg', 'de Vries', 'Österreicher',
  'Søndergaard', 'Åkesson', 'Øverland', 'Lindqvist', 'Þórsdóttir', 'Virtanen', 'Mäkinen',
  'Wójcik', 'Zieliński', 'Łukaszewicz', 'Dvořák', 'Novák', 'Szőke', 'Horváth', 'Kovačević',
  'Çelik', 'Şahin', 'Öztürk', 'Papadopoulos', 'Konstantinou', 'Al-Sayed', 'El-Amin', 'Haddad',
  'Patel', 'Sharma', 'Iyer', 'Nguyễn', 'Trần', 'Phạm', 'Zhang', 'Wang', 'Yamamoto', 'Takahashi', 'Kim', 'Park',
  "O'Brien", "O'Connor", 'Mac Giolla', 'Okafor', 'Mensah', 'Dlamini', 'Smith', 'Johnson', 'Martinez-Lopez',
];

export const CITIES: readonly [string, string][] = [
  ['Zürich', 'CH'], ['München', 'DE'], ['Lyon', 'FR'], ['Sevilla', 'ES'], ['Porto', 'PT'], ['Kraków', 'PL'],
  ['Malmö', 'SE'], ['Aarhus', 'DK'], ['Brno', 'CZ'], ['İzmir', 'TR'], ['Dublin', 'IE'], ['Leeds', 'GB'],
];
