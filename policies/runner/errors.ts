/** A usage or setup problem (no stacks, no checkov, unreadable JSON): the gate exits 2, not 1. */
export class PolicySetupError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PolicySetupError';
  }
}
