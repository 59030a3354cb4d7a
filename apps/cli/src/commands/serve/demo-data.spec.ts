import { demoDataWanted } from './demo-data';

describe('demo data of npm start', () => {
  const dev = { production: false };
  it('is seeded on the embedded default only', () => {
    expect(demoDataWanted({ embedded: true, config: dev }, {})).toBe(true);
    expect(demoDataWanted({ embedded: false, config: dev }, {})).toBe(false); // DATABASE_URL set, NODE_ENV unset
    expect(demoDataWanted({ embedded: true, config: { production: true } }, {})).toBe(false);
    expect(demoDataWanted({ embedded: true, config: dev }, { DEMO_DATA: 'off' })).toBe(false);
  });
});
