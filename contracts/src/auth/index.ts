// Bearer-token verification for every service that accepts the platform's RS256 tokens.

export * from './keySource.ts';
export * from './verifyToken.ts';
