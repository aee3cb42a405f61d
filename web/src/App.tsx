import { lazy, Suspense } from 'react';
import { ConsoleApp } from './console/ConsoleApp.tsx';
import { OrderPage } from './order/OrderPage.tsx';
import { Link, match, usePath } from './router.tsx';
import { Storefront } from './storefront/Storefront.tsx';
import { storageGet, storageRemove, storageSet } from './util.ts';

// The personal area (and its WebAuthn code) loads only for /account. A page opened before a new version was
// deployed asks for a chunk that no longer exists: reload once to get the new one, then say so.
const CHUNK_RELOAD = 'tollgate.chunk-reload';
const AccountApp = lazy(() =>
  import('./account/AccountApp.tsx').then(
    (m) => {
      storageRemove(sessionStorage, CHUNK_RELOAD);
      return { default: m.AccountApp };
    },
    () => {
      if (!storageGet(sessionStorage, CHUNK_RELOAD)) {
        storageSet(sessionStorage, CHUNK_RELOAD, '1');
        window.location.reload();
        return new Promise<never>(() => {});
      }
      storageRemove(sessionStorage, CHUNK_RELOAD);
      return { default: LoadFailed };
    },
  ),
);

function LoadFailed() {
  return (
    <main className="wrap main narrow" data-testid="load-failed">
      <h1>This page did not load</h1>
      <p>Check your connection and <a href={window.location.pathname}>reload the page</a>.</p>
    </main>
  );
}

export function App() {
  const path = usePath();
  if (path === '/' || path === '') return <Storefront />;
  if (path === '/console' || path.startsWith('/console/')) return <ConsoleApp />;
  if (path === '/account' || path.startsWith('/account/')) return <Suspense fallback={null}><AccountApp /></Suspense>;
  const order = match('/orders/:id', path);
  if (order) return <OrderPage key={order.id} id={order.id} />;
  return (
    <main className="wrap main narrow" data-testid="not-found">
      <h1>Page not found</h1>
      <p><Link to="/">Go to the store</Link></p>
    </main>
  );
}
