// Object storage (S3 API) shared by the edge, the dashboard and the local stack: the client and the thumbnail lifecycle.
export * from './objectStore.ts';
export * from './thumbnailObjects.ts';
