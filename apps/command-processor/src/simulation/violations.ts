/** Invariant violations found during one seed, each with the step it was seen at. */
export class Violations {
  readonly found: string[] = [];
  step = 0;

  report(message: string): void {
    this.found.push(`step ${this.step}: ${message}`);
  }
}
