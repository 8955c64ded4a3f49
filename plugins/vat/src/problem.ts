// RFC 9457 problem details, the error form of Voltrate's REST API (urn:voltrate:problem:<slug>).
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  status: ContentfulStatusCode;
  slug: string;
  title: string;
  detail: string;
  errors?: FieldError[];
}

/** Answers with a problem document: `{type, title, status, detail, instance[, errors][, requestId]}`. */
export function problemResponse(c: Context, problem: Problem): Response {
  const requestId = c.get("requestId" as never) as unknown;
  const body = {
    type: `urn:voltrate:problem:${problem.slug}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: c.req.path,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(typeof requestId === "string" ? { requestId } : {}),
  };
  return c.body(JSON.stringify(body), problem.status, { "Content-Type": PROBLEM_CONTENT_TYPE });
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
