// The mail port: outbound mail the desk sends on its own (SLA alerts today; replies and
// acknowledgements later). The local adapter writes .eml files to the outbox; the SES adapter sends.
// Kept small on purpose: threading headers (Message-ID, In-Reply-To, References) go in `headers`.

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
