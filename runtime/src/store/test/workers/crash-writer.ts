// Child process for the crash test: writes to the embedded store at argv[2] from several concurrent
// loops until it is killed, printing one line per write after the write was acknowledged:
//   I <id>            insertOne
//   B <batch>         insertMany of 5 documents { batch }
//   U <id> <v>        findOneAndUpdate setting v, a, b, c to the same value v
//   D <id>            deleteOne of a document this loop inserted before
//   S <value>         nextSequence("crash")
// A small compaction threshold makes snapshots (and so crashes during them) frequent.
import { EmbeddedStore } from "../../embedded/embedded-store.ts";

const dir = process.argv[2] as string;
const run = process.argv[3] as string;
const store = await EmbeddedStore.open({ dataDir: dir, compactionThresholdBytes: 48 * 1024 });
const docs = store.collection("docs");
const accounts = store.collection("accounts");
const out = (line: string) => process.stdout.write(`${line}\n`);
const payload = "x".repeat(200);

async function inserts(lane: string): Promise<never> {
  for (let n = 0; ; n++) {
    const id = `i-${run}-${lane}-${n}`;
    await docs.insertOne({ _id: id, run, n, payload, at: new Date() });
    out(`I ${id}`);
  }
}

async function batches(): Promise<never> {
  for (let n = 0; ; n++) {
    const batch = `b-${run}-${n}`;
    await docs.insertMany(Array.from({ length: 5 }, (_, k) => ({ _id: `${batch}-${k}`, batch, k, payload })));
    out(`B ${batch}`);
  }
}

async function updates(account: string): Promise<never> {
  const current = await accounts.findOne({ _id: account });
  let v = typeof current?.v === "number" ? current.v : 0;
  for (;;) {
    v++;
    await accounts.findOneAndUpdate(
      { _id: account },
      { $set: { v, a: v, b: v, c: v, note: payload } },
      { upsert: true, returnDocument: "after" },
    );
    out(`U ${account} ${v}`);
  }
}

async function deletes(): Promise<never> {
  for (let n = 0; ; n++) {
    const id = `d-${run}-${n}`;
    await docs.insertOne({ _id: id, temp: true });
    await docs.deleteOne({ _id: id });
    out(`D ${id}`);
  }
}

async function sequence(): Promise<never> {
  for (;;) out(`S ${await store.nextSequence("crash")}`);
}

out("READY");
await Promise.all([
  inserts("p"),
  inserts("q"),
  batches(),
  updates("acc-0"),
  updates("acc-1"),
  updates("acc-2"),
  deletes(),
  sequence(),
]);
