import { describe, expect, it } from 'vitest';
import { describeChange } from '../../core/drafts/revisions.ts';

describe('describeChange', () => {
  const v = (body: string, subject = 'Re: Handle') => ({ subject, body });
  it('counts the words a version added and removed, and a new subject', () => {
    expect(describeChange(null, v('Hi Ines'))).toBe('first version');
    expect(describeChange(v('Hi Ines, thanks'), v('Hi Ines, a new rivet kit ships today'))).toBe('+6 words, −1 word');
    expect(describeChange(v('Hi Ines'), v('Hi Ines', 'Re: Your handle'))).toBe('new subject');
    expect(describeChange(v('Hi Ines'), v('Hi Ines'))).toBe('no change');
    expect(describeChange(v('Hi Ines,'), v('Hi, Ines'))).toBe('reworded');
  });
});
