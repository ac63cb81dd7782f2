// Astro config for the proctor dashboard (and the candidate exam page): server-rendered on the Node adapter.
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // Tests build into their own directory so that parallel test files never share one dist/.
  outDir: process.env.DASHBOARD_OUT_DIR || './dist',
  // The Node adapter would otherwise turn on filesystem sessions; our auth is a signed cookie (src/server/auth).
  session: false,
  // Cross-site form posts are refused for on-demand routes (CSRF), on top of the SameSite cookie.
  security: { checkOrigin: true },
  server: { host: '127.0.0.1', port: 14321 },
  devToolbar: { enabled: false },
});
