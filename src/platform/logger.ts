import pino from 'pino';

export type Logger = pino.Logger;

/** Query values can carry personal data (a console search by e-mail or phone): logged URLs keep only the keys. */
export function logUrl(url: string | undefined): string | undefined {
  const q = url?.indexOf('?') ?? -1;
  if (!url || q < 0) return url;
  const keys = url.slice(q + 1).split('&').filter(Boolean).map((kv) => `${kv.split('=')[0]}=…`);
  return `${url.slice(0, q)}?${keys.join('&')}`;
}

/**
 * Structured logs. Secrets and personal data are redacted by path; never log raw bodies of payment requests.
 * `destination` is for tests that read what was logged.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'req.headers["sandbox-signature"]', 'req.headers["stripe-signature"]',
        '*.password', '*.token', '*.clientSecret', '*.email', '*.phone', '*.code', 'password', 'token', 'clientSecret', 'email',
        '*.currentPassword', '*.newPassword', '*.login', '*.otpauthUri', '*.secret', '*.codes', 'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      // Fastify's request serializer, with the query values left out
      req: (req: { method?: string; url?: string; host?: string; ip?: string; headers?: Record<string, unknown>; socket?: { remotePort?: number } }) => ({
        method: req.method, url: logUrl(req.url), version: req.headers?.['accept-version'], host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort,
      }),
    },
  }, destination);
}
