// Makes a sandbox context deterministic and immutable before any script code runs in it. Runs INSIDE the sandbox
// (bundled into the prelude, see ../prelude.ts); must not import anything of the host.
//
// - The clock and randomness throw: `Date.now()`, `new Date()` / `Date()` without arguments, `Math.random()`, and
//   `Intl.DateTimeFormat#format()` without a date. Dates built from values (`new Date(session.start)`) work.
// - Globals without a use in a pure computation are removed: WebAssembly, SharedArrayBuffer, Atomics, WeakRef,
//   FinalizationRegistry, console (a no-op in an isolate; scripts use `log`), and RegExp's legacy static properties (RegExp.$1, lastMatch, …), which would carry the
//   last match of one evaluation into the next.
// - Everything reachable from the global object (and the intrinsics only reachable through syntax, such as the
//   iterator and generator prototypes) is frozen, and so is the global object itself: a script cannot change a
//   built-in, add a global, or otherwise leave state behind for the next evaluation.

type AnyFunction = (...args: unknown[]) => unknown;

function unavailable(what: string): never {
  throw new TypeError(`${what} is not available in scripts: a script is a pure function of the session`);
}

const globals = globalThis as unknown as Record<string, unknown>;

function tameDate(): void {
  const OriginalDate = Date;
  // A function (not a class): `Date(...)` must be callable without `new` like the original.
  const SafeDate = function (this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) unavailable("Date() (the current time)");
    if (args.length === 0) unavailable("new Date() without arguments (the current time)");
    return Reflect.construct(OriginalDate, args, new.target);
  } as unknown as DateConstructor;
  Object.defineProperties(SafeDate, {
    name: { value: "Date", writable: false, enumerable: false, configurable: true },
    length: { value: 7, writable: false, enumerable: false, configurable: true },
    prototype: { value: OriginalDate.prototype, writable: false, enumerable: false, configurable: false },
    now: { value: () => unavailable("Date.now()"), writable: false, enumerable: false, configurable: false },
    parse: { value: OriginalDate.parse, writable: false, enumerable: false, configurable: false },
    UTC: { value: OriginalDate.UTC, writable: false, enumerable: false, configurable: false },
  });
  Object.defineProperty(OriginalDate.prototype, "constructor", {
    value: SafeDate,
    writable: false,
    configurable: false,
  });
  Object.defineProperty(OriginalDate, "now", { value: () => unavailable("Date.now()") });
  globals.Date = SafeDate;
}

function tameIntl(): void {
  const proto = Intl.DateTimeFormat.prototype as unknown as Record<string, unknown>;
  for (const name of ["format", "formatToParts"] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor === undefined) continue;
    const original = descriptor.get ?? (() => descriptor.value);
    Object.defineProperty(proto, name, {
      configurable: false,
      enumerable: descriptor.enumerable ?? false,
      get(this: Intl.DateTimeFormat) {
        const bound = (original as AnyFunction).call(this) as AnyFunction;
        return (date?: unknown) => {
          if (date === undefined) unavailable(`Intl.DateTimeFormat#${name}() without a date (the current time)`);
          return bound(date);
        };
      },
    });
  }
}

function removeGlobals(): void {
  for (const name of ["WebAssembly", "SharedArrayBuffer", "Atomics", "WeakRef", "FinalizationRegistry", "console"]) {
    delete globals[name];
  }
  const legacy = ["input", "$_", "lastMatch", "$&", "lastParen", "$+", "leftContext", "$`", "rightContext", "$'"];
  for (let i = 1; i <= 9; i++) legacy.push(`$${i}`);
  for (const name of legacy) delete (RegExp as unknown as Record<string, unknown>)[name];
}

/** The intrinsics that are not properties of anything reachable from the global object. */
function hiddenIntrinsics(): unknown[] {
  const proto = Object.getPrototypeOf;
  const roots: unknown[] = [
    proto(function* () {}),
    proto(async () => {}),
    proto(async function* () {}),
    proto((function* () {})()),
    proto([][Symbol.iterator]()),
    proto(new Map().entries()),
    proto(new Set().values()),
    proto(""[Symbol.iterator]()),
    proto(/a/g[Symbol.matchAll]("a")),
  ];
  const iterator = globals.Iterator as { from?: (x: unknown) => unknown } | undefined;
  if (iterator?.from) roots.push(proto(iterator.from({ next: () => ({ done: true, value: undefined }) })));
  const values = [][Symbol.iterator]() as unknown as { map?: (f: (x: unknown) => unknown) => unknown };
  if (typeof values.map === "function") roots.push(proto(values.map((x) => x)));
  const intl = Intl as unknown as { Segmenter?: new () => { segment(s: string): Iterable<unknown> } };
  if (intl.Segmenter) {
    const segments = new intl.Segmenter().segment("a");
    roots.push(proto(segments), proto(segments[Symbol.iterator]()));
  }
  return roots;
}

/** Freezes `roots` and everything reachable from them through properties, accessors and prototypes. */
export function deepFreeze(roots: readonly unknown[]): void {
  const seen = new WeakSet<object>();
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const value = stack.pop();
    if ((typeof value !== "object" && typeof value !== "function") || value === null) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    Object.freeze(value);
    stack.push(Object.getPrototypeOf(value));
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined) continue;
      if ("value" in descriptor) stack.push(descriptor.value);
      else stack.push(descriptor.get, descriptor.set);
    }
  }
}

/** Tames and freezes the realm; `extraRoots` (the script helpers) are frozen with it. */
export function hardenRealm(extraRoots: readonly unknown[]): void {
  tameDate();
  Object.defineProperty(Math, "random", { value: () => unavailable("Math.random()") });
  tameIntl();
  removeGlobals();
  deepFreeze([globalThis, ...hiddenIntrinsics(), ...extraRoots]);
}
