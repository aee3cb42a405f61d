import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emailDomain, emailFeatures, isDisposable, normalizeEmail } from './email.ts';

describe('email features', () => {
  it('isDisposable: listed domains, their subdomains, e-mail or bare domain', () => {
    for (const d of ['mailinator.com', 'someone@mailinator.com', ' Someone@MAILINATOR.COM ', 'x@yopmail.com', 'a@guerrillamail.com', 'a@10minutemail.com', 'inbox.mailinator.com', 'a@temp-mail.org']) {
      assert.equal(isDisposable(d), true, d);
    }
    for (const d of ['gmail.com', 'a@gmail.com', 'x@outlook.com', 'a@yahoo.co.jp', 'example.com', 'user@tollgate.dev', '', 'not an email', null, undefined]) {
      assert.equal(isDisposable(d), false, String(d));
    }
  });

  it('normalizeEmail: lower case and trim; Gmail dots and +tags; googlemail → gmail', () => {
    assert.equal(normalizeEmail('  John.Doe+promo@GMail.com '), 'johndoe@gmail.com');
    assert.equal(normalizeEmail('j.o.h.n.d.o.e@googlemail.com'), 'johndoe@gmail.com');
    assert.equal(normalizeEmail('John.Doe+x@outlook.com'), 'john.doe@outlook.com', 'dots matter outside Gmail; +tag does not');
    assert.equal(normalizeEmail('John.Doe+x@example.com'), 'john.doe+x@example.com', 'unknown providers: only case and spaces');
    assert.equal(normalizeEmail('+tag@gmail.com'), null);
    for (const bad of ['', 'no-at-sign', '@example.com', 'a@', 'a b@example.com', 'a@localhost', null]) assert.equal(normalizeEmail(bad), null, String(bad));
  });

  it('emailDomain: lower case, IDN to punycode', () => {
    assert.equal(emailDomain('User@Example.COM.'), 'example.com');
    assert.equal(emailDomain('example.org'), 'example.org');
    assert.equal(emailDomain('a@bücher.de'), 'xn--bcher-kva.de');
    assert.equal(emailDomain('a@'), null);
  });

  it('emailFeatures gives the three features at once', () => {
    assert.deepEqual(emailFeatures('A.B+c@googlemail.com'), { domain: 'googlemail.com', normalized: 'ab@gmail.com', disposable: false });
    assert.deepEqual(emailFeatures('x@mailinator.com'), { domain: 'mailinator.com', normalized: 'x@mailinator.com', disposable: true });
  });
});
