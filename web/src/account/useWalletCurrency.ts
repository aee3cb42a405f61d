import { useEffect, useState } from 'react';
import { listAccounts } from './api.ts';

/**
 * The currency of the customer's (first) wallet, for amounts typed in major units; null while loading
 * (USD when there is no wallet yet or it cannot be read: amounts still parse, the page shows its own error).
 */
export function useWalletCurrency(): string | null {
  const [currency, setCurrency] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    listAccounts().then(
      (r) => { if (live) setCurrency(r.data[0]?.currency ?? 'USD'); },
      () => { if (live) setCurrency('USD'); },
    );
    return () => { live = false; };
  }, []);
  return currency;
}
