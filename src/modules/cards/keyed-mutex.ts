/**
 * Per-key FIFO mutex within one node: decisions about the same card run one after another, so two
 * concurrent authorizations cannot both pass a daily limit on this node. acquire() resolves to release().
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  acquire(key: string): Promise<() => void> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let open!: () => void;
    const mine = new Promise<void>((resolve) => { open = resolve; });
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    let released = false;
    return prev.then(() => () => {
      if (released) return;
      released = true;
      open();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }

  get size(): number {
    return this.tails.size;
  }
}
