// RFC 9457 problem details (defined in the SDK, shared with plugins) and the error the runtime throws.
import { type FieldError, type ProblemDetails, type ProblemInit, toProblemDetails } from "@voltrate/sdk";

export {
  type FieldError,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  type ProblemInit,
  problemResponse,
  problemType,
  validationProblem,
} from "@voltrate/sdk";

/** Thrown anywhere in a request; the app's error handler renders it as problem JSON. */
export class HttpProblem extends Error {
  readonly problem: ProblemDetails;
  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.name = "HttpProblem";
    this.problem = toProblemDetails(init);
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
