import { useEffect, useRef, type ReactNode } from 'react';

/** A side panel on a native <dialog>: focus is trapped, Esc and the backdrop close it; full width on phones. */
export function Drawer({ open, onClose, title, children, testId }: { open: boolean; onClose: () => void; title: ReactNode; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="drawer"
      data-testid={testId}
      onClose={onClose}
      onCancel={(e) => { e.preventDefault(); onClose(); }}
      onClick={(e) => { if (e.target === ref.current) onClose(); }}
    >
      {open && (
        <div className="drawer-body">
          <div className="drawer-head">
            <h2 className="drawer-title">{title}</h2>
            <button type="button" className="btn btn-small btn-ghost" onClick={onClose} data-testid={testId ? `${testId}-close` : undefined} aria-label="Close">✕</button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}
