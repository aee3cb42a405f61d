import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { AppError } from '../errors.ts';
import { installErrorHandler } from './errors.ts';

test('error handler: AppError → { error: { code, message } } with its status; a known wait on 429/503 becomes Retry-After; internals never leak', async () => {
  const app = Fastify();
  installErrorHandler(app);
  app.get('/limited', async () => { throw new AppError('rate_limited', 'slow down', { retryAfterSeconds: 2.2 }); });
  app.get('/down', async () => { throw new AppError('upstream_unavailable', 'internal system unavailable', { retryAfterSeconds: 10 }); });
  app.get('/gone', async () => { throw new AppError('not_found', 'bill not found'); });
  app.get('/boom', async () => { throw new Error('password=hunter2 at db.ts:12'); });
  app.get('/nul', async () => { throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }); });
  try {
    const limited = await app.inject({ url: '/limited' });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.headers['retry-after'], '3');
    assert.equal(limited.json().error.code, 'rate_limited');
    const down = await app.inject({ url: '/down' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.headers['retry-after'], '10');
    const gone = await app.inject({ url: '/gone' });
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.headers['retry-after'], undefined);
    assert.deepEqual(gone.json(), { error: { code: 'not_found', message: 'bill not found' } });
    const nul = await app.inject({ url: '/nul' });
    assert.equal(nul.statusCode, 400, 'text the database cannot store is the client\'s error');
    assert.equal(nul.json().error.code, 'validation_failed');
    const boom = await app.inject({ url: '/boom' });
    assert.equal(boom.statusCode, 500);
    assert.deepEqual(boom.json(), { error: { code: 'internal', message: 'internal error' } });
  } finally {
    await app.close();
  }
});
