// Test helpers for the customers module: a real Tollgate on a free port (own logger and clock control), the
// SMS outbox as the customer's phone, a software WebAuthn authenticator, TOTP codes. Not used by production code.
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { generate as totpGenerate } from 'otplib';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import { buildApp, type Tollgate } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../platform/clock.ts';
import type { SecuritySignal } from '../../platform/security.ts';
import { adminLogin, assertBooksBalance, freePort, httpClient } from '../../../test/support/app.ts';
import { testDb } from '../../../test/support/db.ts';

export interface Res { status: number; body: any; headers: Headers }

export interface CustomersTestApp {
  tg: Tollgate;
  url: string;
  adminToken: string;
  /** Security signals the customers module reported. */
  signals: SecuritySignal[];
  request(method: string, path: string, opts?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<Res>;
  /** The newest code texted to `phone` that was not read before (waits for the sms.send job). */
  smsCode(phone: string, timeoutMs?: number): Promise<string>;
  /** Moves the app's clock forward (the customers module decides expiry and lockouts with it). */
  advance(ms: number): void;
  now(): Date;
  /** Signs up, verifies the texted code; returns the session token. */
  signup(c: { email: string; phone: string; password: string }): Promise<{ customerId: string; token: string }>;
  /** Password + texted code (for customers whose only factor is SMS); `phone` is where the code goes. */
  loginSms(login: string, password: string, phone: string): Promise<string>;
  close(): Promise<void>;
}

/** Moves a clock forward by replacing its now(); restore() puts the original back. */
export function controlClock(clock: Clock) {
  const base = clock.now.bind(clock);
  let offset = 0;
  clock.now = () => new Date(base().getTime() + offset);
  return { advance: (ms: number) => { offset += ms; }, restore: () => { clock.now = base; } };
}

export async function startCustomersApp(env: Record<string, string> = {}, opts: { logger?: Logger } = {}): Promise<CustomersTestApp> {
  const port = await freePort();
  const db = await testDb();
  const config = loadConfig({
    PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', ADMIN_EMAIL: 'admin@test.local', ADMIN_PASSWORD: 'admin-password-1',
    RATE_LIMIT_PER_MINUTE: '100000', RISK: 'false', DEMO_SEED: 'false', ...env,
  });
  const tg = await buildApp(config, { db, logger: opts.logger });
  await tg.app.listen({ port, host: '127.0.0.1' });
  tg.startBackground();
  const url = `http://127.0.0.1:${port}`;
  const clock = controlClock(tg.ctx.clock);
  const signals: SecuritySignal[] = [];
  tg.services.customers.setSecuritySink({ record: (s) => { signals.push(s); } });

  const request: CustomersTestApp['request'] = httpClient(url);
  const adminToken = await adminLogin(request);

  const seen = new Set<string>();
  const t: CustomersTestApp = {
    tg, url, adminToken, signals, request,
    async smsCode(phone, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const r = await request('GET', '/v1/admin/sms-outbox?limit=200', { token: adminToken });
        if (r.status !== 200) throw new Error(`sms outbox: ${r.status} ${JSON.stringify(r.body)}`);
        const m = (r.body.data as Array<{ id: string; to: string; body: string }>).find((x) => x.to === phone && !seen.has(x.id));
        if (m) {
          seen.add(m.id);
          const code = /\b(\d{6})\b/.exec(m.body);
          if (!code) throw new Error('no code in the text');
          return code[1];
        }
        await new Promise((r2) => setTimeout(r2, 50));
      }
      throw new Error(`no SMS to ${phone} within ${timeoutMs} ms`);
    },
    advance: clock.advance,
    now: () => tg.ctx.clock.now(),
    async signup(c) {
      const s = await request('POST', '/v1/auth/signup', { body: c });
      if (s.status !== 201) throw new Error(`signup: ${s.status} ${JSON.stringify(s.body)}`);
      const code = await t.smsCode(c.phone);
      const v = await request('POST', `/v1/auth/challenges/${s.body.challengeId}/verify`, { body: { code } });
      if (v.status !== 200) throw new Error(`signup verify: ${v.status} ${JSON.stringify(v.body)}`);
      return { customerId: s.body.customerId, token: v.body.token };
    },
    async loginSms(loginName, password, phone) {
      const l = await request('POST', '/v1/auth/login', { body: { login: loginName, password } });
      if (l.status !== 200) throw new Error(`login: ${l.status} ${JSON.stringify(l.body)}`);
      const code = await t.smsCode(phone);
      const v = await request('POST', `/v1/auth/challenges/${l.body.challengeId}/verify`, { body: { code } });
      if (v.status !== 200) throw new Error(`login verify: ${v.status} ${JSON.stringify(v.body)}`);
      return v.body.token;
    },
    async close() {
      clock.restore();
      await tg.close();
      try {
        await assertBooksBalance(tg);
      } finally {
        await db.close();
      }
    },
  };
  return t;
}

/** The current TOTP code of a secret at the app's time (+ offsetSeconds: a later time step). */
export function totpCode(secret: string, at: Date, offsetSeconds = 0): Promise<string> {
  return totpGenerate({ secret, epoch: Math.floor(at.getTime() / 1000) + offsetSeconds });
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };

/**
 * A software passkey: an EC P-256 key pair (node:crypto), attestation 'none' for registration, ES256 assertions
 * signed over authenticatorData ‖ SHA-256(clientDataJSON), with a counter that moves forward on each use.
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  counter = 0;
  constructor(readonly origin: string) {
    const kp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = kp.privateKey;
    this.publicKey = kp.publicKey;
  }
  get id(): string {
    return isoBase64URL.fromBuffer(new Uint8Array(this.credentialId));
  }
  private cosePublicKey(): Uint8Array {
    const jwk = this.publicKey.export({ format: 'jwk' });
    const x = new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
    const y = new Uint8Array(Buffer.from(jwk.y!, 'base64url'));
    return isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, x], [-3, y]]));
  }
  /** navigator.credentials.create() for these registration options. */
  register(options: { challenge: string; rp: { id?: string } }) {
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: this.origin, crossOrigin: false }));
    const authData = Buffer.concat([
      sha256(options.rp.id!), Buffer.from([0x01 | 0x04 | 0x40]), u32(this.counter),
      Buffer.alloc(16), u16(this.credentialId.length), this.credentialId, Buffer.from(this.cosePublicKey()),
    ]);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', new Uint8Array(authData)]]) as never);
    return {
      id: this.id, rawId: this.id, type: 'public-key' as const,
      response: { clientDataJSON: clientDataJSON.toString('base64url'), attestationObject: Buffer.from(attestationObject).toString('base64url'), transports: ['internal'] },
      clientExtensionResults: {},
    };
  }
  /** navigator.credentials.get() for these request options. */
  assert(options: { challenge: string; rpId?: string }, opts: { counter?: number } = {}) {
    this.counter = opts.counter ?? this.counter + 1;
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: this.origin, crossOrigin: false }));
    const authData = Buffer.concat([sha256(options.rpId!), Buffer.from([0x01 | 0x04]), u32(this.counter)]);
    const signer = createSign('SHA256');
    signer.update(Buffer.concat([authData, sha256(clientDataJSON)]));
    const signature = signer.sign(this.privateKey); // DER, as authenticators send it
    return {
      id: this.id, rawId: this.id, type: 'public-key' as const,
      response: { clientDataJSON: clientDataJSON.toString('base64url'), authenticatorData: authData.toString('base64url'), signature: signature.toString('base64url') },
      clientExtensionResults: {},
    };
  }
}
