// Bulk actions over sessions. See docs/pipeline.md.
export {
  BULK_ACTIONS_COLLECTION,
  BULK_ITEMS_COLLECTION,
  BULK_RUN_JOB,
  type BulkActionDoc,
  BulkActionNotFoundError,
  BulkActionStateError,
  BulkActions,
  type BulkActionsOptions,
  type BulkActionView,
  type BulkError,
  type BulkItemDoc,
  type BulkItemOutcome,
  type BulkRequest,
  type BulkSelection,
  type BulkStatus,
  bulkReasonOf,
  viewOf,
} from "./bulk-actions.ts";

import { BulkActions, type BulkActionsOptions } from "./bulk-actions.ts";

/** Builds the bulk actions, creates their indexes and defines the `bulk:run` job. */
export async function createBulkActions(options: BulkActionsOptions): Promise<BulkActions> {
  const bulk = new BulkActions(options);
  await bulk.init();
  return bulk;
}
