// RFC 9457 problem details: the one error form of Voltrate's REST API, the runtime's and every plugin's.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface FieldError {
  /** Where in the input, e.g. "body.sessions[3].start_date_time". */
  path: string;
  message: string;
}

export interface ProblemDetails {
  /** A URI reference identifying the problem type; `urn:voltrate:problem:<slug>` for ours. */
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  requestId?: string;
  [extension: string]: unknown;
}

/** A problem as code states it: a slug instead of the type URI, extensions kept apart. */
export interface ProblemInit {
  /** The problem type URI; default `urn:voltrate:problem:<slug>`. */
  type?: string;
  slug?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  /** Extension members (RFC 9457 §3.2). */
  extensions?: Record<string, unknown>;
}

export const problemType = (slug: string): string => `urn:voltrate:problem:${slug}`;

export function toProblemDetails(init: ProblemInit): ProblemDetails {
  const { slug, type, extensions, ...rest } = init;
  return { ...extensions, ...rest, type: type ?? problemType(slug ?? "about-blank") };
}

/** Answers with a problem document; `instance` defaults to the request path, `requestId` is added when known. */
export function problemResponse(c: Context, problem: ProblemDetails | ProblemInit): Response {
  const details =
    "type" in problem && typeof problem.type === "string"
      ? (problem as ProblemDetails)
      : toProblemDetails(problem as ProblemInit);
  const requestId = c.get("requestId" as never) as unknown;
  const body: ProblemDetails = {
    ...details,
    instance: details.instance ?? c.req.path,
    ...(typeof requestId === "string" ? { requestId } : {}),
  };
  return c.body(JSON.stringify(body), details.status as ContentfulStatusCode, { "Content-Type": PROBLEM_CONTENT_TYPE });
}

/** A 400 problem listing field errors. */
export function validationProblem(c: Context, errors: FieldError[]): Response {
  return problemResponse(c, {
    status: 400,
    slug: "validation",
    title: "The request is not valid",
    detail: errors.map((e) => `${e.path}: ${e.message}`).join("; "),
    errors,
  });
}
