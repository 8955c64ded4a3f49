// Crash safety: a child process writes continuously and is killed with SIGKILL at a random moment,
// over and over. After every kill the store must open cleanly, hold every write the child saw
// acknowledged, and hold no write in part (batches whole, multi-field updates whole).
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddedStore } from "../embedded/embedded-store.ts";
import { recordingLogger, removeTempDirs, spawnWorker, tempDir } from "./helpers.ts";

afterAll(removeTempDirs);

const CYCLES = 20;

interface Acked {
  inserts: Set<string>;
  batches: Set<string>;
  deletes: Set<string>;
  accounts: Map<string, number>;
  sequence: number;
}

/** Runs the writer until a random moment after it is ready, kills it, returns the acknowledged lines. */
async function runAndKill(dir: string, run: number): Promise<string[]> {
  const child = spawnWorker("crash-writer.ts", [dir, String(run)]);
  let buffer = "";
  let stderr = "";
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", () => reject(new Error(`writer exited before it was killed: ${stderr}`)));
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      const complete = buffer.lastIndexOf("\n");
      if (complete === -1) return;
      for (const line of buffer.slice(0, complete).split("\n")) {
        if (line === "READY") setTimeout(resolve, 40 + Math.random() * 260);
        else lines.push(line);
      }
      buffer = buffer.slice(complete + 1);
    });
  });
  child.kill("SIGKILL");
  await exited; // the child is reaped: its pid no longer looks alive to the lock
  return lines; // a partial last line (no newline) was never fully reported: ignored
}

function record(acked: Acked, lines: string[]): void {
  for (const line of lines) {
    const [kind, a, b] = line.split(" ");
    if (kind === "I") acked.inserts.add(a as string);
    else if (kind === "B") acked.batches.add(a as string);
    else if (kind === "D") acked.deletes.add(a as string);
    else if (kind === "U") acked.accounts.set(a as string, Math.max(acked.accounts.get(a as string) ?? 0, Number(b)));
    else if (kind === "S") acked.sequence = Math.max(acked.sequence, Number(a));
    else throw new Error(`unexpected worker output: ${line}`);
  }
}

async function verify(dir: string, acked: Acked, cycle: number): Promise<{ tornRecords: number }> {
  const logger = recordingLogger();
  // Alternate: sometimes leave the journal as it is on close, so later cycles also recover from it.
  const store = await EmbeddedStore.open({ dataDir: dir, logger, snapshotOnClose: cycle % 2 === 0 });
  try {
    const docs = store.collection("docs");
    const accounts = store.collection("accounts");

    const present = new Set(
      (await docs.find({ _id: { $in: [...acked.inserts] } }, { projection: { _id: 1 } })).map((d) => d._id),
    );
    const missing = [...acked.inserts].filter((id) => !present.has(id));
    expect(missing, "acknowledged inserts missing").toEqual([]);

    const batchSizes = await docs.aggregate<{ _id: string; n: number }>([
      { $match: { batch: { $exists: true } } },
      { $group: { _id: "$batch", n: { $sum: 1 } } },
    ]);
    const partial = batchSizes.filter((b) => b.n !== 5);
    expect(partial, "insertMany batches present in part").toEqual([]);
    const batchesPresent = new Set(batchSizes.map((b) => b._id));
    expect(
      [...acked.batches].filter((b) => !batchesPresent.has(b)),
      "acknowledged batches missing",
    ).toEqual([]);

    const stillThere = await docs.countDocuments({ _id: { $in: [...acked.deletes] } });
    expect(stillThere, "acknowledged deletes undone").toBe(0);

    for (const account of await accounts.find({})) {
      expect([account.a, account.b, account.c], `update of ${account._id} applied in part`).toEqual([
        account.v,
        account.v,
        account.v,
      ]);
      expect(account.v as number).toBeGreaterThanOrEqual(acked.accounts.get(account._id) ?? 0);
    }
    for (const [id, v] of acked.accounts) expect((await accounts.findOne({ _id: id }))?.v).toBeGreaterThanOrEqual(v);

    const next = await store.nextSequence("crash");
    expect(next).toBeGreaterThan(acked.sequence);
    acked.sequence = next;
  } finally {
    await store.close();
  }
  return { tornRecords: logger.entries.filter((e) => e.msg.includes("torn")).length };
}

describe("embedded store: crash safety", () => {
  it(`keeps every acknowledged write and no partial write across ${CYCLES} SIGKILLs`, { timeout: 90_000 }, async () => {
    const dir = await tempDir("voltrate-store-crash-");
    const acked: Acked = {
      inserts: new Set(),
      batches: new Set(),
      deletes: new Set(),
      accounts: new Map(),
      sequence: 0,
    };
    let torn = 0;
    let acknowledged = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const lines = await runAndKill(dir, cycle);
      acknowledged += lines.length;
      record(acked, lines);
      torn += (await verify(dir, acked, cycle)).tornRecords;
    }
    expect(acked.inserts.size).toBeGreaterThan(CYCLES);
    expect(acked.batches.size).toBeGreaterThan(0);
    // Context for the log: how much was written and how often a torn tail was found.
    console.info(`crash test: ${acknowledged} acknowledged writes over ${CYCLES} kills, ${torn} torn tails dropped`);
  });
});
