import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
import { HttpProblem, PROBLEM_CONTENT_TYPE } from "./problem.ts";

const logger = pino({ level: "silent" });

function testApp() {
  return createApp({
    logger,
    routes: [
      (app) => {
        app.get("/ok", (c) => c.json({ ok: true }));
        app.post("/echo", async (c) => c.json(await c.req.json()));
        app.get("/invalid", () => {
          throw HttpProblem.badRequest("two fields are wrong", [
            { path: "body.start", message: "expected an RFC 3339 date-time" },
            { path: "body.kwh", message: "expected a decimal string" },
          ]);
        });
        app.get("/boom", () => {
          throw new Error("secret internal detail");
        });
      },
    ],
  });
}

describe("HTTP app", () => {
  it("gives every response a request id, and keeps the caller's", async () => {
    const app = testApp();
    const generated = await app.request("/ok");
    expect(generated.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await app.request("/ok", { headers: { "X-Request-Id": "caller-123" } });
    expect(kept.headers.get("X-Request-Id")).toBe("caller-123");
  });

  it("answers unknown routes with 404 problem JSON", async () => {
    const res = await testApp().request("/nope", { headers: { "X-Request-Id": "r1" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(await res.json()).toEqual({
      type: "urn:voltrate:problem:not-found",
      title: "Not found",
      status: 404,
      detail: "No route for GET /nope",
      instance: "/nope",
      requestId: "r1",
    });
  });

  it("renders an HttpProblem with its field errors", async () => {
    const res = await testApp().request("/invalid");
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.type).toBe("urn:voltrate:problem:validation");
    expect(body.errors).toEqual([
      { path: "body.start", message: "expected an RFC 3339 date-time" },
      { path: "body.kwh", message: "expected a decimal string" },
    ]);
  });

  it("answers malformed JSON with 400, not 500", async () => {
    const res = await testApp().request("/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"energy": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { type: string }).type).toBe("urn:voltrate:problem:malformed-json");
  });

  it("hides internal errors behind a 500 problem that carries the request id", async () => {
    const res = await testApp().request("/boom", { headers: { "X-Request-Id": "trace-me" } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("secret internal detail");
    expect(JSON.parse(text)).toMatchObject({ status: 500, requestId: "trace-me" });
  });
});
