import { useEffect, useRef, type ReactNode } from 'react';

/** Native <dialog> as a modal: focus is trapped, Esc closes, the page behind is inert. */
export function Modal({ open, onClose, title, children, testId }: { open: boolean; onClose: () => void; title: string; children: ReactNode; testId?: string }) {
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
      className="modal"
      aria-label={title}
      data-testid={testId}
      onClose={onClose}
      onCancel={(e) => { e.preventDefault(); onClose(); }}
    >
      {open && (
        <div className="modal-body">
          <h2 className="modal-title">{title}</h2>
          {children}
        </div>
      )}
    </dialog>
  );
}
