// Who the desk is in mail: the support address customers write to, the domain our Message-IDs carry
// (how our own mail is recognised when it comes back) and the display name; and who is alerted of
// SLA warnings and breaches. Read once per container with the other settings (functions/settings.ts).

export interface MailSettings {
  /** The support address (lowercased): From of everything we send, the one address we accept. */
  supportAddress: string;
  /** Right-hand side of our Message-IDs. */
  mailDomain: string;
  /** Display name on outbound mail. */
  displayName: string;
  /** How customers get registered, said in the reply to unknown senders. */
  registrationHint: string;
}

export const DEFAULT_SUPPORT_ADDRESS = 'support@desk.localhost';

export function mailSettings(supportAddress: string, overrides: Partial<MailSettings> = {}): MailSettings {
  const address = supportAddress.trim().toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return {
    supportAddress: address,
    mailDomain: domain,
    displayName: 'Support Desk',
    registrationHint:
      'Ask the administrator of your company’s support contract to register your address as a contact, then write again.',
    ...overrides,
  };
}

export interface AlertSettings {
  /** Agents' (or escalation) addresses; empty: agents are not mailed. */
  agents: string[];
}
