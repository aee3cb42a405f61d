import { useEffect } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { ReasonAction } from '../../ui/ReasonAction.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { DetailPending, useRefresh } from '../detail.tsx';
import { AuthorizationsPager } from './AuthorizationsPager.tsx';
import { CardHistory } from './CardHistory.tsx';
import { CardTransactions } from './CardTransactions.tsx';
import { ControlsEditor } from './ControlsEditor.tsx';
import { cardAction, getCard } from './cardsApi.ts';
import { CardStatusBadge } from './cardsUi.tsx';

/** One card: status and freeze/unfreeze (with a reason, audited), controls, recent authorizations, card transactions, history. */
export function CardDetail({ id, canWrite, canOpenDecisions }: { id: string; canWrite: boolean; canOpenDecisions: boolean }) {
  const { data: card, error, loading, reload, setData } = useLoad(() => getCard(id), [id]);
  const { tick, refresh, bump } = useRefresh(reload);
  useEffect(() => { document.title = `${card?.card ?? id} · Tollgate console`; }, [id, card?.card]);

  if (!card) return <DetailPending backTo="/console/cards" backLabel="Cards" what="card" error={error} loading={loading} />;

  return (
    <section className="stack cards-page" aria-labelledby="card-title" data-testid="card-detail" data-card-id={card.id} data-status={card.status}>
      <Link to="/console/cards" className="back-link">← Cards</Link>
      <div className="section-head">
        <h1 id="card-title" className="masked-card card-title" data-testid="card-masked">{card.card}</h1>
        <CardStatusBadge status={card.status} testId="card-status" />
        <button type="button" className="btn btn-small" onClick={refresh} disabled={loading} data-testid="card-refresh">Refresh</button>
      </div>
      <ErrorNotice error={error} />

      <div className="grid-2">
        <div className="card stack">
          <h2>Card</h2>
          <dl className="kv">
            <dt>Cardholder</dt><dd data-testid="card-holder-name">{card.cardholderName ?? <span className="mono">{card.cardholderId}</span>}</dd>
            <dt>Program</dt><dd>{card.program ? <>{card.program.name} <span className="muted small">(fallback: {card.program.fallback})</span></> : <span className="muted">none</span>}</dd>
            <dt>Processor id</dt><dd className="mono">{card.processorCardId}</dd>
            <dt>Expires</dt><dd>{String(card.expMonth).padStart(2, '0')}/{card.expYear}</dd>
            <dt>Currency</dt><dd>{card.currency}</dd>
            <dt>Registered</dt><dd>{formatDateTime(card.createdAt)}</dd>
          </dl>
        </div>
        {canWrite && card.status !== 'closed' && (
          <div className="card stack" data-testid="card-actions">
            <h2>Actions</h2>
            <p className="small muted">Freezing declines every authorization until the card is unfrozen. The cardholder is told; the reason goes to the audit log.</p>
            <div className="actions">
              {card.status === 'active' && (
                <ReasonAction label="Freeze card" danger testId="card-freeze" prompt={`Freeze ${card.card}?`} confirmLabel="Freeze" onConfirm={async (r) => setData(await cardAction(card.id, 'freeze', r))} onDone={bump} />
              )}
              {card.status === 'frozen' && (
                <ReasonAction label="Unfreeze card" testId="card-unfreeze" prompt={`Unfreeze ${card.card}? Its authorizations are decided normally again.`} confirmLabel="Unfreeze" onConfirm={async (r) => setData(await cardAction(card.id, 'unfreeze', r))} onDone={bump} />
              )}
              <ReasonAction label="Close card" danger testId="card-close" prompt={`Close ${card.card} for good? This cannot be undone.`} confirmLabel="Close for good" onConfirm={async (r) => setData(await cardAction(card.id, 'close', r))} />
            </div>
          </div>
        )}
      </div>

      <ControlsEditor key={JSON.stringify(card.controls)} card={card} canWrite={canWrite} onSaved={(c) => setData(c)} />

      <div className="card stack" data-testid="card-authorizations">
        <h2>Recent authorizations</h2>
        <AuthorizationsPager filters={{ cardId: card.id }} tick={tick} pageSize={20} showCard={false} canOpenDecisions={canOpenDecisions} testId="card-auths" emptyText="No authorizations on this card yet." />
      </div>
      <CardTransactions cardId={card.id} tick={tick} />
      <CardHistory history={card.history} />
    </section>
  );
}
