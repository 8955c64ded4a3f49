// The slice of a pino logger the store uses. A pino `Logger` satisfies it; tests may pass a recorder.

export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: StoreLogger = {
  info() {},
  warn() {},
  error() {},
};
