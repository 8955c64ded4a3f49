// How long the studio takes to show its first screen on localhost: a fresh browser context (empty cache) opens the
// runtime's URL and waits until the sign-in form is on screen. Needs Chromium (installed by the browser-test setup).
import { ensureStudioBuilt, launchChromium, startStudioServer } from "../../browser/setup.ts";
import { type BenchSuite, quantile } from "../harness.ts";

const RUNS = 7;

const suite: BenchSuite = {
  name: "studio",
  async run() {
    ensureStudioBuilt();
    const server = await startStudioServer();
    const browser = await launchChromium();
    const samples: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const started = performance.now();
        await page.goto(server.url);
        await page.getByRole("heading", { name: "Sign in to Voltrate Studio" }).waitFor();
        samples.push(performance.now() - started);
        await context.close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    return [
      {
        name: "studio first load, empty cache, until the sign-in form shows",
        value: quantile(samples, 0.5),
        unit: `ms (median of ${RUNS})`,
        target: "< 1,500 ms",
        note: `slowest ${Math.round(Math.max(...samples))} ms; headless Chromium on 127.0.0.1`,
      },
    ];
  },
};
export default suite;
