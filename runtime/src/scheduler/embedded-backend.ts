// Agenda backend for the embedded store mode: storage only (Agenda polls), on the project's Store.

import type { AgendaBackend } from "agenda";
import type { Store } from "../store/types.ts";
import { StoreJobRepository, type StoreJobRepositoryOptions } from "./job-repository.ts";

export type EmbeddedBackendOptions = StoreJobRepositoryOptions & { store: Store };

export class EmbeddedBackend implements AgendaBackend {
  readonly name = "embedded";
  readonly repository: StoreJobRepository;
  readonly notificationChannel = undefined;
  /** The store belongs to the application: stopping Agenda never closes it. */
  readonly ownsConnection = false;

  constructor(options: EmbeddedBackendOptions) {
    const { store, ...repositoryOptions } = options;
    this.repository = new StoreJobRepository(store, repositoryOptions);
  }

  /** Binds the jobs collection and ensures its index. */
  async connect(): Promise<void> {
    await this.repository.connect();
  }

  async disconnect(): Promise<void> {}
}
