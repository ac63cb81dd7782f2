// One anomaly event through the rule for its type: state + event → new state + alerts. Pure.
import type { AnomalyEvent, ExamConfig } from '@proctor/contracts';
import { cameraBlockedRule, cameraLostRule } from './camera.ts';
import { lookAwayRule } from './lookAway.ts';
import { multiPersonRule } from './multiPerson.ts';
import { noFaceRule } from './noFace.ts';
import { onDeviceRule } from './onDevice.ts';
import type { AlertDraft, RuleState } from './types.ts';

export function applyEvent(
  state: RuleState,
  event: AnomalyEvent,
  config: ExamConfig,
): { state: RuleState; alerts: AlertDraft[] } {
  const newestTs = Math.max(state.maxEventTs, event.timestamp);
  const base = { ...state, maxEventTs: newestTs };
  switch (event.type) {
    case 'LOOK_AWAY': {
      const r = lookAwayRule(state.lookAway, event, config, newestTs);
      return { state: { ...base, lookAway: r.state }, alerts: r.alerts };
    }
    case 'NO_FACE': {
      const r = noFaceRule(state.noFace, event, config, newestTs);
      return { state: { ...base, noFace: r.state }, alerts: r.alerts };
    }
    case 'MULTI_PERSON': {
      const r = multiPersonRule(state.multiPerson, event, config);
      return { state: { ...base, multiPerson: r.state }, alerts: r.alerts };
    }
    case 'CAMERA_BLOCKED': {
      const r = cameraBlockedRule(state.cameraBlocked, event);
      return { state: { ...base, cameraBlocked: r.state }, alerts: r.alerts };
    }
    case 'CAMERA_LOST': {
      const r = cameraLostRule(state.cameraLost, event);
      return { state: { ...base, cameraLost: r.state }, alerts: r.alerts };
    }
    default: {
      const r = onDeviceRule(state.onDevice, event);
      return { state: { ...base, onDevice: r.state }, alerts: r.alerts };
    }
  }
}
