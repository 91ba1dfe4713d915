// A message posted in an intake channel, filed as a ticket: its first line with text is the title; a message
// with files only is filed under the first file's title or name.
import { describe, expect, it } from 'vitest';
import { intakeTicketText } from '../../src/core/parse/index.js';

const slackDecode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('intakeTicketText: a message with text', () => {
  it('takes the first line with text as the title, trimmed, and the whole message as the description', () => {
    expect(intakeTicketText('\n  \n   Printer on floor 3 is jammed  \nsince 9am')).toStrictEqual({
      title: 'Printer on floor 3 is jammed',
      description: '\n  \n   Printer on floor 3 is jammed  \nsince 9am',
    });
    expect(intakeTicketText('\t\nVPN is down')).toStrictEqual({ title: 'VPN is down', description: '\t\nVPN is down' });
  });

  it('drops NUL characters instead of refusing the message', () => {
    expect(intakeTicketText('Printer\u0000 jammed\r\nagain')).toStrictEqual({ title: 'Printer jammed', description: 'Printer jammed\nagain' });
  });

  it('undoes Slack’s escaping after clean-up', () => {
    expect(intakeTicketText('Q&amp;A page shows &lt;error&gt;', slackDecode)).toStrictEqual({
      title: 'Q&A page shows <error>',
      description: 'Q&A page shows <error>',
    });
  });

  it('is nothing to file when there is no text and no file', () => {
    expect(intakeTicketText('')).toBeNull();
    expect(intakeTicketText(' \n\t\n ')).toBeNull();
    expect(intakeTicketText('\u0000')).toBeNull();
  });
});

describe('intakeTicketText: files only', () => {
  it('one file: its title is the ticket’s title and the description says so', () => {
    expect(intakeTicketText('', undefined, [{ name: 'checkout.png', title: 'Broken checkout' }])).toStrictEqual({
      title: 'Broken checkout',
      description: 'Filed from a message with a file and no text:\n• Broken checkout',
    });
  });

  it('a file whose title is blank goes by its name', () => {
    expect(intakeTicketText('', undefined, [{ name: 'scan.pdf', title: '   ' }])).toStrictEqual({
      title: 'scan.pdf',
      description: 'Filed from a message with a file and no text:\n• scan.pdf',
    });
  });

  it('names are kept on one line, without NUL characters or spaces around them', () => {
    expect(
      intakeTicketText('', undefined, [{ title: 'Q3  sales\nreport' }, { title: '\u0000 draft.docx ' }, { name: ' \u0000notes.txt' }]),
    ).toStrictEqual({
      title: 'Q3 sales report',
      description: 'Filed from a message with 3 files and no text:\n• Q3 sales report\n• draft.docx\n• notes.txt',
    });
  });

  it('files without a title or a name are left out', () => {
    expect(intakeTicketText('', undefined, [{}, { title: ' ', name: '' }, { name: 'log.txt' }])).toStrictEqual({
      title: 'log.txt',
      description: 'Filed from a message with a file and no text:\n• log.txt',
    });
    expect(intakeTicketText('', undefined, [{}, { name: '\u0000' }])).toBeNull();
  });
});
