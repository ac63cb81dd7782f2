import { describe, expect, it } from 'vitest';
import { parseFragment, parseHostMessage, refuseForeignEdge } from './launch.ts';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJ0MSJ9.c2ln';
const EDGES = ['http://127.0.0.1:18787', 'https://edge.example'];

describe('parseFragment', () => {
  it('reads token, edge and fps', () => {
    expect(parseFragment(`#token=${jwt}&edge=http://127.0.0.1:18787&fps=1`, EDGES)).toEqual({
      token: jwt,
      edge: 'http://127.0.0.1:18787',
      fps: 1,
    });
  });
  it('reads the bench knobs models, fullEvery and adaptive, and ignores values the client would refuse', () => {
    const base = `#token=${jwt}&edge=http://127.0.0.1:18787`;
    expect(parseFragment(`${base}&models=short+full&fullEvery=1&adaptive=0`, EDGES)).toMatchObject({
      models: 'short+full',
      fullEvery: 1,
      adaptive: false,
    });
    expect(parseFragment(`${base}&adaptive=1`, EDGES)).not.toHaveProperty('adaptive');
    expect(parseFragment(`${base}&adaptive=rate`, EDGES)).toMatchObject({ adaptive: 'rate-only' });
    expect(parseFragment(`${base}&models=full%3Eshort`, EDGES)).toMatchObject({ models: 'full>short' });
    const ignored = parseFragment(`${base}&models=huge&fullEvery=4`, EDGES);
    expect(ignored).not.toHaveProperty('models');
    expect(ignored).not.toHaveProperty('fullEvery');
  });
  it('is undefined without a launch fragment, so the page waits for postMessage', () => {
    expect(parseFragment('', EDGES)).toBeUndefined();
  });
  it('explains a bad token or edge', () => {
    expect(parseFragment('#token=nope&edge=http://x', EDGES)).toMatchObject({
      error: expect.stringContaining('token'),
    });
    expect(parseFragment(`#token=${jwt}&edge=javascript:alert(1)`, EDGES)).toMatchObject({
      error: expect.stringContaining('server'),
    });
  });
});

describe('an edge this site does not serve', () => {
  it('is refused with a message naming it and saying what to do, whatever its path or port', () => {
    for (const edge of ['http://127.0.0.1:18788', 'https://edge.example.evil.test', 'http://edge.example']) {
      const result = parseFragment(`#token=${jwt}&edge=${encodeURIComponent(edge)}`, EDGES);
      expect(result).toEqual({ error: expect.stringContaining(new URL(edge).origin) });
      expect(result).toMatchObject({ error: expect.stringMatching(/Open the exam again from your exam platform/) });
    }
    expect(refuseForeignEdge('https://edge.example/v1', EDGES)).toBeUndefined();
    expect(refuseForeignEdge('https://user@edge.example.evil.test', EDGES)).toMatch(/does not work with/);
  });
});

describe('parseHostMessage', () => {
  it('accepts the three message types and ignores anything else', () => {
    expect(parseHostMessage({ type: 'proctor:launch', token: jwt, edge: 'https://edge.example' })).toEqual({
      type: 'proctor:launch',
      token: jwt,
      edge: 'https://edge.example',
    });
    expect(parseHostMessage({ type: 'proctor:token', token: jwt })).toEqual({ type: 'proctor:token', token: jwt });
    expect(parseHostMessage({ type: 'proctor:stop', reason: 'weird' })).toEqual({
      type: 'proctor:stop',
      reason: 'submitted',
    });
    expect(parseHostMessage({ type: 'proctor:launch', token: 'x', edge: 'https://e' })).toBeUndefined();
    expect(parseHostMessage('proctor:launch')).toBeUndefined();
  });
});
