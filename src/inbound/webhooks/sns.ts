// Amazon SNS message signatures (SignatureVersion 1: SHA1withRSA, 2:
// SHA256withRSA) over the canonical "Key\nValue\n" string. The signing
// certificate is fetched from SigningCertURL only when that is an https URL
// on an sns.<region>.amazonaws.com host, so a forged message cannot point
// the check at a certificate of its own. The fetcher is injectable for tests.
import { createVerify, X509Certificate } from 'node:crypto';
import { WebhookError } from './webhook-intake.js';

export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  SubscribeURL?: string;
  Token?: string;
}

export type FetchText = (url: string) => Promise<string>;

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** Only Amazon's own SNS hosts, over https. */
export function isAmazonSnsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && SNS_HOST.test(url.hostname) && !url.username && !url.port;
  } catch {
    return false;
  }
}

/** The default fetcher: refuses any host but Amazon's SNS hosts, even if called with one. */
export const fetchFromAmazon: FetchText = async (url) => {
  if (!isAmazonSnsUrl(url)) throw new WebhookError('unauthenticated', 'SigningCertURL is not an Amazon SNS https URL');
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`SNS certificate fetch answered ${response.status}`);
  return response.text();
};

const FIELDS: Record<SnsMessage['Type'], Array<keyof SnsMessage>> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

export function snsStringToSign(message: SnsMessage): string {
  return FIELDS[message.Type]
    .filter((key) => message[key] !== undefined)
    .map((key) => `${key}\n${message[key]}\n`)
    .join('');
}

export function parseSnsMessage(body: unknown): SnsMessage {
  const m = body as Partial<SnsMessage> | null;
  const strings: Array<keyof SnsMessage> = [
    'Type',
    'MessageId',
    'TopicArn',
    'Message',
    'Timestamp',
    'SignatureVersion',
    'Signature',
    'SigningCertURL',
  ];
  const missing = strings.filter((key) => typeof m?.[key] !== 'string');
  if (missing.length) throw new WebhookError('malformed', `SNS message without ${missing.join(', ')}`);
  if (!(m!.Type! in FIELDS))
    throw new WebhookError('malformed', `SNS message of unknown Type ${String(m!.Type).slice(0, 40)}`);
  return m as SnsMessage;
}

export function createSnsVerifier(fetchText: FetchText = fetchFromAmazon) {
  const certificates = new Map<string, Promise<X509Certificate>>();
  const certificate = (url: string) => {
    let cert = certificates.get(url);
    if (!cert) {
      cert = fetchText(url).then((pem) => new X509Certificate(pem));
      cert.catch(() => certificates.delete(url));
      certificates.set(url, cert);
    }
    return cert;
  };
  return async function verifySns(message: SnsMessage): Promise<void> {
    if (!isAmazonSnsUrl(message.SigningCertURL))
      throw new WebhookError('unauthenticated', 'SigningCertURL is not an Amazon SNS https URL');
    const algorithm = { '1': 'RSA-SHA1', '2': 'RSA-SHA256' }[message.SignatureVersion];
    if (!algorithm)
      throw new WebhookError(
        'unauthenticated',
        `unsupported SignatureVersion ${message.SignatureVersion.slice(0, 10)}`,
      );
    const cert = await certificate(message.SigningCertURL);
    const verifier = createVerify(algorithm);
    verifier.update(snsStringToSign(message), 'utf8');
    if (!verifier.verify(cert.publicKey, message.Signature, 'base64'))
      throw new WebhookError('unauthenticated', 'SNS signature does not match');
  };
}
