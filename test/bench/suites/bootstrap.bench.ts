// How long the README commands spend in the bootstrap when everything is already in place.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { type BenchSuite, quantile } from "../harness.ts";

const root = path.resolve(import.meta.dirname, "../../..");

const suite: BenchSuite = {
  name: "bootstrap",
  async run() {
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const result = spawnSync(process.execPath, [path.join(root, "scripts/bootstrap.mjs"), "--quiet"], { cwd: root });
      if (result.status !== 0) throw new Error(`bootstrap failed: ${result.stderr}`);
      samples.push(performance.now() - started);
    }
    return [
      {
        name: "bootstrap re-run, everything in place",
        value: quantile(samples, 0.5),
        unit: "ms (median of 7)",
        target: "< 5,000 ms",
      },
    ];
  },
};
export default suite;
