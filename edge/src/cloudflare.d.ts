// The one Workers-runtime module the edge imports (the workspace type-checks with web-standard globals only).
declare module 'cloudflare:workers' {
  export const env: Record<string, unknown>;
}
