import { useEffect, useId, useState, type FormEvent } from 'react';
import { navigate } from '../../router.tsx';
import { transferPath } from './ledgerUi.tsx';

/** Opens a transfer by its ltr_ id or by the client id it was submitted with (e.g. a top-up's or a correction's id). */
export function TransferLookup() {
  const [q, setQ] = useState('');
  const id = useId();
  useEffect(() => { document.title = 'Transfers · Tollgate console'; }, []);
  function submit(e: FormEvent) {
    e.preventDefault();
    const v = q.trim();
    if (v) navigate(transferPath(v));
  }
  return (
    <section className="stack" aria-labelledby="tl-title">
      <div className="section-head"><h1 id="tl-title">Find a transfer</h1></div>
      <p className="muted small">Transfers are listed on each account’s page. Here you can open one directly.</p>
      <form className="row" onSubmit={submit}>
        <div className="field grow">
          <label htmlFor={id}>Transfer id or client id</label>
          <input id={id} value={q} maxLength={128} placeholder="ltr_… or the id it was submitted with" onChange={(e) => setQ(e.target.value)} data-testid="transfer-lookup" />
        </div>
        <button type="submit" className="btn btn-primary" disabled={!q.trim()} data-testid="transfer-lookup-go">Open</button>
      </form>
    </section>
  );
}
