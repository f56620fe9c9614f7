// The mail port: every mail the desk sends (acknowledgements, agents' replies, resolution notices,
// SLA alerts, answers to mail it cannot take), delivered by the outbox sender. The local adapter
// writes .eml files to <DATA_DIR>/outbox; the SES adapter sends raw MIME through SES v2. Kept small
// on purpose: threading headers (Message-ID, In-Reply-To, References) go in `headers`.

export interface OutboundMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** Extra header fields, e.g. `Auto-Submitted: auto-generated` on every mail no person wrote. */
  headers: Record<string, string>;
}

export interface MailSender {
  send(mail: OutboundMail): Promise<void>;
}

/**
 * The mail service refused the send for its rate (SES's sending rate or a throttled API call):
 * nothing is wrong with the mail, so it waits and is tried again without counting as an attempt.
 */
export class MailThrottledError extends Error {
  /** The service's error name, e.g. `TooManyRequestsException`. */
  readonly code: string;
  constructor(code: string) {
    super(`mail service throttled the send (${code})`);
    this.name = 'MailThrottledError';
    this.code = code;
  }
}

/** The mail service refused this mail for good (a rejected message, an unverified sender): no retry. */
export class MailRejectedError extends Error {
  /** The service's error name, e.g. `TooManyRequestsException`. */
  readonly code: string;
  constructor(code: string) {
    super(`mail service rejected the mail (${code})`);
    this.name = 'MailRejectedError';
    this.code = code;
  }
}
