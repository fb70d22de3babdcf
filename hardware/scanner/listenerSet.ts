/** Subscribers to one kind of scanner event; a throwing subscriber cannot break the device loop. */
export class ListenerSet<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls every listener; returns what the ones that threw threw (they are bugs to report). */
  emit(value: T): unknown[] {
    const failures: unknown[] = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        failures.push(error);
      }
    }
    return failures;
  }

  clear(): void {
    this.listeners.clear();
  }
}
