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
