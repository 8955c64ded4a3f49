// Errors of the master data service, each with a stable code; the REST layer turns them into problem JSON.

export type MasterDataErrorCode =
  /** 404: no such entity or version. */
  | "not-found"
  /** 409: the change does not fit what is recorded (taken key, already terminated, concurrent writers, …). */
  | "conflict"
  /** 400: the input is not valid; `issues` name the fields. */
  | "invalid";

export interface MasterDataIssue {
  /** Where in the input: "data.uid", "effectiveFrom", "version". */
  path: string;
  message: string;
}

const STATUS: Record<MasterDataErrorCode, number> = { "not-found": 404, conflict: 409, invalid: 400 };

export class MasterDataError extends Error {
  override name = "MasterDataError";
  readonly code: MasterDataErrorCode;
  readonly issues: readonly MasterDataIssue[];

  constructor(code: MasterDataErrorCode, message: string, issues: MasterDataIssue[] = []) {
    super(message);
    this.code = code;
    this.issues = issues;
  }

  get status(): number {
    return STATUS[this.code];
  }

  static invalid(path: string, message: string): MasterDataError {
    return new MasterDataError("invalid", `${path}: ${message}`, [{ path, message }]);
  }

  static conflict(message: string, path?: string): MasterDataError {
    return new MasterDataError("conflict", message, path === undefined ? [] : [{ path, message }]);
  }
}
