// Runs only when VOLTRATE_TEST_MONGODB_URL points at a MongoDB server (replica set recommended, for
// transactions); each run uses its own database and drops it afterwards.
import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import { MongoStore } from "../mongodb/mongo-store.ts";
import { describeStoreConformance } from "./conformance.ts";

const url = process.env.VOLTRATE_TEST_MONGODB_URL;
const dbName = `voltrate_test_${randomBytes(4).toString("hex")}`;
let opened: MongoStore | undefined;

afterAll(async () => {
  if (!url) return;
  const cleanup = await MongoStore.open({ url, dbName });
  await cleanup.db.dropDatabase();
  await cleanup.close();
  await opened?.close();
});

describeStoreConformance(
  "mongodb",
  async () => {
    opened = await MongoStore.open({ url: url as string, dbName });
    return opened;
  },
  { skip: !url, atomicUpdateMany: false },
);
