/** Where the projector keeps its latest snapshot. */
export interface SnapshotStore {
  /** The latest saved snapshot's bytes, if any. */
  load(): Promise<Uint8Array | undefined>;
  /** Replaces the latest snapshot; a reader sees the old one or the new one, never a mix. */
  save(data: Uint8Array): Promise<void>;
}

/** A snapshot store in memory: for tests and for a projector without durable storage. */
export class InMemorySnapshotStore implements SnapshotStore {
  #data: Uint8Array | undefined;

  async load(): Promise<Uint8Array | undefined> {
    return this.#data;
  }

  async save(data: Uint8Array): Promise<void> {
    this.#data = data;
  }
}
