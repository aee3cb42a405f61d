import { receiptPdfUrl, receiptUrl, type Txn } from '../api.ts';

/**
 * Receipts of completed payments: the printable page opens in a new tab (the browser's print dialog from
 * there), the PDF downloads. Both are plain links: the session cookie authenticates them.
 */
export function ReceiptActions({ txn }: { txn: Txn }) {
  if (!txn.receiptAvailable) {
    return <p className="muted small" data-testid="no-receipt">{txn.status === 'posted' ? 'No receipt for this kind of operation.' : 'A receipt is available once the operation is completed.'}</p>;
  }
  return (
    <div className="row" data-testid="receipt-actions">
      <a className="btn" href={receiptUrl(txn.id)} target="_blank" rel="noopener" data-testid="receipt-print">Print receipt</a>
      <a className="btn" href={receiptPdfUrl(txn.id)} download={`receipt-${txn.reference || txn.id}.pdf`} data-testid="receipt-pdf">Download PDF</a>
    </div>
  );
}
