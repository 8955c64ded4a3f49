// Capabilities: named, typed services that plugins provide and require. The host resolves them before
// anything starts, so a plugin never asks for a service that might not be there.

/** A typed reference to a capability. `T` is the service interface; it exists only at the type level. */
export interface Capability<T> {
  readonly id: string;
  readonly description: string;
  /** Phantom field carrying the service type; never set at run time. */
  readonly __service?: T;
}

/** The service type behind a capability reference. */
export type ServiceOf<C> = C extends Capability<infer T> ? T : never;

/** Maps a record of capability references to a record of their services. */
export type ServicesOf<R extends Record<string, Capability<unknown>>> = { [K in keyof R]: ServiceOf<R[K]> };

const idPattern = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/**
 * Declares a capability. Ids are lower-case, dot-separated words (e.g. "vat", "fx", "acme.loyalty").
 *
 * @example
 * export const vatCapability = defineCapability<VatService>("vat", "EU VAT rates by country and date");
 */
export function defineCapability<T>(id: string, description: string): Capability<T> {
  if (!idPattern.test(id)) {
    throw new TypeError(`capability id "${id}" must be lower-case words separated by dots, e.g. "acme.loyalty"`);
  }
  return Object.freeze({ id, description });
}
