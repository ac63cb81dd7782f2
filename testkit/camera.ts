// @proctor/testkit/camera: real face photos from npm packages and Chromium fake-camera clips made from them (ffmpeg).
export * from './fakeCamera.ts';
export * from './samplePhotos.ts';
