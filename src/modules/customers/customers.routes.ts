import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DateTime, errors, Strict } from '../../platform/http/schemas.ts';
import type { CustomersService } from './customers.service.ts';
import { clearedSessionCookie, customerOf, makeCustomerGuard, requestMeta, sessionCookie } from './customers.auth.ts';
import {
  ChallengeOut, idPattern, LoginBody, MeOut, ProfileBody, SecurityOut, SessionOut, SignupBody, VerifyBody, VerifyOut, WebAuthnResponse,
} from './customers.schema.ts';

const ChallengeParam = Type.Object({ challengeId: Type.String({ pattern: idPattern('chl') }) });
const AnyObject = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true });
const Password = Type.String({ minLength: 1, maxLength: 200 });
const Ended = Type.Object({ otherSessionsEnded: Type.Integer() });
const auth = { security: [{ bearer: [] }] };

/**
 * Customers' authentication (`/v1/auth/*`) and their own account (`/v1/me/*`). Errors are the platform's
 * `{ error: { code, message } }`: 401 unauthorized/invalid_code, 403 step_up_required (details.challengeUrl)
 * or blocked, 423 account_locked, 429 rate_limited.
 */
export function customersRoutes(customers: CustomersService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const guard = makeCustomerGuard(customers);
    const me = guard.requireCustomer;
    const setCookie = (reply: { header(k: string, v: string): unknown }, token: string) =>
      reply.header('set-cookie', sessionCookie(token, customers.sessionTtlSeconds, customers.secureCookies));

    // ---------- /v1/auth ----------
    app.post('/v1/auth/signup', {
      schema: {
        tags: ['customers'], summary: 'Sign up: a code is texted to the phone; verify it at /v1/auth/challenges/:challengeId/verify',
        body: SignupBody,
        response: { 201: Type.Object({ customerId: Type.String(), challengeId: Type.String(), methods: ChallengeOut.properties.methods, expiresAt: DateTime, smsSentTo: Type.Optional(Type.String()) }), ...errors(400, 409, 429) },
      },
    }, async (req, reply) => reply.status(201).send(await customers.signup(req.body, requestMeta(req))));

    app.post('/v1/auth/login', {
      schema: {
        tags: ['customers'], summary: 'Login step 1: password → a second-factor challenge (an unknown login and a wrong password answer the same)',
        body: LoginBody,
        response: { 200: ChallengeOut, ...errors(400, 401, 403, 423, 429) },
      },
    }, async (req) => customers.login(req.body, requestMeta(req)));

    app.post('/v1/auth/challenges/:challengeId/verify', {
      preHandler: guard.optionalCustomer,
      schema: {
        tags: ['customers'],
        summary: 'Login step 2 (also sign-up, step-up, phone change): { code } | { method, code } | { method: "passkey", response } → { token } (and the session cookie)',
        params: ChallengeParam, body: VerifyBody,
        response: { 200: VerifyOut, ...errors(400, 401, 403, 409, 423, 429) },
      },
    }, async (req, reply) => {
      const r = await customers.verify(req.params.challengeId, req.body, requestMeta(req), req.customer ?? null);
      if (r.token) setCookie(reply, r.token);
      return { purpose: r.purpose, token: r.token, customerId: r.customerId, stepUpAt: r.stepUpAt };
    });

    app.post('/v1/auth/challenges/:challengeId/sms', {
      preHandler: guard.optionalCustomer,
      schema: {
        tags: ['customers'], summary: 'Text a (new) code for this challenge (at most 3, 30 s apart)',
        params: ChallengeParam,
        response: { 200: Type.Object({ smsSentTo: Type.String(), codeExpiresAt: DateTime }), ...errors(400, 401, 429) },
      },
    }, async (req) => customers.sendSms(req.params.challengeId, requestMeta(req), req.customer ?? null));

    app.post('/v1/auth/challenges/:challengeId/passkey', {
      preHandler: guard.optionalCustomer,
      schema: {
        tags: ['customers'], summary: 'WebAuthn request options for this challenge (pass them to startAuthentication)',
        params: ChallengeParam,
        response: { 200: AnyObject, ...errors(400, 401, 429) },
      },
    }, async (req) => (await customers.passkeyOptions(req.params.challengeId, requestMeta(req), req.customer ?? null)) as unknown as Record<string, unknown>);

    app.post('/v1/auth/logout', {
      preHandler: me,
      schema: { tags: ['customers'], ...auth, response: { 204: Type.Null(), ...errors(401) } },
    }, async (req, reply) => {
      await customers.logout(customerOf(req));
      return reply.header('set-cookie', clearedSessionCookie(customers.secureCookies)).status(204).send(null);
    });

    // ---------- /v1/me ----------
    app.get('/v1/me', { preHandler: me, schema: { tags: ['customers'], ...auth, response: { 200: MeOut, ...errors(401) } } }, async (req) => customers.me(customerOf(req)));

    app.patch('/v1/me', {
      preHandler: me,
      schema: { tags: ['customers'], summary: 'Name, address, document number (stored encrypted; null clears)', ...auth, body: ProfileBody, response: { 200: MeOut, ...errors(400, 401) } },
    }, async (req) => {
      await customers.updateProfile(customerOf(req), req.body);
      return customers.me(customerOf(req));
    });

    app.get('/v1/me/sessions', {
      preHandler: me,
      schema: { tags: ['customers'], ...auth, response: { 200: Type.Object({ data: Type.Array(SessionOut) }), ...errors(401) } },
    }, async (req) => ({ data: await customers.listSessions(customerOf(req)) }));

    app.delete('/v1/me/sessions/:id', {
      preHandler: me,
      schema: { tags: ['customers'], ...auth, params: Type.Object({ id: Type.String({ pattern: idPattern('cse') }) }), response: { 204: Type.Null(), ...errors(400, 401, 404) } },
    }, async (req, reply) => {
      await customers.revokeSession(customerOf(req), req.params.id, requestMeta(req));
      if (req.params.id === customerOf(req).sessionId) reply.header('set-cookie', clearedSessionCookie(customers.secureCookies));
      return reply.status(204).send(null);
    });

    app.post('/v1/me/step-up', {
      preHandler: me,
      schema: {
        tags: ['customers'], summary: 'Start a step-up challenge (verify it at /v1/auth/challenges/:challengeId/verify with this session)', ...auth,
        response: { 200: ChallengeOut, ...errors(400, 401) },
      },
    }, async (req) => customers.startStepUp(customerOf(req), requestMeta(req)));

    app.post('/v1/me/password', {
      preHandler: me,
      schema: {
        tags: ['customers'], summary: 'Change the password (step-up; ends every other session)', ...auth,
        body: Strict({ currentPassword: Password, newPassword: Password }),
        response: { 200: Ended, ...errors(400, 401, 403, 423) },
      },
    }, async (req) => customers.changePassword(customerOf(req), req.body, requestMeta(req)));

    app.put('/v1/me/email', {
      preHandler: me,
      schema: {
        tags: ['customers'], summary: 'Change the e-mail address (step-up)', ...auth,
        body: Strict({ email: Type.String({ minLength: 3, maxLength: 254 }) }),
        response: { 200: Type.Object({ email: Type.String(), otherSessionsEnded: Type.Integer() }), ...errors(400, 401, 403, 409) },
      },
    }, async (req) => customers.changeEmail(customerOf(req), req.body));

    app.post('/v1/me/phone', {
      preHandler: me,
      schema: {
        tags: ['customers'], summary: 'Change the phone (step-up): a code goes to the new number; verify it with this session', ...auth,
        body: Strict({ phone: Type.String({ minLength: 6, maxLength: 32 }) }),
        response: { 200: ChallengeOut, ...errors(400, 401, 403, 409, 429) },
      },
    }, async (req) => customers.startPhoneChange(customerOf(req), req.body, requestMeta(req)));

    // ---------- /v1/me/security ----------
    app.get('/v1/me/security', {
      preHandler: me, schema: { tags: ['customers'], ...auth, response: { 200: SecurityOut, ...errors(401) } },
    }, async (req) => customers.securityOverview(customerOf(req)));

    app.post('/v1/me/security/totp', {
      preHandler: me,
      schema: {
        tags: ['customers'], summary: 'Enrol an authenticator app (step-up): secret, otpauth URI and QR code; confirm with a first code', ...auth,
        response: { 200: Type.Object({ secret: Type.String(), otpauthUri: Type.String(), qrDataUrl: Type.String() }), ...errors(401, 403) },
      },
    }, async (req) => customers.totpEnrol(customerOf(req)));

    app.post('/v1/me/security/totp/confirm', {
      preHandler: me,
      schema: {
        tags: ['customers'], summary: 'Confirm the authenticator with a first valid code (ends every other session)', ...auth,
        body: Strict({ code: Type.String({ minLength: 1, maxLength: 16 }) }),
        response: { 200: Type.Object({ enabled: Type.Boolean(), otherSessionsEnded: Type.Integer() }), ...errors(400, 401, 403, 409) },
      },
    }, async (req) => customers.totpConfirm(customerOf(req), req.body.code));

    app.delete('/v1/me/security/totp', {
      preHandler: me, schema: { tags: ['customers'], summary: 'Remove the authenticator app (step-up)', ...auth, response: { 200: Ended, ...errors(401, 403) } },
    }, async (req) => customers.totpRemove(customerOf(req)));

    app.post('/v1/me/security/passkeys/options', {
      preHandler: me,
      schema: {
        tags: ['customers'], summary: 'WebAuthn registration options (step-up); pass options to startRegistration', ...auth,
        response: { 200: Type.Object({ challengeId: Type.String(), options: AnyObject }), ...errors(401, 403) },
      },
    }, async (req) => {
      const r = await customers.passkeyRegistrationOptions(customerOf(req), requestMeta(req));
      return { challengeId: r.challengeId, options: r.options as unknown as Record<string, unknown> };
    });

    app.post('/v1/me/security/passkeys', {
      preHandler: me,
      schema: {
        tags: ['customers'], summary: 'Register the passkey (step-up; ends every other session)', ...auth,
        body: Strict({ challengeId: Type.String({ pattern: idPattern('chl') }), response: WebAuthnResponse, name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })) }),
        response: { 201: Type.Object({ id: Type.String(), name: Type.String(), createdAt: DateTime, lastUsedAt: Type.Union([DateTime, Type.Null()]) }), ...errors(400, 401, 403, 409) },
      },
    }, async (req, reply) => reply.status(201).send(await customers.passkeyRegister(customerOf(req), req.body, requestMeta(req))));

    app.delete('/v1/me/security/passkeys/:id', {
      preHandler: me,
      schema: { tags: ['customers'], ...auth, params: Type.Object({ id: Type.String({ pattern: idPattern('pkc') }) }), response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } },
    }, async (req, reply) => {
      await customers.passkeyRemove(customerOf(req), req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    });

    app.post('/v1/me/security/recovery-codes', {
      preHandler: me,
      schema: {
        tags: ['customers'], summary: '10 new recovery codes, shown once (step-up; the old ones stop working)', ...auth,
        response: { 201: Type.Object({ codes: Type.Array(Type.String()), otherSessionsEnded: Type.Integer() }), ...errors(401, 403) },
      },
    }, async (req, reply) => reply.status(201).send(await customers.newRecoveryCodes(customerOf(req))));

    app.get('/v1/me/security/recovery-codes', {
      preHandler: me, schema: { tags: ['customers'], ...auth, response: { 200: Type.Object({ remaining: Type.Integer() }), ...errors(401) } },
    }, async (req) => ({ remaining: (await customers.securityOverview(customerOf(req))).recoveryCodesLeft }));
  };
}
