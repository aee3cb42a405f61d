import type { CustomersDeps } from './customers.deps.ts';
import { customersCore } from './customers.core.ts';
import { signUp } from './use-cases/sign-up.ts';
import { logIn } from './use-cases/log-in.ts';
import { verifyChallenge } from './use-cases/verify-challenge.ts';
import { sessions } from './use-cases/sessions.ts';
import { account } from './use-cases/account.ts';
import { factors } from './use-cases/factors.ts';
import { admin } from './use-cases/admin.ts';

export type { CustomersDeps } from './customers.deps.ts';

/** The customers module's use cases (issue 4): one file each under use-cases/. */
export function createCustomersService(d: CustomersDeps) {
  const k = customersCore(d);
  const acc = account(k);
  const adm = admin(k);
  return {
    ...signUp(k),
    ...logIn(k),
    ...verifyChallenge(k),
    ...sessions(k),
    ...acc,
    ...factors(k, acc.requireStepUp),
    admin: adm,
    /** For other modules: a customer's contact data (decrypted) and the link to the internal accounting system. */
    getCustomer: adm.getCustomer,
    setExternalRef: adm.setExternalRef,
    findByExternalRef: adm.findByExternalRef,
    /** The clock the module decides time with (tests move it). */
    clock: d.clock,
    sessionTtlSeconds: k.sessionTtlSeconds,
    secureCookies: d.secureCookies ?? false,
    /** Replaces the SecuritySink given in deps (tests observe the signals through it). */
    setSecuritySink: k.setSecuritySink,
    close: () => k.close(),
  };
}
export type CustomersService = ReturnType<typeof createCustomersService>;
