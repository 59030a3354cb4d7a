import { loadAccessConfig } from './access.config';

describe('access configuration', () => {
  it('defaults: 5-minute tokens, 15-minute idle, 12-hour absolute, lock-out well below 100', () => {
    const c = loadAccessConfig({}, '/data');
    expect(c.accessTokenSeconds).toBe(300);
    expect(c.idleTimeoutSeconds).toBe(900);
    expect(c.absoluteTimeoutSeconds).toBe(43200);
    expect(c.lockoutAfterFailures).toBeLessThan(100);
    expect(c.keys.clinic).toEqual({ privateKeyFile: '/data/keys/jwt-clinic.pem', provided: false });
    expect(c.networks.backoffice).toEqual(['0.0.0.0/0', '::/0']);
    expect(c.hours.clinic).toBeUndefined();
    expect(c.oneTimePasswordSeconds).toBe(72 * 3600);
    expect(loadAccessConfig({ ONE_TIME_PASSWORD_TTL_SECONDS: '86400' }, '/data').oneTimePasswordSeconds).toBe(86400);
  });

  it('production requires key files from the environment', () => {
    expect(() => loadAccessConfig({ NODE_ENV: 'production' }, '/data')).toThrow(/JWT_CLINIC_PRIVATE_KEY_FILE/);
    const keys = { NODE_ENV: 'production', JWT_CLINIC_PRIVATE_KEY_FILE: '/run/secrets/clinic.pem', JWT_BACKOFFICE_PRIVATE_KEY_FILE: '/run/secrets/bo.pem' };
    // The back office's networks are a decision in production, not the open default.
    expect(() => loadAccessConfig(keys, '/data')).toThrow(/ACCESS_NETWORKS_BACKOFFICE/);
    const c = loadAccessConfig({ ...keys, ACCESS_NETWORKS_BACKOFFICE: '10.20.0.0/16' }, '/data');
    expect(c.keys.backoffice).toEqual({ privateKeyFile: '/run/secrets/bo.pem', provided: true });
    expect(c.networks.backoffice).toEqual(['10.20.0.0/16']);
  });

  it('refuses bad values, naming the variable', () => {
    expect(() => loadAccessConfig({ SESSION_IDLE_TIMEOUT_SECONDS: 'soon' }, '/d')).toThrow(/SESSION_IDLE_TIMEOUT_SECONDS/);
    expect(() => loadAccessConfig({ SESSION_IDLE_TIMEOUT_SECONDS: '3600', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '1800' }, '/d')).toThrow(/ABSOLUTE/);
    expect(() => loadAccessConfig({ LOGIN_LOCKOUT_AFTER_FAILURES: '100' }, '/d')).toThrow(/LOCKOUT/);
    expect(() => loadAccessConfig({ ACCESS_NETWORKS_CLINIC: '10.0.0.0/99' }, '/d')).toThrow(/ACCESS_NETWORKS_CLINIC/);
    expect(() => loadAccessConfig({ ACCESS_HOURS_BACKOFFICE: 'whenever' }, '/d')).toThrow(/ACCESS_HOURS_BACKOFFICE/);
    for (const ttl of ['60', '2592001', '3d']) expect(() => loadAccessConfig({ ONE_TIME_PASSWORD_TTL_SECONDS: ttl }, '/d')).toThrow(/ONE_TIME_PASSWORD_TTL_SECONDS/);
  });
});
