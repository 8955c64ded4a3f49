// The behaviour every store engine must share. Run against the embedded engine always and against
// MongoDB when VOLTRATE_TEST_MONGODB_URL is set; each test uses its own collection names.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Doc, DuplicateKeyError, type Store, StoreError } from "../types.ts";

export interface ConformanceOptions {
  /** Skip the whole suite (e.g. no server configured). */
  skip?: boolean;
  /** updateMany is all-or-nothing across documents (embedded); MongoDB applies it per document. */
  atomicUpdateMany: boolean;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

function sortById<T extends { _id?: unknown }>(docs: T[]): T[] {
  return [...docs].sort((a, b) => String(a._id).localeCompare(String(b._id)));
}

export function describeStoreConformance(label: string, open: () => Promise<Store>, options: ConformanceOptions): void {
  describe.skipIf(options.skip === true)(`store conformance: ${label}`, () => {
    let store: Store;
    const suffix = randomBytes(3).toString("hex");
    const coll = <T extends Doc = Doc>(name: string) => store.collection<T>(`${name}_${suffix}`);

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    describe("insert", () => {
      it("generates 24-hex string ids and keeps given string ids", async () => {
        const c = coll("ins_ids");
        const { insertedId } = await c.insertOne({ name: "a" });
        expect(insertedId).toMatch(/^[0-9a-f]{24}$/);
        expect(await c.findOne({ _id: insertedId })).toEqual({ _id: insertedId, name: "a" });
        const { insertedId: given } = await c.insertOne({ _id: "cp-1", name: "b" });
        expect(given).toBe("cp-1");
        expect(await c.findOne({ _id: "cp-1" })).toEqual({ _id: "cp-1", name: "b" });
      });

      it("does not modify the caller's document", async () => {
        const c = coll("ins_input");
        const input: Doc = { name: "a", nested: { n: 1 } };
        await c.insertOne(input);
        expect(input).toEqual({ name: "a", nested: { n: 1 } });
        (input.nested as { n: number }).n = 99;
        expect((await c.findOne({ name: "a" }))?.nested).toEqual({ n: 1 });
      });

      it("rejects a duplicate _id with DuplicateKeyError", async () => {
        const c = coll("ins_dup");
        await c.insertOne({ _id: "x", v: 1 });
        const error = await rejection(c.insertOne({ _id: "x", v: 2 }));
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).code).toBe("DUPLICATE_KEY");
        expect((error as DuplicateKeyError).index).toBe("_id_");
        expect(await c.findOne({ _id: "x" })).toEqual({ _id: "x", v: 1 });
      });

      it("rejects a non-string _id", async () => {
        const error = await rejection(coll("ins_badid").insertOne({ _id: 5 as unknown as string }));
        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).code).toBe("BAD_DOCUMENT");
      });

      it("insertMany inserts every document and returns the ids in order", async () => {
        const c = coll("ins_many");
        const { insertedIds } = await c.insertMany([{ _id: "a", n: 1 }, { n: 2 }, { n: 3 }]);
        expect(insertedIds).toHaveLength(3);
        expect(insertedIds[0]).toBe("a");
        expect(await c.countDocuments()).toBe(3);
        expect((await c.insertMany([])).insertedIds).toEqual([]);
      });

      it("a failed insertMany (duplicate _id) leaves nothing behind", async () => {
        const c = coll("ins_many_dup");
        await c.insertOne({ _id: "taken" });
        const error = await rejection(c.insertMany([{ _id: "new-1" }, { _id: "new-2" }, { _id: "taken" }]));
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(await c.countDocuments()).toBe(1);
        const within = await rejection(c.insertMany([{ _id: "b1" }, { _id: "b1" }]));
        expect(within).toBeInstanceOf(DuplicateKeyError);
        expect(await c.countDocuments()).toBe(1);
      });

      it("a failed insertMany (unique index) leaves nothing behind", async () => {
        const c = coll("ins_many_uniq");
        await c.createIndex({ key: { email: 1 }, unique: true });
        await c.insertOne({ email: "a@x" });
        const error = await rejection(c.insertMany([{ email: "b@x" }, { email: "c@x" }, { email: "a@x" }]));
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).index).toBe("email_1");
        expect(await c.countDocuments()).toBe(1);
      });
    });

    describe("find", () => {
      const seed = [
        { _id: "s1", site: "A", kwh: 10, tags: ["fast", "dc"], meta: { op: "x" }, items: [{ k: "a", q: 1 }] },
        { _id: "s2", site: "B", kwh: 25, tags: ["ac"], meta: { op: "y" }, items: [{ k: "b", q: 5 }] },
        { _id: "s3", site: "A", kwh: 7, tags: [], meta: { op: "x" }, items: [{ k: "a", q: 9 }] },
        { _id: "s4", site: "C", kwh: 40, tags: ["dc"], items: [] },
      ];

      it("filters with operators, dotted paths, arrays, $or and $elemMatch", async () => {
        const c = coll("find_filters");
        await c.insertMany(seed);
        const ids = async (filter: Record<string, unknown>) => (await c.find(filter)).map((d) => d._id).sort();
        expect(await ids({ site: "A" })).toEqual(["s1", "s3"]);
        expect(await ids({ kwh: { $gt: 9, $lte: 25 } })).toEqual(["s1", "s2"]);
        expect(await ids({ site: { $in: ["B", "C"] } })).toEqual(["s2", "s4"]);
        expect(await ids({ "meta.op": "x" })).toEqual(["s1", "s3"]);
        expect(await ids({ tags: "dc" })).toEqual(["s1", "s4"]);
        expect(await ids({ meta: { $exists: false } })).toEqual(["s4"]);
        expect(await ids({ $or: [{ site: "C" }, { kwh: { $lt: 8 } }] })).toEqual(["s3", "s4"]);
        expect(await ids({ items: { $elemMatch: { k: "a", q: { $gt: 5 } } } })).toEqual(["s3"]);
        expect(await ids({ tags: { $size: 0 } })).toEqual(["s3"]);
        expect(await ids({ _id: { $in: ["s2", "s4", "nope"] } })).toEqual(["s2", "s4"]);
        expect(await c.findOne({ site: "Z" })).toBeNull();
        expect(await coll("find_never_written").find({})).toEqual([]);
        expect(await coll("find_never_written").findOne({})).toBeNull();
      });

      it("matches plain equalities as MongoDB does: types never coerce, arrays match an element", async () => {
        const c = coll("find_equalities");
        await c.insertMany([
          { _id: "e1", code: "7", n: 7, flag: true, tags: ["a", "b"], nested: [["a"]] },
          { _id: "e2", code: 7, n: 7.0, flag: false, tags: "a" },
          { _id: "e3", n: 8, flag: 1, tags: [] },
        ]);
        const ids = async (filter: Record<string, unknown>) => (await c.find(filter)).map((d) => d._id).sort();
        expect(await ids({ code: "7" })).toEqual(["e1"]);
        expect(await ids({ code: 7 })).toEqual(["e2"]);
        expect(await ids({ n: 7 })).toEqual(["e1", "e2"]);
        expect(await ids({ flag: true })).toEqual(["e1"]);
        expect(await ids({ flag: 1 })).toEqual(["e3"]);
        expect(await ids({ tags: "a" })).toEqual(["e1", "e2"]);
        expect(await ids({ tags: "a", flag: false })).toEqual(["e2"]);
        // Only one level of array is looked into.
        expect(await ids({ nested: "a" })).toEqual([]);
        expect(await ids({ missing: "x" })).toEqual([]);
        expect(await ids({ code: { $in: ["7", 8] } })).toEqual(["e1"]);
        expect(await ids({ n: { $in: [8, 7] }, flag: { $in: [false, 1] } })).toEqual(["e2", "e3"]);
        expect(await ids({ tags: { $in: ["b", "z"] } })).toEqual(["e1"]);
        expect(await ids({ tags: { $in: [] } })).toEqual([]);
        expect((await c.findOne({ _id: "e3", n: 8 }))?._id).toBe("e3");
      });

      it("sorts, skips and limits", async () => {
        const c = coll("find_sort");
        await c.insertMany(seed);
        const byKwh = await c.find({}, { sort: { kwh: -1 } });
        expect(byKwh.map((d) => d._id)).toEqual(["s4", "s2", "s1", "s3"]);
        const page = await c.find({}, { sort: { kwh: 1 }, skip: 1, limit: 2 });
        expect(page.map((d) => d._id)).toEqual(["s1", "s2"]);
        const compound = await c.find({}, { sort: { site: 1, kwh: -1 } });
        expect(compound.map((d) => d._id)).toEqual(["s1", "s3", "s2", "s4"]);
        expect((await c.findOne({ site: "A" }, { sort: { kwh: 1 } }))?._id).toBe("s3");
        expect((await c.findOne({}, { sort: { kwh: 1 }, skip: 1 }))?._id).toBe("s1");
      });

      it("projects fields (inclusion, exclusion, _id suppression, dotted)", async () => {
        const c = coll("find_projection");
        await c.insertMany(seed);
        expect(await c.findOne({ _id: "s1" }, { projection: { site: 1, kwh: 1 } })).toEqual({
          _id: "s1",
          site: "A",
          kwh: 10,
        });
        expect(await c.findOne({ _id: "s2" }, { projection: { site: 1, _id: 0 } })).toEqual({ site: "B" });
        expect(await c.findOne({ _id: "s2" }, { projection: { tags: 0, items: 0, meta: 0 } })).toEqual({
          _id: "s2",
          site: "B",
          kwh: 25,
        });
        expect(await c.findOne({ _id: "s1" }, { projection: { "meta.op": 1 } })).toEqual({
          _id: "s1",
          meta: { op: "x" },
        });
        const many = await c.find({ site: "A" }, { projection: { kwh: 1, _id: 0 }, sort: { kwh: 1 } });
        expect(many).toEqual([{ kwh: 7 }, { kwh: 10 }]);
      });
    });

    describe("update", () => {
      it("$set of top-level fields: keeps field order, appends new fields, counts only real changes", async () => {
        const c = coll("upd_set_top");
        const at = new Date("2025-03-01T10:00:00Z");
        await c.insertOne({ _id: "s", a: 1, b: { x: [1, 2] }, c: "keep" });
        expect(await c.updateOne({ _id: "s" }, { $set: { a: 1, b: { x: [1, 2] } } })).toEqual({
          matchedCount: 1,
          modifiedCount: 0,
          upsertedId: null,
        });
        // Same values in another field order are another value (BSON equality is ordered).
        expect((await c.updateOne({ _id: "s" }, { $set: { b: { x: [1, 2], y: null } } })).modifiedCount).toBe(1);
        expect((await c.updateOne({ _id: "s" }, { $set: { a: 2, at, z: [at] } })).modifiedCount).toBe(1);
        const doc = await c.findOne({ _id: "s" });
        expect(Object.keys(doc ?? {})).toEqual(["_id", "a", "b", "c", "at", "z"]);
        expect(doc).toEqual({ _id: "s", a: 2, b: { x: [1, 2], y: null }, c: "keep", at, z: [at] });
        expect(doc?.at).toBeInstanceOf(Date);
        // The caller's value is copied: changing it afterwards changes nothing stored.
        const value = { deep: [1] };
        await c.updateOne({ _id: "s" }, { $set: { v: value } });
        value.deep.push(2);
        expect((await c.findOne({ _id: "s" }))?.v).toEqual({ deep: [1] });
      });

      it("updateOne applies operators and reports counts", async () => {
        const c = coll("upd_one");
        await c.insertMany([
          { _id: "a", n: 1, list: [1], gone: true, sub: { x: 1 } },
          { _id: "b", n: 1, list: [] },
        ]);
        const result = await c.updateOne(
          { _id: "a" },
          { $set: { "sub.y": 2, label: "A" }, $inc: { n: 4 }, $push: { list: 2 }, $unset: { gone: "" } },
        );
        expect(result).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
        expect(await c.findOne({ _id: "a" })).toEqual({
          _id: "a",
          n: 5,
          list: [1, 2],
          sub: { x: 1, y: 2 },
          label: "A",
        });
        expect(await c.updateOne({ _id: "a" }, { $set: { n: 5 } })).toEqual({
          matchedCount: 1,
          modifiedCount: 0,
          upsertedId: null,
        });
        expect(await c.updateOne({ _id: "zzz" }, { $set: { n: 5 } })).toEqual({
          matchedCount: 0,
          modifiedCount: 0,
          upsertedId: null,
        });
        await c.updateOne({ n: 1 }, { $addToSet: { list: 7 } });
        await c.updateOne({ _id: "b" }, { $addToSet: { list: 7 } });
        expect((await c.findOne({ _id: "b" }))?.list).toEqual([7]);
        await c.updateOne({ _id: "a", "list.0": 1 }, { $pull: { list: 1 } });
        expect((await c.findOne({ _id: "a" }))?.list).toEqual([2]);
      });

      it("refuses replacement documents and unknown operators", async () => {
        const c = coll("upd_bad");
        await c.insertOne({ _id: "a", n: 1 });
        const replacement = await rejection(c.updateOne({ _id: "a" }, { n: 2 }));
        expect((replacement as StoreError).code).toBe("BAD_UPDATE");
        const empty = await rejection(c.updateOne({ _id: "a" }, {}));
        expect((empty as StoreError).code).toBe("BAD_UPDATE");
        expect(await c.findOne({ _id: "a" })).toEqual({ _id: "a", n: 1 });
      });

      it("upsert seeds the new document from the filter's equalities and applies $setOnInsert", async () => {
        const c = coll("upd_upsert");
        const inserted = await c.updateOne(
          { station: "S1", "connector.id": 2, kwh: { $gt: 0 } },
          { $set: { state: "busy" }, $inc: { sessions: 1 }, $setOnInsert: { createdBy: "test" } },
          { upsert: true },
        );
        expect(inserted.matchedCount).toBe(0);
        expect(inserted.modifiedCount).toBe(0);
        expect(inserted.upsertedId).toMatch(/^[0-9a-f]{24}$/);
        const doc = await c.findOne({ _id: inserted.upsertedId });
        expect(doc).toEqual({
          _id: inserted.upsertedId,
          station: "S1",
          connector: { id: 2 },
          state: "busy",
          sessions: 1,
          createdBy: "test",
        });
        const again = await c.updateOne(
          { station: "S1", "connector.id": 2 },
          { $set: { state: "idle" }, $inc: { sessions: 1 }, $setOnInsert: { createdBy: "other" } },
          { upsert: true },
        );
        expect(again).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
        expect(await c.findOne({ station: "S1" })).toMatchObject({ state: "idle", sessions: 2, createdBy: "test" });
        const byId = await c.updateOne({ _id: "fixed-id" }, { $set: { v: 1 } }, { upsert: true });
        expect(byId.upsertedId).toBe("fixed-id");
        expect(await c.findOne({ _id: "fixed-id" })).toEqual({ _id: "fixed-id", v: 1 });
        expect(await c.countDocuments()).toBe(2);
      });

      it("updateMany updates every match and can upsert", async () => {
        const c = coll("upd_many");
        await c.insertMany([
          { _id: "a", g: 1, v: 0 },
          { _id: "b", g: 1, v: 5 },
          { _id: "c", g: 2, v: 0 },
        ]);
        expect(await c.updateMany({ g: 1 }, { $set: { v: 5 } })).toEqual({
          matchedCount: 2,
          modifiedCount: 1,
          upsertedId: null,
        });
        expect(await c.updateMany({}, { $inc: { v: 1 } })).toEqual({
          matchedCount: 3,
          modifiedCount: 3,
          upsertedId: null,
        });
        expect((await c.find({}, { sort: { _id: 1 } })).map((d) => d.v)).toEqual([6, 6, 1]);
        const upserted = await c.updateMany({ g: 3 }, { $set: { v: 9 } }, { upsert: true });
        expect(upserted.upsertedId).not.toBeNull();
        expect(await c.findOne({ g: 3 })).toMatchObject({ g: 3, v: 9 });
      });

      it("findOneAndUpdate returns the document before or after, honouring sort and projection", async () => {
        const c = coll("upd_fau");
        await c.insertMany([
          { _id: "a", q: "jobs", p: 2, state: "ready" },
          { _id: "b", q: "jobs", p: 1, state: "ready" },
          { _id: "c", q: "jobs", p: 3, state: "ready" },
        ]);
        const before = await c.findOneAndUpdate(
          { q: "jobs", state: "ready" },
          { $set: { state: "taken" } },
          { sort: { p: 1 } },
        );
        expect(before).toEqual({ _id: "b", q: "jobs", p: 1, state: "ready" });
        const after = await c.findOneAndUpdate(
          { q: "jobs", state: "ready" },
          { $set: { state: "taken" } },
          { sort: { p: -1 }, returnDocument: "after", projection: { state: 1 } },
        );
        expect(after).toEqual({ _id: "c", state: "taken" });
        expect(await c.findOneAndUpdate({ q: "none" }, { $set: { x: 1 } })).toBeNull();
        expect(await c.countDocuments({ state: "taken" })).toBe(2);
      });

      it("findOneAndUpdate upserts", async () => {
        const c = coll("upd_fau_upsert");
        const created = await c.findOneAndUpdate(
          { key: "k1" },
          { $inc: { n: 1 }, $setOnInsert: { first: true } },
          { upsert: true, returnDocument: "after" },
        );
        expect(created).toMatchObject({ key: "k1", n: 1, first: true });
        expect(typeof created?._id).toBe("string");
        const missing = await c.findOneAndUpdate({ key: "k2" }, { $inc: { n: 1 } }, { upsert: true });
        expect(missing).toBeNull();
        expect(await c.countDocuments()).toBe(2);
      });
    });

    describe("delete, count, distinct", () => {
      it("deleteOne and deleteMany", async () => {
        const c = coll("del");
        await c.insertMany([{ g: 1 }, { g: 1 }, { g: 2 }, { g: 3 }]);
        expect(await c.deleteOne({ g: 1 })).toEqual({ deletedCount: 1 });
        expect(await c.deleteMany({ g: { $in: [1, 2] } })).toEqual({ deletedCount: 2 });
        expect(await c.deleteOne({ g: 99 })).toEqual({ deletedCount: 0 });
        expect(await c.countDocuments()).toBe(1);
        expect(await c.deleteMany({})).toEqual({ deletedCount: 1 });
        expect(await c.countDocuments()).toBe(0);
      });

      it("countDocuments with and without a filter", async () => {
        const c = coll("count");
        await c.insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
        expect(await c.countDocuments()).toBe(3);
        expect(await c.countDocuments({ a: { $gte: 2 } })).toBe(2);
        expect(await coll("count_empty").countDocuments()).toBe(0);
      });

      it("distinct unwinds arrays, skips missing values and honours the filter", async () => {
        const c = coll("distinct");
        await c.insertMany([
          { op: "x", tags: ["a", "b"], n: 1 },
          { op: "y", tags: ["b", "c"], n: 2 },
          { op: "x", tags: [], n: 1 },
          { n: 3 },
        ]);
        expect((await c.distinct("op")).sort()).toEqual(["x", "y"]);
        expect((await c.distinct("tags")).sort()).toEqual(["a", "b", "c"]);
        expect((await c.distinct("n", { op: "x" })).sort()).toEqual([1]);
      });
    });

    describe("aggregate", () => {
      it("runs $match, $group, $sort, $project, $unwind and $count", async () => {
        const c = coll("agg");
        await c.insertMany([
          { site: "A", kwh: 10, tags: ["dc"] },
          { site: "B", kwh: 5, tags: ["ac", "slow"] },
          { site: "A", kwh: 20, tags: ["dc"] },
          { site: "C", kwh: 1, tags: [] },
        ]);
        const totals = await c.aggregate([
          { $match: { kwh: { $gte: 5 } } },
          { $group: { _id: "$site", total: { $sum: "$kwh" }, sessions: { $sum: 1 } } },
          { $sort: { total: -1 } },
          { $project: { _id: 0, site: "$_id", total: 1, sessions: 1 } },
        ]);
        expect(totals).toEqual([
          { site: "A", total: 30, sessions: 2 },
          { site: "B", total: 5, sessions: 1 },
        ]);
        const tags = await c.aggregate([
          { $unwind: "$tags" },
          { $group: { _id: "$tags", n: { $sum: 1 } } },
          { $sort: { _id: 1 } },
        ]);
        expect(tags).toEqual([
          { _id: "ac", n: 1 },
          { _id: "dc", n: 2 },
          { _id: "slow", n: 1 },
        ]);
        expect(await c.aggregate([{ $match: { site: "A" } }, { $count: "n" }])).toEqual([{ n: 2 }]);
      });
    });

    describe("indexes", () => {
      it("a unique index rejects duplicate inserts and updates, leaving documents unchanged", async () => {
        const c = coll("idx_unique");
        expect(await c.createIndex({ key: { email: 1 }, unique: true })).toBe("email_1");
        expect(await c.createIndex({ key: { email: 1 }, unique: true })).toBe("email_1");
        await c.insertMany([
          { _id: "u1", email: "a@x" },
          { _id: "u2", email: "b@x" },
        ]);
        const insert = await rejection(c.insertOne({ email: "a@x" }));
        expect(insert).toBeInstanceOf(DuplicateKeyError);
        expect((insert as DuplicateKeyError).keyValue).toEqual({ email: "a@x" });
        const update = await rejection(c.updateOne({ _id: "u2" }, { $set: { email: "a@x" } }));
        expect(update).toBeInstanceOf(DuplicateKeyError);
        expect(await c.findOne({ _id: "u2" })).toEqual({ _id: "u2", email: "b@x" });
        const upsert = await rejection(c.updateOne({ name: "new" }, { $set: { email: "b@x" } }, { upsert: true }));
        expect(upsert).toBeInstanceOf(DuplicateKeyError);
        expect(await c.countDocuments()).toBe(2);
        await c.updateOne({ _id: "u2" }, { $set: { email: "c@x" } });
        await c.insertOne({ email: "b@x" });
        expect(await c.findOne({ email: "b@x" })).not.toBeNull();
        expect((await c.findOne({ email: "c@x" }))?._id).toBe("u2");
      });

      it("a unique index cannot be created over existing duplicates", async () => {
        const c = coll("idx_existing");
        await c.insertMany([{ code: 1 }, { code: 1 }]);
        const error = await rejection(c.createIndex({ key: { code: 1 }, unique: true }));
        expect(error).toBeInstanceOf(DuplicateKeyError);
        await c.insertOne({ code: 1 });
        expect(await c.countDocuments({ code: 1 })).toBe(3);
      });

      it("a compound unique index constrains the combination", async () => {
        const c = coll("idx_compound");
        expect(await c.createIndex({ key: { tenant: 1, ref: 1 }, unique: true })).toBe("tenant_1_ref_1");
        await c.insertMany([
          { tenant: "t1", ref: "r1" },
          { tenant: "t1", ref: "r2" },
          { tenant: "t2", ref: "r1" },
        ]);
        const error = await rejection(c.insertOne({ tenant: "t2", ref: "r1", extra: true }));
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).index).toBe("tenant_1_ref_1");
        expect(await c.findOne({ tenant: "t1", ref: "r2" })).toMatchObject({ tenant: "t1", ref: "r2" });
        expect(await c.countDocuments()).toBe(3);
      });

      it("named and non-unique indexes answer lookups", async () => {
        const c = coll("idx_named");
        expect(await c.createIndex({ key: { site: 1, at: -1 }, name: "by_site" })).toBe("by_site");
        await c.createIndex({ key: { site: 1 } });
        await c.insertMany([
          { site: "A", at: 1 },
          { site: "A", at: 2 },
          { site: "B", at: 3 },
        ]);
        expect(await c.countDocuments({ site: "A" })).toBe(2);
        expect((await c.find({ site: "A", at: 2 })).length).toBe(1);
        expect((await c.find({ site: { $in: ["A", "B"] } })).length).toBe(3);
        await c.updateMany({ site: "A" }, { $set: { site: "C" } });
        expect(await c.countDocuments({ site: "A" })).toBe(0);
        expect(await c.countDocuments({ site: "C" })).toBe(2);
      });

      it.skipIf(!options.atomicUpdateMany)(
        "an updateMany that would break a unique index changes nothing",
        async () => {
          const c = coll("idx_many_atomic");
          await c.createIndex({ key: { slot: 1 }, unique: true });
          await c.insertMany([
            { _id: "a", slot: 1, g: 1 },
            { _id: "b", slot: 2, g: 1 },
            { _id: "c", slot: 5, g: 2 },
          ]);
          const error = await rejection(c.updateMany({}, { $set: { slot: 7 }, $inc: { touched: 1 } }));
          expect(error).toBeInstanceOf(DuplicateKeyError);
          expect(sortById(await c.find({}))).toEqual([
            { _id: "a", slot: 1, g: 1 },
            { _id: "b", slot: 2, g: 1 },
            { _id: "c", slot: 5, g: 2 },
          ]);
          await c.updateMany({ g: 1 }, { $inc: { slot: 10 } });
          expect((await c.find({}, { sort: { _id: 1 } })).map((d) => d.slot)).toEqual([11, 12, 5]);
        },
      );
    });

    describe("counters and concurrency", () => {
      it("nextSequence starts at 0, adds the step and keeps counters apart", async () => {
        const a = `seq_a_${suffix}`;
        const b = `seq_b_${suffix}`;
        expect(await store.nextSequence(a)).toBe(1);
        expect(await store.nextSequence(a)).toBe(2);
        expect(await store.nextSequence(a, 10)).toBe(12);
        expect(await store.nextSequence(b)).toBe(1);
      });

      it("concurrent nextSequence calls get distinct consecutive values", async () => {
        const name = `seq_conc_${suffix}`;
        const values = await Promise.all(Array.from({ length: 100 }, () => store.nextSequence(name)));
        expect([...values].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      });

      it("concurrent findOneAndUpdate increments give exact totals", async () => {
        const c = coll("conc_fau");
        await c.insertMany([
          { _id: "x", n: 0 },
          { _id: "y", n: 0 },
        ]);
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            c.findOneAndUpdate({ _id: i % 2 === 0 ? "x" : "y" }, { $inc: { n: 1 } }, { returnDocument: "after" }),
          ),
        );
        const seenX = results.filter((d) => d?._id === "x").map((d) => d?.n as number);
        expect(new Set(seenX).size).toBe(100);
        expect(await c.findOne({ _id: "x" })).toEqual({ _id: "x", n: 100 });
        expect(await c.findOne({ _id: "y" })).toEqual({ _id: "y", n: 100 });
        await Promise.all(Array.from({ length: 50 }, () => c.updateOne({ _id: "x" }, { $inc: { n: 2 } })));
        expect((await c.findOne({ _id: "x" }))?.n).toBe(200);
      });
    });

    describe("inOrder", () => {
      it("runs the writes one after the other and returns their results", async () => {
        const a = coll("in_order_a");
        const b = coll("in_order_b");
        await a.insertOne({ _id: "s", n: 0 });
        const order: string[] = [];
        const [inserted, updated] = await store.inOrder(
          () => {
            order.push("insert");
            return b.insertOne({ _id: "r1", session: "s" });
          },
          () => {
            order.push("update");
            return a.updateOne({ _id: "s" }, { $set: { current: "r1" }, $inc: { n: 1 } });
          },
        );
        expect(order).toEqual(["insert", "update"]);
        expect(inserted).toEqual({ insertedId: "r1" });
        expect(updated.matchedCount).toBe(1);
        expect(await a.findOne({ _id: "s" })).toEqual({ _id: "s", n: 1, current: "r1" });
        expect(await b.findOne({ _id: "r1" })).toEqual({ _id: "r1", session: "s" });
      });

      it("stops at the first failure: earlier writes stay, later ones never run", async () => {
        const c = coll("in_order_fail");
        await c.insertOne({ _id: "taken" });
        let ranAfter = false;
        const error = await rejection(
          store.inOrder(
            () => c.insertOne({ _id: "first" }),
            () => c.insertOne({ _id: "taken" }),
            () => {
              ranAfter = true;
              return c.insertOne({ _id: "third" });
            },
          ),
        );
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(ranAfter).toBe(false);
        expect((await c.find({}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual(["first", "taken"]);
      });

      it("goes on after a write that changes nothing, and after one that awaits something first", async () => {
        const c = coll("in_order_noop");
        await c.insertOne({ _id: "s", n: 0 });
        const [, missed, , last] = await store.inOrder(
          () => c.insertOne({ _id: "r1" }),
          () => c.updateOne({ _id: "nobody" }, { $set: { n: 1 } }),
          async () => {
            const seen = await c.findOne({ _id: "r1" });
            return c.updateOne({ _id: "s" }, { $set: { seen: seen !== null } });
          },
          () => c.updateOne({ _id: "s" }, { $inc: { n: 1 } }),
        );
        expect(missed.matchedCount).toBe(0);
        expect(last.modifiedCount).toBe(1);
        expect(await c.findOne({ _id: "s" })).toEqual({ _id: "s", n: 1, seen: true });
      });

      it("sees each earlier write from a later one", async () => {
        const c = coll("in_order_read");
        const [, found] = await store.inOrder(
          () => c.insertOne({ _id: "x", v: 1 }),
          () => c.findOne({ _id: "x" }),
        );
        expect(found).toEqual({ _id: "x", v: 1 });
      });
    });

    describe("values", () => {
      it("returns copies: mutating a result never changes the store", async () => {
        const c = coll("copies");
        await c.insertOne({ _id: "a", nested: { n: 1 }, list: [{ v: 1 }] });
        type Shape = { nested: { n: number }; list: { v: number }[] };
        const one = (await c.findOne({ _id: "a" })) as unknown as Shape;
        one.nested.n = 99;
        one.list.push({ v: 2 });
        const many = (await c.find({})) as unknown as Shape[];
        (many[0] as Shape).nested.n = 98;
        const projected = (await c.findOne({ _id: "a" }, { projection: { nested: 1 } })) as unknown as Shape;
        projected.nested.n = 97;
        const updated = await c.findOneAndUpdate({ _id: "a" }, { $set: { x: 1 } }, { returnDocument: "after" });
        (updated as unknown as Shape).nested.n = 96;
        const agg = (await c.aggregate([{ $match: { _id: "a" } }])) as unknown as Shape[];
        (agg[0] as Shape).nested.n = 95;
        expect(await c.findOne({ _id: "a" })).toEqual({ _id: "a", nested: { n: 1 }, list: [{ v: 1 }], x: 1 });
      });

      it("binary values round-trip as bytes, are copied both ways and pass through updates and aggregation", async () => {
        const c = coll("binary");
        const text = JSON.stringify({ note: 'quotes " and \\ backslashes, ünïcödé €', n: [1, 2] });
        const bytes = Buffer.from(text, "utf8");
        const empty = new Uint8Array(0);
        await c.insertOne({ _id: "a", body: bytes, nested: { raw: new Uint8Array([0, 255, 10, 34]) }, empty });
        bytes[0] = 0; // the caller's buffer is not the stored one
        type Shape = { body: Uint8Array; nested: { raw: Uint8Array }; empty: Uint8Array; tag?: string };
        const read = (await c.findOne({ _id: "a" })) as unknown as Shape;
        expect(read.body).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(read.body).toString("utf8")).toBe(text);
        expect([...read.nested.raw]).toEqual([0, 255, 10, 34]);
        expect(read.empty.byteLength).toBe(0);
        read.body[0] = 0; // nor is a result
        const again = (await c.find({ _id: "a" }))[0] as unknown as Shape;
        expect(Buffer.from(again.body).toString("utf8")).toBe(text);
        await c.updateOne({ _id: "a" }, { $set: { tag: "x", "nested.more": new Uint8Array([7]) } });
        const updated = (await c.findOne({ _id: "a" })) as unknown as Shape & { nested: { more: Uint8Array } };
        expect(Buffer.from(updated.body).toString("utf8")).toBe(text);
        expect([...updated.nested.more]).toEqual([7]);
        const [projected] = await c.aggregate<{ _id: string; tag: string }>([
          { $match: { _id: "a" } },
          { $project: { tag: 1 } },
        ]);
        expect(projected).toEqual({ _id: "a", tag: "x" });
        const [whole] = (await c.aggregate([{ $match: { _id: "a" } }])) as unknown as Shape[];
        expect(Buffer.from(whole?.body as Uint8Array).toString("utf8")).toBe(text);
        (whole as Shape).body[1] = 0; // an aggregation's result is a copy too
        const afterAggregate = (await c.findOne({ _id: "a" })) as unknown as Shape;
        expect(Buffer.from(afterAggregate.body).toString("utf8")).toBe(text);
        expect(await c.countDocuments({ body: { $exists: true } })).toBe(1);
      });

      it("Dates round-trip and compare as dates", async () => {
        const c = coll("dates");
        const start = new Date("2025-03-01T10:00:00.000Z");
        await c.insertMany([
          { _id: "a", startedAt: start, stops: [{ at: new Date("2025-03-01T11:00:00.000Z") }] },
          { _id: "b", startedAt: new Date("2025-03-02T10:00:00.000Z") },
        ]);
        const a = (await c.findOne({ _id: "a" })) as unknown as { startedAt: Date; stops: { at: Date }[] };
        expect(a.startedAt).toBeInstanceOf(Date);
        expect(a.startedAt.toISOString()).toBe(start.toISOString());
        expect(a.stops[0]?.at).toBeInstanceOf(Date);
        expect(a.stops[0]?.at.getTime()).toBe(Date.parse("2025-03-01T11:00:00.000Z"));
        const later = await c.find({ startedAt: { $gt: new Date("2025-03-01T12:00:00.000Z") } });
        expect(later.map((d) => d._id)).toEqual(["b"]);
        expect((await c.findOne({ startedAt: start }))?._id).toBe("a");
        await c.updateOne({ _id: "b" }, { $set: { endedAt: new Date("2025-03-02T11:30:00.000Z") } });
        expect((await c.findOne({ _id: "b" }))?.endedAt).toEqual(new Date("2025-03-02T11:30:00.000Z"));
      });

      it("lists collections that were written to", async () => {
        await coll("listed").insertOne({ a: 1 });
        await coll("listed_idx").createIndex({ key: { a: 1 } });
        const names = await store.listCollections();
        expect(names).toContain(`listed_${suffix}`);
        expect(names).toContain(`listed_idx_${suffix}`);
        expect(names).not.toContain(`never_${suffix}`);
      });
    });
  });
}
