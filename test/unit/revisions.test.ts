import { describe, expect, it } from 'vitest';
import { describeChange } from '../../core/drafts/revisions.ts';

describe('describeChange', () => {
  const ines = { address: 'ines@duarte.example', name: 'Ines Duarte' };
  const v = (body: string, subject = 'Re: Handle', to = [ines], cc: typeof to = []) => ({ subject, body, to, cc });
  it('counts the words a version added and removed, and a new subject', () => {
    expect(describeChange(null, v('Hi Ines'))).toBe('first version');
    expect(describeChange(v('Hi Ines, thanks'), v('Hi Ines, a new rivet kit ships today'))).toBe('+6 words, −1 word');
    expect(describeChange(v('Hi Ines'), v('Hi Ines', 'Re: Your handle'))).toBe('new subject');
    expect(describeChange(v('Hi Ines'), v('Hi Ines'))).toBe('no change');
    expect(describeChange(v('Hi Ines,'), v('Hi, Ines'))).toBe('reworded');
  });

  it('names the recipients a version added or removed, in To and in Cc', () => {
    const kim = { address: 'kim@duarte.example', name: 'Kim' };
    expect(describeChange(v('Hi Ines'), v('Hi Ines', 'Re: Handle', [ines], [kim]))).toBe('added kim@duarte.example (Cc)');
    expect(describeChange(v('Hi Ines', 'Re: Handle', [ines, kim]), v('Hi Ines, thanks', 'Re: Handle', [ines]))).toBe('+1 word, removed kim@duarte.example (To)');
    // Moving someone from To to Cc is a change too; a different spelling of the same address is not.
    expect(describeChange(v('Hi', 'S', [ines, kim]), v('Hi', 'S', [ines], [kim]))).toBe('removed kim@duarte.example (To), added kim@duarte.example (Cc)');
    expect(describeChange(v('Hi', 'S', [ines]), v('Hi', 'S', [{ address: 'Ines@Duarte.example', name: 'Ines' }]))).toBe('no change');
  });

  it('compares no recipients for a version saved before recipients were recorded', () => {
    expect(describeChange({ subject: 'S', body: 'Hi', to: null, cc: null }, v('Hi', 'S'))).toBe('no change');
  });
});
