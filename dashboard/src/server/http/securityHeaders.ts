// Response headers every dashboard answer gets, the request id we accept, and the exam page's frame-ancestors.

export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` on a form POST, and our own
  // Sign out and review forms would fail the origin check. Other origins still get no referrer at all.
  'referrer-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** An incoming id is echoed only when it is short and plain; anything else gets a fresh one (no header injection). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

export function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id');
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/** Adds a directive to whatever CSP Astro rendered (its script and style hashes stay). */
export function addCspDirective(response: Response, directive: string): void {
  const csp = response.headers.get('content-security-policy');
  response.headers.set(
    'content-security-policy',
    csp ? `${csp.replace(/;?\s*$/, ';')} ${directive};` : `${directive};`,
  );
}

/**
 * The exam page is embedded by the exam platform: only the configured platform origins may frame it. Its script
 * policy is the platform's and the candidate's browser's business (models, WASM, the edge's origin), so it gets
 * frame-ancestors, object-src and base-uri and no script restrictions yet.
 */
export function examFrameAncestors(response: Response, platformOrigins: string[]): void {
  const ancestors = ["'self'", ...platformOrigins].join(' ');
  response.headers.set('content-security-policy', `frame-ancestors ${ancestors}; object-src 'none'; base-uri 'none';`);
  response.headers.delete('x-frame-options');
}
