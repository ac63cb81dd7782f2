import { describe, expect, it } from 'vitest';
import { band, parseLabels } from './labels.ts';

describe('parseLabels', () => {
  it('reads file and group, reports every other column, ages in bands of ten', () => {
    const set = parseLabels('file,group,gender,age\r\na.jpg,black,female,24\r\nb.jpg,white,male,31\r\n');
    expect(set.columns).toEqual(['group', 'gender', 'age']);
    expect(set.photos).toEqual([
      { file: 'a.jpg', labels: { group: 'black', gender: 'female', age: '20–29' } },
      { file: 'b.jpg', labels: { group: 'white', gender: 'male', age: '30–39' } },
    ]);
  });

  it('takes columns in any order and case, quoted fields, a byte-order mark and blank lines', () => {
    const set = parseLabels('\uFEFFGroup,File\n\n"east_asian, white","x ""1"".jpg"\n');
    expect(set.photos).toEqual([{ file: 'x "1".jpg', labels: { group: 'east_asian, white' } }]);
  });

  it('bands a numeric column whose missing values are spelled NA', () => {
    const set = parseLabels('file,group,age\na.jpg,g,24\nb.jpg,g,NA\nc.jpg,g,n/a\n');
    expect(set.photos.map((p) => p.labels.age)).toEqual(['20–29', 'unknown', 'unknown']);
  });

  it('keeps a column with any non-number as values; an empty value is "unknown"', () => {
    const set = parseLabels('file,group,age\na.jpg,g,24\nb.jpg,g,\nc.jpg,g,30s\n');
    expect(set.photos.map((p) => p.labels.age)).toEqual(['24', 'unknown', '30s']);
  });

  it.each([
    ['', /empty/],
    ['file,gender\na.jpg,f\n', /line 1: no `group` column/],
    ['file,group,group\n', /appears twice/],
    ['file,group\na.jpg\n', /line 2: 1 fields, the header has 2/],
    ['file,group\na.jpg,\n', /line 2: file and group must not be empty/],
    ['file,group\na.jpg,x\na.jpg,y\n', /line 3: a.jpg is listed twice/],
    ['file,group\n"a.jpg,x\n', /line 2: unclosed quote/],
  ])('rejects %j with what to fix', (text, message) => {
    expect(() => parseLabels(text)).toThrow(message);
  });
});

describe('band', () => {
  it('puts a number in its decade', () => {
    expect([band(18), band(20), band(29), band(61)]).toEqual(['10–19', '20–29', '20–29', '60–69']);
  });
});
