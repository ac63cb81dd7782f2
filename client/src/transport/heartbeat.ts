// When to send a heartbeat: any successful request to the edge within the interval already proves the candidate
// is connected, so a heartbeat goes out only after 90% of an interval without contact.
export function heartbeatDue(now: number, lastContact: number, intervalSeconds: number): boolean {
  return now - lastContact >= intervalSeconds * 900;
}
