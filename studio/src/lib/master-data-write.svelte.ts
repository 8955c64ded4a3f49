// A master data form's write: the form's own checks first (nothing is sent while they find a problem), then the
// request; the runtime's field errors come back next to their fields, the rest in the form's ErrorBox.
import { ApiError } from "./api.ts";
import { type FieldErrors, problemErrors } from "./master-data-form.ts";
import { Submission } from "./submission.svelte.ts";

export class MasterDataWrite extends Submission {
  /** Problems per field path ("name", "@effectiveFrom", "@reason", …). */
  errors = $state<FieldErrors>({});

  /**
   * Sends `write` unless `found` (the form's own checks) names a problem. `placeErrors` moves the runtime's field
   * errors to where the form shows them, when its fields are not the entity's data.
   */
  async send(
    found: FieldErrors,
    write: () => Promise<void>,
    placeErrors: (raw: FieldErrors) => FieldErrors = (raw) => raw,
  ): Promise<void> {
    this.clear();
    this.errors = found;
    if (Object.keys(found).length > 0) return;
    await this.run(write, (e) => {
      if (e instanceof ApiError) this.errors = placeErrors(problemErrors(e.problem?.errors));
    });
  }
}
