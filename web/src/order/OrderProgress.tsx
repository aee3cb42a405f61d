import type { OrderView } from '../api.ts';
import { PauseIcon } from '../ui/Icon.tsx';
import { STEPS, reachedStep } from './orderStatus.ts';

/** Payment pending → Paid → Delivering → Delivered, with the off-path state marked on the step where it happened. */
export function OrderProgress({ order }: { order: OrderView }) {
  const reached = reachedStep(order);
  const done = order.status === 'fulfilled';
  const problem = ['failed', 'expired', 'cancelled', 'refunded'].includes(order.status);
  const held = order.status === 'on_hold';
  return (
    <ol className="progress" data-testid="order-progress" aria-label="Order progress">
      {STEPS.map((label, i) => {
        let state: 'done' | 'current' | 'todo' | 'stopped' | 'held' = 'todo';
        if (i < reached || (done && i === reached)) state = 'done';
        else if (i === reached) state = problem ? 'stopped' : held ? 'held' : 'current';
        return (
          <li key={label} className={`step step-${state}`} data-testid="progress-step" data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="step-dot" aria-hidden="true">{state === 'done' ? '✓' : state === 'stopped' ? '!' : state === 'held' ? <PauseIcon /> : i + 1}</span>
            <span className="step-label">{label}</span>
          </li>
        );
      })}
    </ol>
  );
}
