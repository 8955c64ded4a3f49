// Events the runtime publishes to plugins. Handlers run after the fact and cannot change the outcome;
// a failing handler is logged with the plugin's name and does not affect other handlers.

export interface SessionPricedEvent {
  sessionId: string;
  pricedSessionId: string;
  revision: number;
  administrationId?: string;
  totals: { currency: string; exclVat: string; inclVat?: string };
}

export interface DropOutOpenedEvent {
  sessionId: string;
  caseId: string;
  stage: string;
  reason: string;
}

export interface VersionPublishedEvent {
  rulesetId: string;
  version: number;
  effectiveFrom: string;
  publishedBy: string;
}

export interface InvoiceIssuedEvent {
  invoiceId: string;
  number: string;
  administrationId: string;
  total: { currency: string; exclVat: string; inclVat: string };
}

/** Every event name and its payload. */
export interface RuntimeEvents {
  "session.priced": SessionPricedEvent;
  "dropout.opened": DropOutOpenedEvent;
  "version.published": VersionPublishedEvent;
  "invoice.issued": InvoiceIssuedEvent;
}

export type RuntimeEventName = keyof RuntimeEvents;

export interface EventBus {
  /** Subscribes; returns a function that unsubscribes. */
  on<E extends RuntimeEventName>(event: E, handler: (payload: RuntimeEvents[E]) => void | Promise<void>): () => void;
}
