// @ts-check
// (for editors: `npm run typecheck` runs before any build, without dist/)
// The baseline, in its own process like the worker and run the same way
// (plain node on dist/), so the two rates differ only in what they send:
// pooled nodemailer handing the same pre-rendered message to the sink again
// and again. mode "mail": send() with pre-rendered html and text (nodemailer
// builds the MIME each time); mode "raw": sendRaw() of one pre-built message.
import { readFile } from 'node:fs/promises';
import { createMailTransport } from '../../dist/mail/transport.js';

const [mode, file, countArg, poolArg, smtpUrl] = /** @type {[string, string, string, string, string]} */ (
  process.argv.slice(2)
);
/** @type {{ subject: string; html: string; text: string; raw: string }} */
const message = JSON.parse(await readFile(file, 'utf8'));
const count = Number(countArg);
const poolSize = Number(poolArg);
const mailer = createMailTransport({ smtpUrl, poolSize, ratePerSecond: 0 });

let next = 0;
const sendOne = (/** @type {number} */ i) =>
  mode === 'raw'
    ? mailer.sendRaw({ from: 'digest@bench.test', to: `r${i}@bench.test` }, message.raw)
    : mailer.send({
        from: 'Paperboy <digest@bench.test>',
        to: `r${i}@bench.test`,
        subject: message.subject,
        html: message.html,
        text: message.text,
        messageId: `<raw-${i}@bench.test>`,
      });
// Warm the pool up before the clock starts.
await Promise.all(Array.from({ length: poolSize }, (_, i) => sendOne(-1 - i)));
const started = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: poolSize * 4 }, async () => {
    while (next < count) await sendOne(next++);
  }),
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
mailer.close();
process.stdout.write(`${JSON.stringify({ mode, count, seconds, perSecond: count / seconds })}\n`);
