import { useEffect, useRef, useState } from 'react';
import { EVENTS_URL, getMe, type Account, type Txn } from './api.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'off';

interface Handlers {
  onTransaction?: (t: Txn) => void;
  onBalance?: (a: Account) => void;
  /** After a reconnect: events may have been missed, re-read what is shown. */
  onResync?: () => void;
}

function parse<T>(data: unknown): T | null {
  try {
    return typeof data === 'string' ? (JSON.parse(data) as T) : null;
  } catch {
    return null;
  }
}

/**
 * The personal area's live feed: Server-Sent Events from /v1/me/events (the session cookie authenticates it).
 * `transaction` events carry a Txn, `balance` events an account. The browser retries a dropped stream by itself;
 * when it gives up (an error answer) we open a new one with backoff — and check the session, so an ended session
 * signs out instead of retrying forever. Every reconnect asks the page to re-read (onResync).
 */
export function useLiveEvents(handlers: Handlers): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>(typeof EventSource === 'undefined' ? 'off' : 'connecting');
  const h = useRef(handlers);
  h.current = handlers;

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let es: EventSource | null = null;
    let timer: number | undefined;
    let failures = 0;
    let hadError = false;
    let stopped = false;

    const connect = () => {
      es = new EventSource(EVENTS_URL);
      es.addEventListener('open', () => {
        failures = 0;
        setStatus('live');
        if (hadError) h.current.onResync?.();
        hadError = false;
      });
      es.addEventListener('transaction', (e) => {
        const t = parse<Txn>((e as MessageEvent).data);
        if (t?.id) h.current.onTransaction?.(t);
      });
      es.addEventListener('balance', (e) => {
        const a = parse<Account>((e as MessageEvent).data);
        if (a?.id) h.current.onBalance?.(a);
      });
      es.addEventListener('error', () => {
        hadError = true;
        setStatus('reconnecting');
        if (es?.readyState !== EventSource.CLOSED || stopped) return; // the browser is retrying on its own
        es.close();
        failures++;
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5));
        timer = window.setTimeout(() => {
          if (stopped) return;
          // a 401 here signs the app out (the API client's handler); otherwise try the stream again
          getMe().then(() => { if (!stopped) connect(); }, () => { if (!stopped) timer = window.setTimeout(connect, delay); });
        }, delay);
      });
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      es?.close();
    };
  }, []);

  return status;
}
