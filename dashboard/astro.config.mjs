// Astro config for the proctor dashboard (and the candidate exam page): server-rendered on the Node adapter.
import { fileURLToPath } from 'node:url';
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

// The candidate page's detector only uses the tfjs runtime; see build/mediapipeFaceDetectionShim.js.
const mediapipeShim = fileURLToPath(new URL('./build/mediapipeFaceDetectionShim.js', import.meta.url));

export default defineConfig({
  output: 'server',
  // A backstop just above the largest route's own limit (RECEIPT_BODY_LIMIT, 2 MiB, in
  // src/server/api/routes/sessions/receipt.ts; every route has its own, hono/body-limit): the route's limit answers
  // first, and the adapter's default would read up to 1 GiB.
  adapter: node({ mode: 'standalone', bodySizeLimit: 2 * 1024 * 1024 + 64 * 1024 }),
  // Tests build into their own directory so that parallel test files never share one dist/.
  outDir: process.env.DASHBOARD_OUT_DIR || './dist',
  // The Node adapter would otherwise turn on filesystem sessions; ours are in Redis (src/server/auth/loginSessions.ts).
  session: false,
  // CSP: Astro hashes every script and style it emits and sends the policy as a header on rendered pages; the
  // middleware adds frame-ancestors (the exam page gets its own, from PLATFORM_ORIGINS).
  security: {
    // Off on purpose: the platform's LMS launch may POST a token to /login from its own origin. The middleware
    // instead refuses every cookie-authenticated write whose Origin is not ours (src/middleware.ts).
    checkOrigin: false,
    csp: {
      algorithm: 'SHA-256',
      directives: [
        "default-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ],
    },
  },
  server: { host: '127.0.0.1', port: 14321 },
  devToolbar: { enabled: false },
  vite: { resolve: { alias: [{ find: /^@mediapipe\/face_detection$/, replacement: mediapipeShim }] } },
});
