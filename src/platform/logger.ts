import pino from 'pino';

export type Logger = pino.Logger;

/** Structured logs. Secrets and personal data are redacted by path; never log raw bodies of payment requests. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'req.headers["sandbox-signature"]', 'req.headers["stripe-signature"]',
        '*.password', '*.token', '*.clientSecret', '*.email', '*.phone', '*.code', 'password', 'token', 'clientSecret', 'email',
      ],
      censor: '[redacted]',
    },
  });
}
