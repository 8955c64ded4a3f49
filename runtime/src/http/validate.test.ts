import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "./app.ts";
import { validBody, validQuery } from "./validate.ts";

const app = createApp({
  logger: pino({ level: "silent" }),
  routes: [
    (a) => {
      a.post("/things", async (c) => {
        const body = await validBody(
          c,
          z.object({ name: z.string().min(1), lines: z.array(z.object({ kwh: z.string() })) }),
        );
        return c.json(body, 201);
      });
      a.get("/things", (c) => c.json(validQuery(c, z.object({ limit: z.coerce.number().int().max(100) }))));
    },
  ],
});

describe("validation at the REST boundary", () => {
  it("answers 400 problem JSON that names every wrong field", async () => {
    const res = await app.request("/things", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "", lines: [{ kwh: "1" }, { kwh: 2 }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { detail: string; errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toEqual(["body.name", "body.lines[1].kwh"]);
    expect(body.detail).toMatch(/^body\.name: .+ \(and 1 more\)$/);
  });

  it("passes valid input through, converted", async () => {
    const ok = await app.request("/things?limit=5");
    expect(await ok.json()).toEqual({ limit: 5 });
    const bad = await app.request("/things?limit=500");
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("query.limit");
  });
});
