import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

/** The problems a ConfigError lists, or [] when the environment was accepted. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/chambers');
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

function rejected(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/chambers');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadConfig', () => {
  it('should serve http://127.0.0.1:3000 with everything in ./data when nothing is configured', () => {
    const c = loadConfig({}, '/srv/chambers');
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      dataDir: path.resolve('/srv/chambers', 'data'),
      databaseUrl: undefined,
      databaseAppUrl: undefined,
      masterKey: undefined,
      corsOrigins: [],
      trustProxy: false,
      bodyLimit: 15 * 1024 * 1024,
      tls: undefined,
      logLevel: 'info',
      smtpUrl: undefined,
      rateLimits: { authPerMinute: 60, registerPerHour: 5, forgotPerHour: 5, verifyPerHour: 15 },
    });
  });

  it('should treat empty variables as unset', () => {
    const empty = Object.fromEntries(
      [
        'HOST',
        'PORT',
        'PUBLIC_URL',
        'CHAMBERS_DATA_DIR',
        'DATABASE_URL',
        'CHAMBERS_MASTER_KEY',
        'CORS_ORIGINS',
        'TRUST_PROXY',
        'BODY_LIMIT',
        'LOG_LEVEL',
        'SMTP_URL',
        'RATE_LIMIT_AUTH_PER_MINUTE',
      ].map((k) => [k, '']),
    );
    expect(loadConfig(empty, '/srv/chambers')).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      bodyLimit: 15 * 1024 * 1024,
      logLevel: 'info',
    });
  });

  describe('HOST and PORT', () => {
    it('should accept a host and a port in range', () => {
      const c = loadConfig({ HOST: '0.0.0.0', PORT: '8443' });
      expect(c.host).toBe('0.0.0.0');
      expect(c.port).toBe(8443);
      expect(c.publicUrl).toBe('http://localhost:8443');
      expect(loadConfig({ PORT: '1' }).port).toBe(1);
      expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    });

    it('should bracket an IPv6 host in the default public URL', () => {
      expect(loadConfig({ HOST: '::1', PORT: '4000' }).publicUrl).toBe('http://[::1]:4000');
    });

    it.each(['abc', '0', '65536', '-1', '80.5', '3000x', ' 80'])(
      'should refuse PORT=%j with a message a person understands',
      (raw) => {
        expect(problemsOf({ PORT: raw })).toEqual([`PORT must be an integer 1-65535, got "${raw}"`]);
      },
    );
  });

  describe('PUBLIC_URL', () => {
    it('should accept an https URL and drop a trailing slash', () => {
      expect(loadConfig({ PUBLIC_URL: 'https://chambers.example.com/' }).publicUrl).toBe(
        'https://chambers.example.com',
      );
    });

    it.each(['chambers.example.com', 'ftp://chambers.example.com', 'javascript:alert(1)'])(
      'should refuse PUBLIC_URL=%j',
      (raw) => {
        expect(problemsOf({ PUBLIC_URL: raw })).toEqual([`PUBLIC_URL must be a http: or https: URL, got "${raw}"`]);
      },
    );
  });

  describe('CHAMBERS_DATA_DIR', () => {
    it('should resolve a relative data directory against the working directory', () => {
      expect(loadConfig({ CHAMBERS_DATA_DIR: 'var/chambers' }, '/srv').dataDir).toBe(path.resolve('/srv/var/chambers'));
      expect(loadConfig({ CHAMBERS_DATA_DIR: '/data/chambers' }, '/srv').dataDir).toBe('/data/chambers');
    });
  });

  describe('DATABASE_URL and DATABASE_APP_URL', () => {
    it('should accept postgres:// and postgresql:// URLs', () => {
      const c = loadConfig({
        DATABASE_URL: 'postgres://owner:pw@db:5432/chambers',
        DATABASE_APP_URL: 'postgresql://app:pw@db/chambers',
      });
      expect(c.databaseUrl).toBe('postgres://owner:pw@db:5432/chambers');
      expect(c.databaseAppUrl).toBe('postgresql://app:pw@db/chambers');
    });

    it('should refuse a URL that is not PostgreSQL', () => {
      expect(problemsOf({ DATABASE_URL: 'mysql://db/chambers' })).toEqual([
        'DATABASE_URL must be a postgres: or postgresql: URL, got "mysql://db/chambers"',
      ]);
      expect(problemsOf({ DATABASE_URL: 'postgres://db/chambers', DATABASE_APP_URL: 'not a url' })).toEqual([
        'DATABASE_APP_URL must be a postgres: or postgresql: URL, got "not a url"',
      ]);
    });

    it('should never print a password given without a user name', () => {
      expect(rejected({ DATABASE_URL: 'postgres://:Hunter2-s3cret@db:x/chambers' }).message).not.toContain('Hunter2');
    });

    it('should refuse DATABASE_APP_URL without DATABASE_URL, since migrations need the owner login', () => {
      expect(problemsOf({ DATABASE_APP_URL: 'postgres://app@db/chambers' })).toEqual([
        'DATABASE_APP_URL needs DATABASE_URL too (migrations run over DATABASE_URL)',
      ]);
    });

    it.each([
      ['a wrong scheme', 'mysql://chambers:Hunter2-s3cret@db/chambers'],
      ['a bad port', 'postgres://chambers:Hunter2-s3cret@db:notaport/chambers'],
      ['a space in the host', 'postgres://chambers:Hunter2-s3cret@data base/chambers'],
      ['a slash in the password', 'postgres://chambers:Hunter2/s3cret@db:x/chambers'],
      ['an @ in the password', 'postgres://chambers:Hunter2@s3cret@db:x/chambers'],
    ])('should never print the password of a DATABASE_URL with %s', (_what, raw) => {
      for (const name of ['DATABASE_URL', 'DATABASE_APP_URL']) {
        const err = rejected({ DATABASE_URL: 'postgres://db/chambers', [name]: raw });
        expect(err.message).toContain(name);
        expect(err.message).not.toContain('Hunter2');
        expect(err.message).not.toContain('s3cret');
        expect(err.message).toContain('chambers:***@');
      }
    });
  });

  describe('CHAMBERS_MASTER_KEY', () => {
    it('should accept 32 random bytes in base64', () => {
      const key = crypto.randomBytes(32);
      expect(loadConfig({ CHAMBERS_MASTER_KEY: key.toString('base64') }).masterKey?.equals(key)).toBe(true);
    });

    it.each([
      ['too short', crypto.randomBytes(16).toString('base64')],
      ['too long', crypto.randomBytes(33).toString('base64')],
      ['not base64', 'this is not a key at all, this is a sentence'],
      ['hex', crypto.randomBytes(32).toString('hex')],
    ])('should refuse a master key that is %s, without echoing it', (_what, raw) => {
      const err = rejected({ CHAMBERS_MASTER_KEY: raw });
      expect(err.problems).toEqual([
        'CHAMBERS_MASTER_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
      ]);
      expect(err.message).not.toContain(raw);
    });
  });

  describe('CORS_ORIGINS', () => {
    it('should accept a comma-separated list of origins', () => {
      expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsOrigins).toEqual([
        'https://app.example.com',
        'http://localhost:5173',
      ]);
    });

    it.each([
      '*',
      'https://app.example.com/',
      'https://app.example.com/path',
      'app.example.com',
      'ftp://files.example.com',
    ])('should refuse %j, which is not an exact origin', (raw) => {
      expect(problemsOf({ CORS_ORIGINS: raw })).toEqual([
        `CORS_ORIGINS must be a comma-separated list of origins like https://app.example.com, got "${raw}"`,
      ]);
    });
  });

  describe('TRUST_PROXY', () => {
    it('should trust nobody by default and with false', () => {
      expect(loadConfig({}).trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    });

    it('should accept proxy addresses, CIDRs and the named ranges', () => {
      expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16,::1,fd00::/8,loopback' }).trustProxy).toEqual([
        '10.0.0.1',
        '10.1.0.0/16',
        '::1',
        'fd00::/8',
        'loopback',
      ]);
    });

    it.each(['true', '*', 'proxy.example.com', '10.0.0.1,everyone'])('should refuse TRUST_PROXY=%j', (raw) => {
      const bad = raw.split(',').at(-1);
      expect(problemsOf({ TRUST_PROXY: raw })).toEqual([
        `TRUST_PROXY must be a comma-separated list of proxy IPs or CIDRs, got "${bad}"`,
      ]);
    });
  });

  describe('BODY_LIMIT', () => {
    it.each([
      ['1048576', 1048576],
      ['512b', 512],
      ['64kb', 64 * 1024],
      ['15mb', 15 * 1024 * 1024],
      ['2GB', 2 * 1024 ** 3],
      ['10 mb', 10 * 1024 * 1024],
    ])('should read BODY_LIMIT=%j as %i bytes', (raw, n) => {
      expect(loadConfig({ BODY_LIMIT: raw }).bodyLimit).toBe(n);
    });

    it.each(['lots', '15 megabytes', '-1', '1.5mb'])('should refuse BODY_LIMIT=%j', (raw) => {
      expect(problemsOf({ BODY_LIMIT: raw })).toEqual([
        `BODY_LIMIT must be a size such as 15mb or 1048576, got "${raw}"`,
      ]);
    });
  });

  describe('TLS_CERT_FILE and TLS_KEY_FILE', () => {
    it('should serve HTTPS when both are set, and say so in the default public URL', () => {
      const c = loadConfig({ TLS_CERT_FILE: '/etc/tls/cert.pem', TLS_KEY_FILE: '/etc/tls/key.pem', PORT: '8443' });
      expect(c.tls).toEqual({ certFile: '/etc/tls/cert.pem', keyFile: '/etc/tls/key.pem' });
      expect(c.publicUrl).toBe('https://127.0.0.1:8443');
    });

    it.each<Record<string, string>>([{ TLS_CERT_FILE: '/etc/tls/cert.pem' }, { TLS_KEY_FILE: '/etc/tls/key.pem' }])(
      'should refuse one without the other: %j',
      (env) => {
        expect(problemsOf(env)).toEqual([
          'TLS_CERT_FILE and TLS_KEY_FILE must be set together (HTTPS needs both the certificate and its key)',
        ]);
      },
    );
  });

  describe('LOG_LEVEL', () => {
    it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('should accept %s', (level) => {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
    });

    it('should refuse an unknown level and list the known ones', () => {
      expect(problemsOf({ LOG_LEVEL: 'verbose' })).toEqual([
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
      ]);
    });
  });

  describe('SMTP_URL', () => {
    it('should accept smtp:// and smtps:// URLs', () => {
      expect(loadConfig({ SMTP_URL: 'smtps://mailer:pw@mail.example.com:465' }).smtpUrl).toBe(
        'smtps://mailer:pw@mail.example.com:465',
      );
      expect(loadConfig({ SMTP_URL: 'smtp://localhost:2525' }).smtpUrl).toBe('smtp://localhost:2525');
    });

    it('should refuse another scheme without printing the password', () => {
      const err = rejected({ SMTP_URL: 'https://mailer:Mail-s3cret@mail.example.com' });
      expect(err.problems).toEqual([
        'SMTP_URL must be a smtp: or smtps: URL, got "https://mailer:***@mail.example.com"',
      ]);
      expect(err.message).not.toContain('Mail-s3cret');
    });
  });

  describe('REDIS_URL, METRICS_TOKEN, HTTP_REDIRECT_PORT', () => {
    it('should read a Redis URL with the default key prefix, and refuse other schemes', () => {
      expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
        url: 'redis://127.0.0.1:6379',
        keyPrefix: 'chambers:rl:',
      });
      expect(loadConfig({}).redis).toBeUndefined();
      expect(problemsOf({ REDIS_URL: 'http://127.0.0.1:6379' })).toEqual([
        'REDIS_URL must be a redis: or rediss: URL, got "http://127.0.0.1:6379"',
      ]);
    });

    it('should refuse a short metrics token', () => {
      expect(problemsOf({ METRICS_TOKEN: 'short' })).toEqual([
        'METRICS_TOKEN must be at least 24 characters (e.g. `openssl rand -hex 32`)',
      ]);
    });

    it('should refuse a redirect port without TLS or with a plain-http PUBLIC_URL', () => {
      expect(problemsOf({ HTTP_REDIRECT_PORT: '8080' })).toEqual([
        'HTTP_REDIRECT_PORT needs TLS_CERT_FILE and TLS_KEY_FILE (it redirects plain HTTP to the HTTPS listener)',
      ]);
      expect(
        problemsOf({
          HTTP_REDIRECT_PORT: '8080',
          TLS_CERT_FILE: 'c',
          TLS_KEY_FILE: 'k',
          PUBLIC_URL: 'http://example.com',
        }),
      ).toEqual(['HTTP_REDIRECT_PORT needs an https PUBLIC_URL (the redirect target)']);
    });
  });

  describe('RATE_LIMIT_*', () => {
    it('should read every limit', () => {
      const c = loadConfig({
        RATE_LIMIT_AUTH_PER_MINUTE: '10',
        RATE_LIMIT_REGISTER_PER_HOUR: '2',
        RATE_LIMIT_FORGOT_PER_HOUR: '3',
        RATE_LIMIT_VERIFY_PER_HOUR: '4',
        RATE_LIMIT_PUBLIC_PER_MINUTE: '5',
        RATE_LIMIT_LAWYER_PER_MINUTE: '6',
        RATE_LIMIT_JUDICIAL_PER_MINUTE: '7',
        RATE_LIMIT_ADMIN_PER_MINUTE: '8',
      });
      expect(c.rateLimits).toEqual({
        authPerMinute: 10,
        registerPerHour: 2,
        forgotPerHour: 3,
        verifyPerHour: 4,
        publicPerMinute: 5,
        lawyerPerMinute: 6,
        judicialPerMinute: 7,
        adminPerMinute: 8,
      });
    });

    it('should default the tiers to auth 60, public 500, lawyer 200, judicial 100, admin 30 per minute', () => {
      expect(loadConfig({}).rateLimits).toMatchObject({
        authPerMinute: 60,
        publicPerMinute: 500,
        lawyerPerMinute: 200,
        judicialPerMinute: 100,
        adminPerMinute: 120,
      });
    });

    it.each([
      'RATE_LIMIT_AUTH_PER_MINUTE',
      'RATE_LIMIT_REGISTER_PER_HOUR',
      'RATE_LIMIT_FORGOT_PER_HOUR',
      'RATE_LIMIT_VERIFY_PER_HOUR',
      'RATE_LIMIT_PUBLIC_PER_MINUTE',
      'RATE_LIMIT_LAWYER_PER_MINUTE',
      'RATE_LIMIT_JUDICIAL_PER_MINUTE',
      'RATE_LIMIT_ADMIN_PER_MINUTE',
    ])('should refuse zero, negative and non-integer values of %s', (name) => {
      for (const raw of ['0', '-5', '2.5', 'many']) {
        expect(problemsOf({ [name]: raw })).toEqual([`${name} must be a whole number of at least 1, got "${raw}"`]);
      }
    });
  });

  it('should list every problem at once, not only the first', () => {
    const err = rejected({
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      BODY_LIMIT: 'huge',
      CORS_ORIGINS: '*',
      RATE_LIMIT_AUTH_PER_MINUTE: '0',
    });
    expect(err.problems).toHaveLength(5);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        'PORT must be an integer 1-65535, got "abc"',
        expect.stringContaining('LOG_LEVEL must be one of'),
        expect.stringContaining('BODY_LIMIT must be a size'),
        expect.stringContaining('CORS_ORIGINS must be'),
        expect.stringContaining('RATE_LIMIT_AUTH_PER_MINUTE must be'),
      ]),
    );
    expect(err.message).toBe(`Invalid configuration:\n${err.problems.map((p) => `  - ${p}`).join('\n')}`);
  });

  describe('SSRF_ALLOW_HOSTS', () => {
    it('should allow nothing by default, and read a lower-cased list of names', () => {
      expect(loadConfig({}, '/srv/chambers').ssrfAllowHosts).toEqual([]);
      expect(loadConfig({ SSRF_ALLOW_HOSTS: 'LocalHost, hooks.test ,::1' }, '/srv/chambers').ssrfAllowHosts).toEqual([
        'localhost',
        'hooks.test',
        '::1',
      ]);
    });

    it('should refuse something that is not a host name', () => {
      expect(problemsOf({ SSRF_ALLOW_HOSTS: 'localhost,http://evil.example/' })).toEqual([
        'SSRF_ALLOW_HOSTS must be a comma-separated list of host names, got "http://evil.example/"',
      ]);
      expect(problemsOf({ SSRF_ALLOW_HOSTS: '*' })).toHaveLength(1);
    });
  });

  it('should list the cross-variable problems together', () => {
    expect(problemsOf({ TLS_CERT_FILE: '/c.pem', DATABASE_APP_URL: 'postgres://app@db/x' })).toHaveLength(2);
  });
});
