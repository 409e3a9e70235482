/** What OurAddresses is made of, plain enough to hand to a worker thread. */
export interface OurAddressList {
  addresses: string[];
  domains: string[];
}

/**
 * Our addresses: every mailbox and staff member, and anyone at a mailbox's own domain (colleagues,
 * aliases like help@ beside support@) unless that domain is a free-mail one. A Set, so callers ask `has`.
 */
export class OurAddresses extends Set<string> {
  readonly #domains: ReadonlySet<string>;

  constructor(addresses: Iterable<string>, domains: Iterable<string>) {
    super([...addresses].map((a) => a.toLowerCase()));
    this.#domains = new Set(domains);
  }

  override has(address: string): boolean {
    const a = address.toLowerCase();
    return super.has(a) || this.#domains.has(a.slice(a.lastIndexOf('@') + 1));
  }

  list(): OurAddressList {
    return { addresses: [...this], domains: [...this.#domains] };
  }
}
