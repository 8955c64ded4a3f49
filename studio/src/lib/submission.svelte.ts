// A request a form or dialog sends: whether it is under way (to disable the submit button) and why it last failed
// (shown in an ErrorBox). One request at a time: a second submit while one is under way is ignored.

export class Submission {
  busy = $state(false);
  error = $state<unknown>(null);

  /** Clears the last failure, e.g. before the form's own checks refuse to send. */
  clear(): void {
    this.error = null;
  }

  /**
   * Runs `send`; a throw becomes `error` and is also passed to `onFailure` (to place the runtime's field errors next
   * to their fields). To show a refusal of the form's own, throw an Error from `send`.
   */
  async run(send: () => Promise<void>, onFailure?: (error: unknown) => void): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      await send();
    } catch (e) {
      this.error = e;
      onFailure?.(e);
    } finally {
      this.busy = false;
    }
  }
}
