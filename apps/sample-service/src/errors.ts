import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { databaseUnavailableReason } from "./db";

/** Body of every error answer; `field` names the offending input on a 400. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly field?: string;
}

interface AjvError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** Human wording per JSON-schema keyword; the schemas stay plain JSON schema. */
function describe(e: AjvError): string {
  const limit = e.params.limit;
  switch (e.keyword) {
    case "required":
      return "is required";
    case "minLength":
      return limit === 1 ? "must not be empty" : `must be at least ${limit} characters`;
    case "maxLength":
      return `must be at most ${limit} characters`;
    case "pattern":
      return e.params.pattern === "\\S" ? "must not be blank" : `must match ${e.params.pattern}`;
    case "type":
      return `must be ${e.params.type === "integer" ? "an integer" : `a ${e.params.type}`}`;
    case "minimum":
      return `must be >= ${limit}`;
    case "maximum":
      return `must be <= ${limit}`;
    default:
      return e.message ?? "is invalid";
  }
}

export function validationErrorBody(validation: readonly AjvError[], context: string | undefined): ErrorBody {
  const first = validation[0]!;
  const path =
    first.keyword === "required"
      ? [first.instancePath.slice(1), String(first.params.missingProperty)].filter((s) => s !== "").join("/")
      : first.instancePath.slice(1);
  // A body that is not an object at all has no property path: name the part of the request.
  const field = path === "" ? (context ?? "request") : path.replace(/\//g, ".");
  return { statusCode: 400, error: "Bad Request", message: `${field} ${describe(first)}`, field };
}

/**
 * One place decides status codes: schema failures -> 400 naming the field, a database that
 * is down -> 503 (the load balancer retries elsewhere), client errors Fastify raised keep
 * their code, anything else -> 500 without internals.
 */
export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (err.validation !== undefined) {
    reply.code(400).send(validationErrorBody(err.validation as readonly AjvError[], err.validationContext));
    return;
  }
  const unavailable = databaseUnavailableReason(err);
  if (unavailable !== undefined) {
    request.log.warn({ err }, unavailable);
    const body: ErrorBody = { statusCode: 503, error: "Service Unavailable", message: unavailable };
    reply.code(503).header("retry-after", "1").send(body);
    return;
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const body: ErrorBody = { statusCode: status, error: errorName(status), message: err.message };
    reply.code(status).send(body);
    return;
  }
  request.log.error({ err }, "unhandled error");
  const body: ErrorBody = { statusCode: 500, error: "Internal Server Error", message: "internal error" };
  reply.code(500).send(body);
}

function errorName(status: number): string {
  const names: Record<number, string> = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
  };
  return names[status] ?? "Client Error";
}
