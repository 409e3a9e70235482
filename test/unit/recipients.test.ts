import { describe, expect, it } from 'vitest';
import { replyRecipients } from '../../core/drafts/recipients.ts';
import { formRecipients } from '../../server/pages/recipient-form.ts';

const ines = { address: 'ines@duarte.example', name: 'Ines Duarte' };
const kim = { address: 'kim@duarte.example', name: 'Kim' };

describe('recipients, each address once', () => {
  it('reply-all: the customer in To, the others once in Cc, none of ours', () => {
    const message = {
      from_address: ines.address,
      from_name: ines.name,
      reply_to: [],
      to: [
        { address: 'support@fernhill.example', name: '' },
        { address: 'KIM@duarte.example', name: 'Kim' },
      ],
      cc: [kim, { address: 'Ines@Duarte.example', name: '' }],
    };
    expect(replyRecipients(message, new Set(['support@fernhill.example']))).toEqual({ to: [ines], cc: [{ address: 'KIM@duarte.example', name: 'Kim' }] });
  });

  it('the draft form: a chip kept, a typed duplicate dropped, and someone already in To not added again to Cc', () => {
    const form = { toAddress: ines.address, toName: ines.name, toAdd: 'ines@DUARTE.example', ccAdd: 'Ines <ines@duarte.example>, Kim <kim@duarte.example>, kim@duarte.example' };
    expect(formRecipients(form)).toEqual({ to: [ines], cc: [kim] });
  });

  it('leaves out a field the form did not carry', () => {
    expect(formRecipients({ ccAdd: 'kim@duarte.example' })).toEqual({ to: undefined, cc: [{ address: kim.address, name: '' }] });
  });
});
