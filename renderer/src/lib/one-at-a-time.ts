/**
 * Runs `run` one call at a time. A call made while one is under way gets that one's promise and asks for one
 * more run after it, however many such calls come meanwhile: a read started before a change may miss it, so
 * the change is read by the run that follows instead of by a pile of overlapping reads. `run` reports its own
 * failures (it never rejects): the run after it is started without anyone awaiting it.
 */
export function oneAtATime(run: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  let again = false;
  const call = (): Promise<void> => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = run().finally(() => {
      inFlight = null;
      if (again) {
        again = false;
        void call();
      }
    });
    return inFlight;
  };
  return call;
}
