// Astro config for the proctor dashboard (and the candidate exam page): server-rendered on the Node adapter.
import { fileURLToPath } from 'node:url';
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

// The candidate page's detector only uses the tfjs runtime; see build/mediapipeFaceDetectionShim.js.
const mediapipeShim = fileURLToPath(new URL('./build/mediapipeFaceDetectionShim.js', import.meta.url));

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // Tests build into their own directory so that parallel test files never share one dist/.
  outDir: process.env.DASHBOARD_OUT_DIR || './dist',
  // The Node adapter would otherwise turn on filesystem sessions; our auth is a signed cookie (src/server/auth).
  session: false,
  // Off on purpose: the platform's LMS launch may POST a token to /login from its own origin. The middleware
  // instead refuses every cookie-authenticated write whose Origin is not ours (src/middleware.ts).
  security: { checkOrigin: false },
  server: { host: '127.0.0.1', port: 14321 },
  devToolbar: { enabled: false },
  vite: { resolve: { alias: [{ find: /^@mediapipe\/face_detection$/, replacement: mediapipeShim }] } },
});
