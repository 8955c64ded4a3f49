// RFC 9457 problem details: the one error form of our REST API.
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

export const problemType = (slug: string): string => `urn:voltrate:problem:${slug}`;

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

/** Thrown anywhere in a request; the app's error handler renders it as problem JSON. */
export class HttpProblem extends Error {
  readonly problem: ProblemDetails;
  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.name = "HttpProblem";
    const { slug, type, extensions, ...rest } = init;
    this.problem = { ...extensions, ...rest, type: type ?? problemType(slug ?? "about-blank") };
  }

  static badRequest(detail: string, errors?: FieldError[]): HttpProblem {
    return new HttpProblem({
      slug: "validation",
      title: "The request is not valid",
      status: 400,
      detail,
      ...(errors ? { errors } : {}),
    });
  }

  static notFound(detail: string): HttpProblem {
    return new HttpProblem({ slug: "not-found", title: "Not found", status: 404, detail });
  }
}

export function problemResponse(c: Context, problem: ProblemDetails): Response {
  const requestId = c.get("requestId" as never) as string | undefined;
  const body: ProblemDetails = {
    ...problem,
    instance: problem.instance ?? c.req.path,
    ...(requestId ? { requestId } : {}),
  };
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, {
    "Content-Type": PROBLEM_CONTENT_TYPE,
  });
}
