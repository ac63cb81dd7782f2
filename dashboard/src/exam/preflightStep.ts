// The exam page's setup check between consent and the exam: light, face size and detector confidence, each with
// how to fix it. Advisory: the candidate can always go on (a dim room is a condition, never a reason to refuse).
import { type PreflightHandle, type PreflightReport, startPreflight } from '@proctor/client';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const SUMMARY: Record<PreflightReport['state'], string> = {
  measuring: 'Measuring your setup…',
  pass: 'All checks passed. You can start the exam.',
  fix: 'Please fix what is marked above; the checks update as you change your setup.',
};

function render(report: PreflightReport) {
  for (const c of report.checks) {
    const li = $(`pf-${c.name}`);
    li.dataset.state = report.state === 'measuring' ? 'wait' : c.ok ? 'ok' : 'bad';
    li.dataset.problem = c.problem ?? '';
    li.querySelector('span')!.textContent = c.message;
  }
  $('preflight-summary').textContent = SUMMARY[report.state];
  $('preflight-continue').textContent = report.state === 'fix' ? 'Start the exam anyway' : 'Start the exam';
  document.body.dataset.preflight = report.state;
}

/** Runs the check until the candidate continues; resolves when they do, with the camera released. */
export async function runPreflight(): Promise<void> {
  document.body.dataset.preflight = 'starting';
  let handle: PreflightHandle | undefined;
  const continued = new Promise<void>((resolve) =>
    $('preflight-continue').addEventListener('click', () => resolve(), { once: true }),
  );
  const started = startPreflight({ video: $('preflight-preview') as HTMLVideoElement, onReport: render }).then(
    (start) => {
      if (start.ok) {
        handle = start.handle;
        return;
      }
      document.body.dataset.preflight = 'unavailable';
      $('preflight-summary').textContent = '';
      $('preflight-error').textContent =
        start.reason === 'camera'
          ? `The camera did not start (${start.message}). Allow camera access for this page, then reload it.`
          : `The setup check could not run here (${start.message}). You can still start the exam.`;
    },
  );
  await continued;
  await started; // the camera is released before the exam opens it again
  handle?.stop();
}
