import { lazy, Suspense } from 'react';
import { ConsoleApp } from './console/ConsoleApp.tsx';
import { OrderPage } from './order/OrderPage.tsx';
import { Link, match, usePath } from './router.tsx';
import { Storefront } from './storefront/Storefront.tsx';

// The personal area (and its WebAuthn code) loads only for /account.
const AccountApp = lazy(() => import('./account/AccountApp.tsx').then((m) => ({ default: m.AccountApp })));

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
