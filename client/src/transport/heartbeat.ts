// When to send a heartbeat. The edge treats every accepted request (an event batch bumps the liveness deadline
// exactly as a heartbeat does) as proof that the candidate is connected, so a heartbeat is only needed once a
// whole interval has passed without contact: a batch sent within the interval makes that interval's heartbeat
// redundant. The edge declares a connection lost after connectionLostAfterIntervals (≥ 2) intervals without
// contact, so sending at the interval (checked every second) leaves at least one interval of slack.
export function heartbeatDue(now: number, lastContact: number, intervalSeconds: number): boolean {
  return now - lastContact >= intervalSeconds * 1000;
}
