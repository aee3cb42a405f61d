import { Type, type Static } from 'typebox';
import { DateTime, StringEnum, Strict } from '../../platform/http/schemas.ts';

/** Request/response shapes of the customers module (TypeBox for routes, plain types for the service). */

export const CUSTOMER_STATUSES = ['active', 'blocked'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** Second factors. 'sms' needs a verified phone; 'recovery_code' exists while unused codes remain. */
export const METHODS = ['sms', 'totp', 'passkey', 'recovery_code'] as const;
export type Method = (typeof METHODS)[number];

export const CHALLENGE_PURPOSES = ['signup', 'login', 'step_up', 'change_phone', 'passkey_register'] as const;
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number];

/** What a fresh second factor protects (requireStepUp). */
export const STEP_UP_PURPOSES = ['payment', 'add_payee', 'change_phone', 'change_email', 'change_password', 'change_2fa'] as const;
export type StepUpPurpose = (typeof STEP_UP_PURPOSES)[number];

/** Set on the request by the customer guard (`req.customer`). */
export interface CustomerAuth {
  customerId: string;
  sessionId: string;
  /** When this session last passed a second factor (its login, or a step-up). */
  stepUpAt: Date | null;
}

export interface RequestMeta { ip: string | null; userAgent: string | null }

export const idPattern = (prefix: string) => `^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`;

// ---------- bodies ----------
const Password = Type.String({ minLength: 1, maxLength: 200 });
export const SignupBody = Strict({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  phone: Type.String({ minLength: 6, maxLength: 32 }),
  password: Password,
});
export const LoginBody = Strict({ login: Type.String({ minLength: 1, maxLength: 254 }), password: Password });

/** A WebAuthn credential response as @simplewebauthn/browser returns it (checked in depth by the verifier). */
export const WebAuthnResponse = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 1024 }),
  rawId: Type.String({ minLength: 1, maxLength: 1024 }),
  type: Type.Literal('public-key'),
  response: Type.Record(Type.String(), Type.Unknown()),
  clientExtensionResults: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
});

export const VerifyBody = Strict({
  method: Type.Optional(StringEnum(METHODS)),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  response: Type.Optional(WebAuthnResponse),
});
export type VerifyInput = Static<typeof VerifyBody>;

export const ChallengeOut = Type.Object({
  challengeId: Type.String(),
  methods: Type.Array(StringEnum(METHODS)),
  expiresAt: DateTime,
  /** Set when a code was texted (masked number). */
  smsSentTo: Type.Optional(Type.String()),
});

export const VerifyOut = Type.Object({
  purpose: StringEnum(CHALLENGE_PURPOSES),
  token: Type.Optional(Type.String()),
  customerId: Type.Optional(Type.String()),
  stepUpAt: Type.Optional(DateTime),
});

export const MeOut = Type.Object({
  id: Type.String(),
  email: Type.String(),
  phone: Type.String({ description: 'masked' }),
  phoneVerified: Type.Boolean(),
  status: StringEnum(CUSTOMER_STATUSES),
  factors: Type.Array(StringEnum(METHODS)),
  name: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  documentNumber: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
});

export const ProfileBody = Strict({
  name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
  address: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()])),
  documentNumber: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
}, { minProperties: 1 });

export const SessionOut = Type.Object({
  id: Type.String(), createdAt: DateTime, lastSeenAt: DateTime, ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]), current: Type.Boolean(),
});

export const SecurityOut = Type.Object({
  sms: Type.Boolean(),
  totp: Type.Boolean(),
  passkeys: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), createdAt: DateTime, lastUsedAt: Type.Union([DateTime, Type.Null()]) })),
  recoveryCodesLeft: Type.Integer(),
});

export const AdminCustomerOut = Type.Object({
  id: Type.String(), email: Type.String(), phone: Type.String(), phoneVerified: Type.Boolean(), status: StringEnum(CUSTOMER_STATUSES),
  externalRef: Type.Union([Type.String(), Type.Null()]), createdAt: DateTime,
});

export const AdminCustomerDetail = Type.Object({
  id: Type.String(), email: Type.String(), phone: Type.String(), phoneVerified: Type.Boolean(), status: StringEnum(CUSTOMER_STATUSES),
  externalRef: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]), createdAt: DateTime,
  factors: Type.Object({ sms: Type.Boolean(), totp: Type.Boolean(), passkeys: Type.Integer(), recoveryCodesLeft: Type.Integer() }),
  sessions: Type.Integer({ description: 'open sessions' }),
  failures: Type.Integer(),
  lockedUntil: Type.Union([DateTime, Type.Null()]),
  history: Type.Array(Type.Object({ from: Type.Union([Type.String(), Type.Null()]), to: Type.String(), actor: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), at: DateTime })),
});
