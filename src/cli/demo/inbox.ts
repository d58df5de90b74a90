// The demo's embedded SMTP inbox: accepts every message on the configured
// SMTP port, saves it as .eml and .html under a folder, and lists it on a
// small local web page (like Mailpit, without installing anything).
import { createServer, type Server } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { escapeHtml } from '../../http/pages/html.js';

export interface InboxMessage {
  id: number;
  to: string;
  subject: string;
  receivedAt: Date;
  emlPath: string;
  htmlPath: string;
  html: string;
}

export interface Inbox {
  messages: InboxMessage[];
  smtpPort: number;
  webUrl: string;
  stop(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

export async function startInbox(options: { smtpPort: number; webPort: number; folder: string }): Promise<Inbox> {
  await mkdir(options.folder, { recursive: true });
  const messages: InboxMessage[] = [];

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: MAX_MESSAGE_BYTES,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        store(raw, session.envelope.rcptTo.map((r) => r.address).join(', ')).then(() => callback(), callback);
      });
    },
  });

  async function store(raw: Buffer, to: string): Promise<void> {
    const parsed = await simpleParser(raw);
    const id = messages.length + 1;
    const base = path.join(options.folder, `${String(id).padStart(3, '0')}`);
    const html = typeof parsed.html === 'string' ? parsed.html : `<pre>${escapeHtml(parsed.text ?? '')}</pre>`;
    await writeFile(`${base}.eml`, raw);
    await writeFile(`${base}.html`, html);
    messages.push({
      id,
      to,
      subject: parsed.subject ?? '(no subject)',
      receivedAt: new Date(),
      emlPath: `${base}.eml`,
      htmlPath: `${base}.html`,
      html,
    });
  }

  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort, '127.0.0.1', () => resolve());
  });

  const web: Server = createServer((req, res) => {
    const match = /^\/messages\/(\d+)$/.exec(req.url ?? '');
    const message = match ? messages[Number(match[1]) - 1] : undefined;
    if (message) {
      // The email's own HTML, sandboxed: no scripts, no same-origin access.
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': 'sandbox' });
      res.end(message.html);
      return;
    }
    const rows = messages
      .map(
        (m) =>
          `<li><a href="/messages/${m.id}">${escapeHtml(m.subject)}</a> — to ${escapeHtml(m.to)} at ${m.receivedAt.toISOString()}</li>`,
      )
      .join('');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'" });
    res.end(
      `<!doctype html><meta charset="utf-8"><title>Paperboy demo inbox</title><h1>Demo inbox</h1><ol>${rows || '<li>No messages yet</li>'}</ol>`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    web.once('error', reject);
    web.listen(options.webPort, '127.0.0.1', () => resolve());
  });

  return {
    messages,
    smtpPort: (smtp.server.address() as AddressInfo).port,
    webUrl: `http://127.0.0.1:${(web.address() as AddressInfo).port}`,
    async stop() {
      await new Promise<void>((resolve) => web.close(() => resolve()));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
