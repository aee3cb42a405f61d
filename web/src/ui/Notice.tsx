import type { ReactNode } from 'react';
import { errorMessage } from '../api.ts';

type Tone = 'error' | 'info' | 'success' | 'warning';

export function Notice({ tone = 'info', children, testId }: { tone?: Tone; children: ReactNode; testId?: string }) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}

export function ErrorNotice({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  if (!error) return null;
  return (
    <Notice tone="error" testId={testId}>
      {errorMessage(error)}
    </Notice>
  );
}
